"""Loaded at start-up by a program the suite runs (PYTHONPATH points here).

The program runs exactly as `python -W error file.py` runs it for a reader;
this only records, for the suite, which line of the program each print() call
came from and what it printed, one JSON line per call, in the file named by
$RECORD_PRINTS, with the time (harness/capture/ places prints among the
segments it captured). pytest-examples then compares those calls with the
#> lines (harness/examples_compat.py). It also refuses, through an audit hook, a bind,
connect, sendto() or sendmsg() to an address that is not loopback, and says so
on stderr (which fails the run): the site's programs talk to 127.0.0.1 and ::1
only.
Standard library only, so the program starts as fast as it would alone.
"""

import builtins
import errno
import ipaddress
import json
import os
import re
import sys
import time

_RECORD = os.environ.get("RECORD_PRINTS")


def _loopback_only(event, args):
    if event not in (
        "socket.bind",
        "socket.connect",
        "socket.sendto",
        "socket.sendmsg",
    ):
        return
    address = args[1]
    if not isinstance(address, tuple):
        return  # AF_UNIX paths, other families, sendmsg() with no address
    host = address[0]
    if isinstance(host, (bytes, bytearray)):  # the socket module takes these too
        host = bytes(host).decode("ascii", "replace")
    try:
        if ipaddress.ip_address(str(host).split("%")[0]).is_loopback:
            return
    except ValueError:
        if host == "localhost":
            return
    message = f"{event} to {address!r}: the site's programs use 127.0.0.1 or ::1 only"
    # Also on stderr, which fails the run: a program that catches OSError
    # would otherwise swallow the refusal and pass.
    os.write(2, f"refused: {message}\n".encode())
    raise PermissionError(errno.EACCES, message)


if _RECORD:
    sys.addaudithook(_loopback_only)
    _program = os.path.realpath(sys.argv[0]) if sys.argv and sys.argv[0] else None
    _real_print = builtins.print

    def _arg(value):
        if isinstance(value, str):
            return {"data": value, "is_str": True}
        # the normalisation pytest_examples.run_code.Arg applies
        text = re.sub("0x[a-f0-9]{8,12}>", "0x0123456789ab>", str(value))
        return {"data": text, "is_str": False}

    def _recording_print(*values, sep=" ", end="\n", file=None, flush=False):
        caller = sys._getframe(1)
        if file is None and os.path.realpath(caller.f_code.co_filename) == _program:
            line = {
                "time_ns": time.time_ns(),  # orders prints among captured segments
                "line": caller.f_lineno,
                "sep": sep,
                "args": [_arg(v) for v in values],
            }
            with open(_RECORD, "a", encoding="utf-8") as out:
                out.write(json.dumps(line) + "\n")
        _real_print(*values, sep=sep, end=end, file=file, flush=flush)

    builtins.print = _recording_print
