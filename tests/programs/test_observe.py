"""The instrumentation the programs print with (snippets/reference/helpers/observe.py).

outcome(), errno_name() and describe() once looked up errno.errorcode[errno]
for every OSError: a socket timeout's TimeoutError (errno None) raised
KeyError, and ssl.SSLEOFError's OpenSSL code 8 printed as ENOEXEC. Each case
here is one the programs meet.
"""

from __future__ import annotations

import errno
import socket
import ssl

import pytest

import observe

CASES = {
    "a reset": (ConnectionResetError(errno.ECONNRESET, "reset"), "ECONNRESET"),
    "a socket timeout": (TimeoutError("timed out"), None),
    "the kernel's ETIMEDOUT": (TimeoutError(errno.ETIMEDOUT, "timed out"), "ETIMEDOUT"),
    "TLS EOF (OpenSSL code 8)": (ssl.SSLEOFError(8, "EOF occurred"), None),
    "an address lookup (EAI code)": (socket.gaierror(-2, "Name or service"), None),
    "an errno Python has no name for": (OSError(4242, "odd"), "4242"),
}


def raising(exc):
    def call():
        raise exc

    return call


@pytest.mark.parametrize(("exc", "name"), CASES.values(), ids=CASES.keys())
def test_outcome_names_the_class_and_only_a_real_errno(exc, name):
    expected = type(exc).__name__ + (f" {name}" if name else "")
    assert observe.outcome(raising(exc)) == expected
    assert observe.describe(exc) == expected
    assert observe.errno_name(raising(exc)) == (name or type(exc).__name__)


def test_values_pass_through():
    assert observe.outcome(lambda: b"data") == b"data"
    assert observe.describe(b"data") == "b'data'"
