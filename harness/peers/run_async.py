"""Run a coroutine to the end in a thread of its own.

An xdist worker that ran the browser tests has an event loop running in its
main thread (Playwright's sync API keeps one), and asyncio.run() refuses to
start another there. A new thread has no loop, so the asyncio contract tests
run each coroutine in one, and get its result or its exception back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

LIMIT = 60  # seconds: no contract test comes near it


def run(main: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main).result(timeout=LIMIT)
