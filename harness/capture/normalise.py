"""Captured segments reduced to the events that carry meaning and do not
depend on timing (core.wire holds their types and text format):

- connection set-up (SYN, SYN ACK), data with its length, FIN and RST, each
  with the endpoint that sent it;
- pure ACKs and window updates (no payload, no SYN/FIN/RST) are left out,
  and so are retransmissions and a RST that repeats the one before it;
- a FIN sent with data is shown as data, then the FIN;
- consecutive data segments from the same endpoint are one event (how the
  kernel splits a send into segments is timing);
- the program's print() calls, in time order with the segments, so the
  diagram can show what the program did between them.
"""

from __future__ import annotations

from core.wire import Event, Print, Transfer
from harness.capture.packet import ACK, FIN, PSH, RST, SYN, Segment


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
    # (time, order, sender, receiver, flags, length or text); a print has
    # flags None and its text in the last slot
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
        timeline.append((time_ns, len(segments) + order, "", "", None, text))
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
        Print(length)
        if flags is None
        else Transfer(sender, receiver, names(flags), _size(length, larger_than))
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
