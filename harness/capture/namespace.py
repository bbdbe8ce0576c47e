"""A network namespace of one's own: only a loopback interface, which nothing
else on the machine can send on.

libc's unshare() and setns(), through ctypes: os.unshare() and os.setns()
exist only since Python 3.12, and the suite runs on 3.10 too. Needs
CAP_SYS_ADMIN (root, or sudo).
"""

from __future__ import annotations

import ctypes
import os
import socket
import struct
from collections.abc import Iterator
from contextlib import contextmanager

CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1


def _libc():
    # Loaded on use: this module is imported on macOS and Windows too, where
    # capturing is only reported unavailable.
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


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
