"""The scope check: a sentence that speaks of every case needs evidence that covers
every case, or a scope that says where it holds (core/claims.py, overreach()).

AS_WRITTEN holds 26 overstated sentences, each as a page once held it, markers
included; the check flags each one, by one of its general rules (overreach()'s
docstring):

- a universal word ("every", "always", "never", "only when", "notices nothing", "as
  long as", "accepts no more", "no gentler than"...) with evidence of one case: one
  run, or a cited function for a rule of the whole kernel, or a source the sentence
  attributes itself to while citing another;
- a claim about what every client or reset of a page or of the site does;
- an observation that the Platforms table compares across systems, with no system
  named before a "but" ("`SHUT_RD` stops your reads, but on Linux ...");
- a rule ("When both sides send a FIN ...") about the kernel's FINs, resets or
  states, drawn from runs alone;
- a statement taken from one system's source that neither names the system nor
  attributes itself to the source.

Being flagged is not the whole of what was wrong with some of them: a wrong state
or a wrong cause was fixed on its page with a program or a citation, and the check
only asks for a scope or covering evidence. A sentence gets its scope from its
words, or from its page (`platform: Linux` in the front matter, which the opening
must say to the reader), its section (a heading "..., on Linux") or its table
column ("Linux").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.claims import compared_observations, page_platform, sentences
from core.pages import all_pages, page_id

# Overstated sentences, as pages once held them, markers included: each must be flagged.
AS_WRITTEN = {
    "tutorial: b'' is the peer's shutdown": (
        "An empty result from `recv()` is not an error: it means the peer "
        "performed an orderly shutdown and will send nothing more.<!-- cite: "
        "recv(2), RETURN VALUE | "
        "https://man7.org/linux/man-pages/man2/recv.2.html -->"
    ),
    "client-server: nothing hangs": (
        "every socket has a timeout and is closed by a `with` block, so nothing"
        " hangs or leaks;"
    ),
    "close-wait: only way out": (
        "Short of a reset, the only way out of CLOSE_WAIT is the program's own "
        "FIN, sent by its `close()` or `shutdown(SHUT_WR)` ([TCP "
        "teardown](../explanation/tcp-teardown.md#the-closing-states)).<!-- "
        "cite: RFC 9293, section 3.3.2 | "
        "https://www.rfc-editor.org/rfc/rfc9293#section-3.3.2 --><!-- wire: "
        "how-to/close-wait/close_wait_leak.py | server 1 → client 1  FIN ACK "
        "-->"
    ),
    "graceful-close: closed in every case": ("The socket is closed in every case."),
    "asyncio: closed in every case": (
        "`close_writer()` from the section above: the writer is closed in every"
        " case, and a peer that does not read cannot stop it."
    ),
    "index: never gets all of it": (
        "On Linux, a reset throws away the data still queued to send: the peer "
        "never gets all of it.<!-- run: how-to/abort/abort.py | then "
        "ConnectionResetError ECONNRESET; everything arrived: False -->"
    ),
    "index: every combination": (
        "Every combination, with both sides' TCP states, is in [the behaviour "
        "matrix](reference/behaviour-matrix.md); every exception you can meet "
        "is in [Errors](reference/errors.md)."
    ),
    "teardown: lists every TCP connection": (
        "A closed socket has no object left to ask, but its connection may live"
        " on in the kernel, which lists every TCP connection of the machine in "
        "`/proc/net/tcp`."
    ),
    "descriptors: only now": (
        "The end of its `with` block closes the last descriptor: only now does "
        "the kernel begin to end this side of the connection, which lingers "
        "until the closing handshake is done ([TCP teardown](tcp-teardown.md))."
    ),
    "other-sockets: everything here run on Linux": (
        "Everything here was run on Linux, and every program on this page is "
        "marked Linux only."
    ),
    "close-reliably: whoever holds": (
        "If you cannot control every reference (a library holds a file object, "
        "say), end your sending direction with `shutdown(socket.SHUT_WR)`, "
        "which reaches the peer whoever holds the socket, as [`socketserver` "
        "does](#why-socketserver-calls-shutdown-before-close).<!-- run: "
        "how-to/close-reliably/close_reliably_shutdown_request.py | TCPServer: "
        "b'echo hi', end-of-file: True -->"
    ),
    "dead-peers: only when it next reads": (
        "The peer learns it only when it next reads or writes: either can make "
        "its kernel transmit a segment (reading frees buffer space, which it "
        "announces), and this end, which no longer has the connection, answers "
        "that segment with a reset.<!-- cite: RFC 9293, section 3.10.7.1 "
        "(CLOSED state) | "
        "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.7.1 -->"
    ),
    "shutdown: notices nothing": (
        " notices nothing; on Linux what it sends is still delivered<!-- run: "
        "reference/shutdown/shutdown_rd.py | states: ESTABLISHED ESTABLISHED "
        "--><!-- run: reference/shutdown/late_data_after_shut_rd.py | recv():"
        "               b'late' --> "
    ),
    "asyncio: every wait": (
        "The programs on this page use only the standard library, bound every "
        "wait with `asyncio.wait_for()` (`asyncio.timeout()` needs Python "
        "3.11), and close every writer: asyncio warns with `ResourceWarning` "
        "about a transport that was never closed."
    ),
    "teardown: both take the left path": (
        "When both sides send a FIN before either has received the other's, "
        "both take the left path, through `CLOSING`, and both end in "
        "`TIME_WAIT`.<!-- run: "
        "explanation/tcp-teardown/time_wait_first_closer.py | the client read "
        "b'': CLOSING --><!-- run: "
        "explanation/tcp-teardown/time_wait_first_closer.py | both at once: "
        "server TIME_WAIT, client TIME_WAIT -->"
    ),
    "client-server: keeps reading": (
        "the server ends its side with `SHUT_WR`, not `SHUT_RDWR`, and keeps "
        "reading: it learns when the client has finished, and it never closes "
        "with unread data<!-- run: how-to/client-server/one_connection.py | "
        "server reads after its shutdown: b'' -->;"
    ),
    "client-time-wait: a second old": (
        "With the setting on, the new connection takes the entry over when "
        "the old connection used TCP timestamps and its last timestamp is "
        "more than a second old.<!-- cite: Linux v6.12, net/ipv4/tcp_ipv4.c, "
        "tcp_twsk_unique() | "
        "https://github.com/torvalds/linux/blob/v6.12/net/ipv4/tcp_ipv4.c -->"
    ),
    "tls: each client on this page": (
        "Each client on this page reads everything before it closes: with "
        "`recv()` until the end of the stream, or, in "
        "`tls_session_tickets.py`, with `unwrap()`, which reads the tickets "
        "and then the server's `close_notify`."
    ),
    "index: SHUT_RD stops your reads": (
        "`SHUT_RD` stops your reads, but on Linux data the peer sends later "
        "is still delivered.<!-- run: "
        "reference/shutdown/late_data_after_shut_rd.py | recv():"
        "               b'late' -->"
    ),
    "matrix: no gentler": (
        "`shutdown(SHUT_RDWR)` is no gentler than `close()`, and unlike "
        "`close()` it leaves the descriptor open<!-- run: "
        "reference/shutdown/shutdown_rdwr.py | descriptor still open: True "
        "-->: see [`socket.shutdown()`](shutdown.md)."
    ),
    "dead-peers: as long as the peer answers": (
        "Linux keeps probing a zero window for as long as the peer answers, "
        "as RFC 1122 asks, unless `TCP_USER_TIMEOUT` is set.<!-- cite: Linux "
        "net/ipv4/tcp_timer.c, tcp_probe_timer() (v6.6) | "
        "https://github.com/torvalds/linux/blob/v6.6/net/ipv4/tcp_timer.c -->"
    ),
    "abort: accepts no more": (
        "`send_until_full()` sends until the kernel accepts no more, and "
        "`queued` counts every byte the kernel accepted: after a plain "
        "`close()`, the client receives exactly that many.<!-- run: "
        "how-to/abort/abort.py | everything arrived: True -->"
    ),
    "client-time-wait: never taken over": (
        "Per the same source, an entry still in the FIN_WAIT2 substate (a "
        "closed client's side that still waits for the server's FIN) is never "
        "taken over.<!-- cite: Linux v6.14, net/ipv4/tcp_ipv4.c, "
        "tcp_twsk_unique() | "
        "https://github.com/torvalds/linux/blob/v6.14/net/ipv4/tcp_ipv4.c -->"
    ),
    "myths: needs both halves": (
        "The reset needs both halves of `SHUT_RDWR`.<!-- run: "
        "reference/shutdown/late_data_after_shut_rd.py | recv():"
        "               b'late'                 ConnectionResetError ECONNRESET -->"
    ),
    "myths: the resets shown on this site": (
        "The resets shown on this site come from a close with unread data, "
        "from an abort, or from data that arrives after `SHUT_RDWR`; none "
        "comes from `SO_REUSEADDR`.<!-- run: "
        "reference/behaviour-matrix/behaviour_matrix.py | close(), unread "
        "data|ECONNRESET --><!-- run: "
        "reference/behaviour-matrix/behaviour_matrix.py | SO_LINGER 0, "
        "close()|ECONNRESET -->"
    ),
    "abort: close() then sends a reset": (
        "`close()` then sends a reset (RST) instead of a FIN.<!-- run: "
        "how-to/abort/abort.py | then ConnectionResetError ECONNRESET -->"
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
    "a system named": (
        "On Linux, `close()` then sends a reset (RST) instead of a FIN."
        "<!-- run: how-to/abort/abort.py | then ConnectionResetError ECONNRESET -->"
    ),
    "the program's own server": (
        "The server's `close()` then sends a reset (RST) instead of a FIN."
        "<!-- run: how-to/abort/abort.py | then ConnectionResetError ECONNRESET -->"
    ),
    "a link to the comparison": (
        "`close()` then sends a reset (RST) instead of a FIN"
        " ([Platforms](../reference/platforms.md))."
        "<!-- run: how-to/abort/abort.py | then ConnectionResetError ECONNRESET -->"
    ),
    "a section on Linux": (
        "## `SHUT_RDWR`, on Linux\n\nThe reset needs both halves of `SHUT_RDWR`."
        "<!-- run: reference/shutdown/late_data_after_shut_rd.py | ECONNRESET -->"
    ),
    "a page on Linux": (
        "---\ntitle: t\ndescription: d\nplatform: Linux\n---\n\n"
        "The reset needs both halves of `SHUT_RDWR`."
        "<!-- run: reference/shutdown/late_data_after_shut_rd.py | ECONNRESET -->"
    ),
    "a Linux column": (
        "| Behaviour | Linux |\n|---|---|\n| data after `SHUT_RDWR` | the "
        "connection is reset<!-- run: reference/shutdown/late_data_after_shut_rd.py"
        " | ECONNRESET --> |"
    ),
    "a Windows column, Microsoft's documentation": (
        "| Behaviour | Windows |\n|---|---|\n| `SO_LINGER` zero | a hard close"
        "<!-- cite: Microsoft, closesocket function | https://x --> |"
    ),
    "a condition, here": (
        "When both sides send a FIN at once, both end in `TIME_WAIT` here."
        "<!-- run: explanation/tcp-teardown/time_wait_first_closer.py"
        " | both at once -->"
    ),
    "the cited function named": (
        "`tcp_twsk_unique()` never takes over an entry in FIN_WAIT2."
        "<!-- cite: Linux v6.14, net/ipv4/tcp_ipv4.c, tcp_twsk_unique() | https://x -->"
    ),
    "one system's source, attributed": (
        "Per the same source, the new connection takes the entry over."
        "<!-- cite: Linux v6.12, net/ipv4/tcp_ipv4.c, tcp_twsk_unique() | https://x -->"
    ),
    "what the programs are": "The programs on this page use only the standard library.",
    "advice after a condition": (
        "If a library holds the socket, end your sending with `shutdown(SHUT_WR)`:"
        " the FIN goes out.<!-- run: index/close_while_shared.py | b'' -->"
    ),
    "no more, meaning no longer": (
        "No more listening socket: a new connection is refused."
        "<!-- run: how-to/asyncio/asyncio_server_close.py | ConnectionRefusedError -->"
    ),
}


@pytest.mark.parametrize("text", SCOPED.values(), ids=SCOPED.keys())
def test_a_scope_or_covering_evidence_satisfies_it(text: str, tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text(text + "\n")
    assert not any(s.overreaches() for s in sentences(page))


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_no_sentence_speaks_of_every_case_on_one_case(page: Path):
    overreaching = [
        f"{s}\n    -> {s.overreach()}" for s in sentences(page) if s.overreaches()
    ]
    assert not overreaching, (
        f"{len(overreaching)} sentences claim more than their evidence shows (give a "
        "scope: on Linux, here, this program, a Python version; or evidence that "
        "covers it: a contract test, a behaviour-matrix row, a source the sentence "
        "says it follows; core/claims.py, Sentence.overreach()):\n"
        + "\n".join(overreaching)
    )


@pytest.mark.parametrize(
    "page", [p for p in all_pages() if page_platform(p)], ids=page_id
)
def test_a_page_on_one_system_says_so_in_its_opening(page: Path):
    """`platform: Linux` in the front matter scopes every sentence of the page:
    the reader, who does not see the front matter, must be told by the page's
    opening (its prose above the first section)."""
    system = page_platform(page)
    text = page.read_text()
    opening = text.split("\n## ", 1)[0].split("\n---\n", 1)[-1]
    assert re.search(rf"\b{re.escape(system)}\b", opening), (
        f"{page_id(page)} declares platform: {system}, and its opening does not name it"
    )


def test_the_platforms_table_gives_the_observations_it_compares():
    """Rule 3 reads the Linux column of the Platforms table: if that column were
    not found, the rule would pass every sentence."""
    observations = compared_observations()
    programs = {program for program, _ in observations}
    assert len(observations) >= 10, observations
    assert {"how-to/abort/abort.py", "reference/shutdown/shutdown_rd.py"} <= programs
