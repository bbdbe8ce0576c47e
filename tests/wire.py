"""The TCP segments a program sends, captured while it runs.

The program (or the server.py/client.py pair) runs in a network namespace
created for that one run: a loopback interface of its own, which nothing
else on the machine can send on, so a capture holds only the program's
segments and any port works. A packet socket bound to that loopback
interface sees every segment once as it is sent (PACKET_OUTGOING).

Why not tcpdump or scapy: the standard library does it in a few lines (a
packet socket, two ioctls, unshare and setns), with nothing to install on
CI, and nothing but the TCP header is needed.

The capture is then reduced to the events that carry meaning and do not
depend on timing (hooks/wire_format.py holds the text format):
- connection set-up (SYN, SYN ACK), data with its length, FIN and RST, each
  with the endpoint that sent it;
- pure ACKs and window updates (no payload, no SYN/FIN/RST) are left out,
  and so are retransmissions and a RST that repeats the one before it;
- a FIN sent with data is shown as data, then the FIN;
- consecutive data segments from the same endpoint are one event (how the
  kernel splits a send into segments is timing);
- the program's print() calls, in time order with the segments, so the
  diagram can show what the program did between them.

Needs CAP_SYS_ADMIN (unshare a network namespace) and CAP_NET_RAW (packet
socket): root, or `sudo`. `unavailable()` says what is missing.
"""

from __future__ import annotations

import ctypes
import errno
import os
import select
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from wire_format import LENGTHS, PRINT, Event

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
PACKET_OUTGOING = 4
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
SO_RCVBUFFORCE = 33
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def _libc():
    # Loaded on use: this module is imported on macOS and Windows too, where
    # test_wire only skips.
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


# libc's unshare() and setns(), through ctypes: os.unshare() and os.setns()
# exist only since Python 3.12, and the suite runs on 3.10 too.
def _unshare(flags: int) -> None:
    _check(_libc().unshare(flags))


def _setns(fd: int, nstype: int) -> None:
    _check(_libc().setns(fd, nstype))


def _loopback_up() -> None:
    import fcntl  # POSIX only: see _libc()

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(s, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))


def unavailable() -> str | None:
    """Why this process cannot capture, or None if it can."""
    if not hasattr(socket, "AF_PACKET"):
        return "capturing needs Linux (packet sockets and network namespaces)"
    try:
        with fresh_network():
            with socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM):
                pass
    except PermissionError as exc:
        needs = "capturing needs CAP_SYS_ADMIN and CAP_NET_RAW (root, or sudo)"
        return f"{needs}: {exc}"
    except OSError as exc:
        return f"capturing is not possible here: {exc}"
    return None


@contextmanager
def fresh_network() -> Iterator[None]:
    """Run the body, and every process it starts, in a new network namespace
    with only a loopback interface; then return this thread to the old one."""
    original = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    try:
        _unshare(CLONE_NEWNET)
        try:
            _loopback_up()
            yield
        finally:
            _setns(original, CLONE_NEWNET)
    finally:
        os.close(original)


@dataclass(frozen=True)
class Segment:
    time_ns: int
    source: tuple[str, int]
    destination: tuple[str, int]
    flags: int
    length: int
    sequence: int = 0


def parse(frame: bytes, protocol: int, time_ns: int) -> Segment | None:
    """The TCP segment in an IP packet (no link header), or None."""
    if protocol == ETH_P_IP and len(frame) >= 20 and frame[9] == socket.IPPROTO_TCP:
        header = (frame[0] & 0x0F) * 4
        total = struct.unpack_from("!H", frame, 2)[0]
        src = socket.inet_ntop(socket.AF_INET, frame[12:16])
        dst = socket.inet_ntop(socket.AF_INET, frame[16:20])
    elif protocol == ETH_P_IPV6 and len(frame) >= 40 and frame[6] == socket.IPPROTO_TCP:
        header = 40
        total = 40 + struct.unpack_from("!H", frame, 4)[0]
        src = socket.inet_ntop(socket.AF_INET6, frame[8:24])
        dst = socket.inet_ntop(socket.AF_INET6, frame[24:40])
    else:
        return None
    sport, dport, sequence = struct.unpack_from("!HHI", frame, header)
    offset = (frame[header + 12] >> 4) * 4
    flags = frame[header + 13]
    length = total - header - offset
    return Segment(time_ns, (src, sport), (dst, dport), flags, length, sequence)


