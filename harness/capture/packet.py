"""The TCP segments sent on the current network namespace's loopback
interface, read from a packet socket (CAP_NET_RAW: root, or sudo).

A packet socket bound to the loopback interface sees every segment once as
it is sent (PACKET_OUTGOING). Why not tcpdump or scapy: the standard library
does it in a few lines, with nothing to install on CI, and nothing but the
TCP header is needed.
"""

from __future__ import annotations

import errno
import os
import select
import socket
import struct
import threading
from dataclasses import dataclass

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
PACKET_OUTGOING = 4
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
SO_RCVBUFFORCE = 33
SOL_PACKET = 263
PACKET_STATISTICS = 6
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


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
        # struct tpacket_stats: packets seen, packets dropped
        stats = self.sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)
        drops = struct.unpack("II", stats)[1]
        # Closing waits for another grace period: let a thread wait for it.
        threading.Thread(target=self.sock.close, daemon=True).start()
        if drops:
            raise OSError(errno.ENOBUFS, f"the capture lost {drops} segments")
        return self.segments
