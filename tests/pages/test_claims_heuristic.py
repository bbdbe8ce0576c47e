"""The unbacked-claim check flags false or overstated statements, each as a
page once held it."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.claims import sentences

# Each as it stood on its page, with the links it had (a link is no evidence).
AS_WRITTEN = {
    "myths: SHUT_RD": (
        "On Linux, data that arrives for a socket shut down for reading makes "
        "the kernel reset the connection."
    ),
    "myths: after close()": (
        "**Verdict: true.** The object has no descriptor left, and every call on it "
        "raises `OSError`."
    ),
    "descriptors: non-inheritable": (
        "Python makes new descriptors non-inheritable "
        "([PEP 446](https://peps.python.org/pep-0446/)), and `subprocess` closes the "
        "others by default, so in Python this happens when you ask for it, as "
        "`pass_fds` does here."
    ),
    "platforms: macOS unread data": (
        "| `close()` with unread data | not tested. RFC 1122 says a TCP SHOULD reset; "
        "FreeBSD does not |"
    ),
    "teardown: after RST": ("The peer's next call fails with `ConnectionResetError`."),
    "errors: BrokenPipeError": (
        "| `BrokenPipeError` | `EPIPE` | sending on a connection whose sending side is "
        "shut down: your own `shutdown(SHUT_WR)`, or a reset from the peer |"
    ),
    "detect: SIGPIPE": (
        "The child of a Python process does not ignore `SIGPIPE`, unless you pass "
        "`restore_signals=False`."
    ),
    "restart: Cygwin": (
        "`socket.create_server()` sets `SO_REUSEADDR` before it binds, on every system "
        "except Windows and Cygwin ([CPython `Lib/socket.py`](https://github.com/))."
    ),
    "tls: key file": (
        "trustme makes a throwaway certificate authority and a certificate for "
        "`localhost` when the program starts, so no key file is ever written or "
        "committed."
    ),
    "descriptors: at once": (
        "Every other descriptor and object sees the result, and the peer sees it "
        "at once ([`shutdown(2)`](https://man7.org/linux/man-pages/man2/shutdown.2.html))."
    ),
    "index: RST instead of FIN": (
        "If bytes you never read are still queued when you close, the kernel sends "
        "RST instead of FIN ([RFC 1122](https://www.rfc-editor.org/rfc/rfc1122))."
    ),
}


@pytest.mark.parametrize("text", AS_WRITTEN.values(), ids=AS_WRITTEN.keys())
def test_the_statement_is_flagged(text: str, tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text(text + "\n")
    found = sentences(page)
    assert found, "the checker read no sentence"
    flagged = [s for s in found if s.states_behaviour() and not s.claims]
    assert flagged, [s.text for s in found]


def test_a_marker_backs_the_sentence_it_follows(tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text(
        "The peer's `recv()` returns `b''`.<!-- run: a.py | b'' --> "
        "Then it raises `ConnectionResetError`.\n"
    )
    backed, unbacked = sentences(page)
    assert backed.claims and not unbacked.claims