class Capture:
    """Segments sent on the current network namespace's loopback interface."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []
        # Protocol 0 here, ETH_P_ALL in bind(): each registration of a packet
        # socket's protocol costs the kernel an RCU grace period (~15 ms).
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, 0)
        self.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
        self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.sock.bind(("lo", ETH_P_ALL))  # Python applies htons() here
        self._wake_read, self._wake_write = os.pipe()  # stop() wakes the reader
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            ready, _, _ = select.select([self.sock, self._wake_read], [], [])
            if self._wake_read in ready:
                return
            self._receive()

    def _receive(self) -> None:
        # Only the headers matter; 128 bytes hold IPv6 + TCP with options.
        data, ancillary, _, address = self.sock.recvmsg(128, 64)
        _, protocol, pkttype, _, _ = address
        if pkttype != PACKET_OUTGOING:
            return  # loopback shows each segment twice: sent, then received
        time_ns = 0
        for level, kind, value in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                seconds, nanoseconds = struct.unpack("qq", value[:16])
                time_ns = seconds * 1_000_000_000 + nanoseconds
        segment = parse(data, protocol, time_ns)
        if segment is not None:
            self.segments.append(segment)

    def stop(self) -> list[Segment]:
        """Stop, after every segment queued so far is read."""
        os.write(self._wake_write, b"x")
        self._reader.join()
        os.close(self._wake_read)
        os.close(self._wake_write)
        self.sock.setblocking(False)
        while True:
            try:
                self._receive()
            except BlockingIOError:
                break
        drops = struct.unpack("II", self.sock.getsockopt(263, 6, 8))[
            1
        ]  # PACKET_STATISTICS
        # Closing waits for another grace period: let a thread wait for it.
        threading.Thread(target=self.sock.close, daemon=True).start()
        if drops:
            raise OSError(errno.ENOBUFS, f"the capture lost {drops} segments")
        return self.segments


def events(
    segments: list[Segment],
    prints: list[tuple[int, str]] = (),
    larger_than: int | None = None,
) -> list[Event]:
    """The segments as meaningful events, with the program's prints
    (time_ns, text) in time order between them. Data runs longer than
    `larger_than` bytes are shown as "more than" it (their exact length
    depends on how full the buffers were)."""
    # Who is who: the endpoint that sends a SYN without ACK is a client.
    connections: dict[frozenset, int] = {}
    roles: dict[tuple[str, int], str] = {}
    for s in segments:
        key = frozenset((s.source, s.destination))
        if key not in connections and s.flags & SYN and not s.flags & ACK:
            connections[key] = len(connections) + 1
            roles[s.source], roles[s.destination] = "client", "server"
    many = len(connections) > 1
    sent: dict[tuple, int] = {}  # per direction: how far its sequence numbers went
    # (time, order, sender, receiver, flags, length); a print has flags None
    timeline: list[tuple] = []
    for order, s in enumerate(segments):
        number = connections.get(frozenset((s.source, s.destination)))
        if number is None:
            continue  # a connection whose SYN was not captured: not the program's
        flags, length = s.flags, s.length
        end = s.sequence + length + bool(flags & (SYN | FIN))
        side = (s.source, s.destination)
        if side in sent and not flags & RST:
            if (
                _before(end, sent[side])
                or end == sent[side]
                and (length or flags & FIN)
            ):
                continue  # a retransmission: the same bytes again, after a timer
        if not flags & RST:
            sent[side] = end
        if not flags & (SYN | FIN | RST) and length == 0:
            continue  # a pure ACK or window update: timing, not meaning
        suffix = f" {number}" if many else ""
        sender, receiver = roles[s.source] + suffix, roles[s.destination] + suffix
        if flags & FIN and length:
            # Data and FIN in one segment, or in two: timing. Show them apart.
            timeline.append((s.time_ns, order, sender, receiver, flags & ~FIN, length))
            flags, length = flags & ~PSH, 0
        timeline.append((s.time_ns, order, sender, receiver, flags, length))
    for order, (time_ns, text) in enumerate(prints):
        timeline.append((time_ns, len(segments) + order, PRINT, "", None, text))
    timeline.sort(key=lambda item: item[:2])
    merged: list[list] = []
    for _, _, sender, receiver, flags, length in timeline:
        last = merged[-1] if merged else None
        same_way = last is not None and flags is not None and last[2] is not None
        same_way = same_way and (last[0], last[1]) == (sender, receiver)
        if same_way and not (last[2] | flags) & (SYN | FIN | RST):
            last[2] |= flags  # one send split into several segments
            last[3] += length
        elif same_way and last[2] & flags & RST:
            continue  # a reset answering a segment left out above: timing
        else:
            merged.append([sender, receiver, flags, length])
    return [
        Event(PRINT, "", length)
        if flags is None
        else Event(sender, receiver, names(flags), _size(length, larger_than))
        for sender, receiver, flags, length in merged
    ]


def _before(a: int, b: int) -> bool:
    """Sequence number a comes before b (modulo 2**32)."""
    return 0 < (b - a) % (1 << 32) < (1 << 31)


def _size(length: int, larger_than: int | None) -> int:
    if larger_than is not None and length > larger_than:
        return -larger_than  # shown as "more than larger_than bytes"
    return length


def names(flags: int) -> str:
    bits = ((SYN, "SYN"), (FIN, "FIN"), (RST, "RST"), (PSH, "PSH"), (ACK, "ACK"))
    return " ".join(name for bit, name in bits if flags & bit)


_unavailable: list[str | None] = []


def why_not() -> str | None:
    """unavailable(), asked once per process."""
    if not _unavailable:
        _unavailable.append(unavailable())
    return _unavailable[0]


def skip_unless_capturing(what: str) -> None:
    """Skip the calling test, saying what is missing, if this process cannot
    capture; fail instead where REQUIRE_WIRE=1 (.ci/run sets it)."""
    import pytest

    reason = why_not()
    if reason is None:
        return
    if os.environ.get("REQUIRE_WIRE") == "1":
        pytest.fail(f"{what}: not checked, and REQUIRE_WIRE=1: {reason}", pytrace=False)
    pytest.skip(f"{what}: not checked: {reason}")


def run_captured(program, workdir):
    """Run a program (tests/programs.py) in a network namespace of its own,
    capturing; return its runs and the segments."""
    from programs import run_program

    with fresh_network():
        capture = Capture()
        try:
            runs = run_program(program, workdir)
        finally:
            segments = capture.stop()
    return runs, segments


def larger_than(header: list[str]) -> int | None:
    """The threshold a .wire file's "lengths:" header line sets, if any."""
    for line in header:
        if line.startswith(LENGTHS):
            return int(line.split()[-2])
    return None
