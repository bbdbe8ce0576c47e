"""The scope check: a sentence that speaks of every case needs evidence that covers
every case, or a scope that says where it holds (tests/claims.py, overreaches()).

An independent review (issue 20) quoted overstated sentences from the pages. The
check flags those whose wording generalises ("every", "always", "never", "only
when", "notices nothing", "in every case"...) beyond their one run; each is kept
here as it was written, markers included. The review's other findings are out of
the check's reach, and were fixed on their pages, with a program or a citation:
false in substance without a universal word (a wrong state or cause), or
generalising under a cited source that did not cover the case:

- teardown: both take the left path (wrong states)
- client-server: keeps reading (the program read once)
- client-time-wait: a second old (the kernel compares whole seconds)
- tls: reads everything (one client did not read)
- index: SHUT_RD stops your reads (Linux still delivers data)
- matrix: no gentler (with unread data it is)
- dead-peers: as long as the peer answers (attributed to RFC 1122; orphans give up)
- abort: accepts no more (select() said not writable, the kernel took more)
- client-time-wait: never taken over (attributed to the source; bind() bypasses it)
- myths: needs both halves (Windows resets after SD_RECEIVE alone)
- myths: the resets shown (an incomplete list)
- abort: close() then sends a reset (not while another reference holds it)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claims import sentences
from pages import all_pages, page_id

# As written on their pages before the review, markers included.
AS_WRITTEN = {
    "tutorial: b'' is the peer's shutdown": (
        'An empty result from `recv()` is not an error: it means the peer '
        'performed an orderly shutdown and will send nothing more.<!-- cite: '
        'recv(2), RETURN VALUE | '
        'https://man7.org/linux/man-pages/man2/recv.2.html -->'
    ),
    'client-server: nothing hangs': (
        'every socket has a timeout and is closed by a `with` block, so nothing'
        ' hangs or leaks;'
    ),
    'close-wait: only way out': (
        "Short of a reset, the only way out of CLOSE_WAIT is the program's own "
        'FIN, sent by its `close()` or `shutdown(SHUT_WR)` ([TCP '
        'teardown](../explanation/tcp-teardown.md#the-closing-states)).<!-- '
        'cite: RFC 9293, section 3.3.2 | '
        'https://www.rfc-editor.org/rfc/rfc9293#section-3.3.2 --><!-- wire: '
        'how-to/close-wait/close_wait_leak.py | server 1 → client 1  FIN ACK '
        '-->'
    ),
    'graceful-close: closed in every case': (
        'The socket is closed in every case.'
    ),
    'asyncio: closed in every case': (
        '`close_writer()` from the section above: the writer is closed in every'
        ' case, and a peer that does not read cannot stop it.'
    ),
    'index: never gets all of it': (
        'On Linux, a reset throws away the data still queued to send: the peer '
        'never gets all of it.<!-- run: how-to/abort/abort.py | then '
        'ConnectionResetError ECONNRESET; everything arrived: False -->'
    ),
    'index: every combination': (
        "Every combination, with both sides' TCP states, is in [the behaviour "
        'matrix](reference/behaviour-matrix.md); every exception you can meet '
        'is in [Errors](reference/errors.md).'
    ),
    'teardown: lists every TCP connection': (
        'A closed socket has no object left to ask, but its connection may live'
        ' on in the kernel, which lists every TCP connection of the machine in '
        '`/proc/net/tcp`.'
    ),
    'descriptors: only now': (
        'The end of its `with` block closes the last descriptor: only now does '
        'the kernel begin to end this side of the connection, which lingers '
        'until the closing handshake is done ([TCP teardown](tcp-teardown.md)).'
    ),
    'other-sockets: everything here run on Linux': (
        'Everything here was run on Linux, and every program on this page is '
        'marked Linux only.'
    ),
    'close-reliably: whoever holds': (
        'If you cannot control every reference (a library holds a file object, '
        'say), end your sending direction with `shutdown(socket.SHUT_WR)`, '
        'which reaches the peer whoever holds the socket, as [`socketserver` '
        'does](#why-socketserver-calls-shutdown-before-close).<!-- run: '
        'how-to/close-reliably/close_reliably_shutdown_request.py | TCPServer: '
        "b'echo hi', end-of-file: True -->"
    ),
    'dead-peers: only when it next reads': (
        'The peer learns it only when it next reads or writes: either can make '
        'its kernel transmit a segment (reading frees buffer space, which it '
        'announces), and this end, which no longer has the connection, answers '
        'that segment with a reset.<!-- cite: RFC 9293, section 3.10.7.1 '
        '(CLOSED state) | '
        'https://www.rfc-editor.org/rfc/rfc9293#section-3.10.7.1 -->'
    ),
    'shutdown: notices nothing': (
        ' notices nothing; on Linux what it sends is still delivered<!-- run: '
        'reference/shutdown/shutdown_rd.py | states: ESTABLISHED ESTABLISHED '
        '--><!-- run: reference/shutdown/late_data_after_shut_rd.py | recv():'
        "               b'late' --> "
    ),
    'asyncio: every wait': (
        'The programs on this page use only the standard library, bound every '
        'wait with `asyncio.wait_for()` (`asyncio.timeout()` needs Python '
        '3.11), and close every writer: asyncio warns with `ResourceWarning` '
        'about a transport that was never closed.'
    ),
}


@pytest.mark.parametrize("text", AS_WRITTEN.values(), ids=AS_WRITTEN.keys())
def test_the_overstated_sentence_is_flagged(text: str, tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text(text + "\n")
    found = sentences(page)
    assert found, "the checker read no sentence"
    assert any(s.overreaches() for s in found), [s.text for s in found]


SCOPED = {
    "here": "On Linux, the peer never reads `b''` here.<!-- run: a.py | b'' -->",
    "contract": (
        "`close_gracefully()` closes the socket in every case."
        "<!-- contract: close_gracefully | test_x -->"
    ),
    "version": (
        "On 3.13 and later, `recv()` always raises `ConnectionResetError`."
        "<!-- run: a.py | x -->"
    ),
    "attributed source": (
        "`close()` never blocks, per the manual page."
        "<!-- cite: close(2) | https://x -->"
    ),
    "matrix": (
        "Every combination is in the matrix."
        "<!-- run: reference/behaviour-matrix/behaviour_matrix.py | x -->"
    ),
}


@pytest.mark.parametrize("text", SCOPED.values(), ids=SCOPED.keys())
def test_a_scope_or_covering_evidence_satisfies_it(text: str, tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text(text + "\n")
    assert not any(s.overreaches() for s in sentences(page))


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_no_sentence_speaks_of_every_case_on_one_case(page: Path):
    overreaching = [str(s) for s in sentences(page) if s.overreaches()]
    assert not overreaching, (
        f"{len(overreaching)} sentences speak of every case with evidence of one "
        "(give a scope: this program, here, a Python version; or evidence that "
        "covers it: a contract test, a behaviour-matrix row, a source it says it "
        "follows):\n" + "\n".join(overreaching)
    )
