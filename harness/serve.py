"""The built site served on 127.0.0.1 as GitHub Pages serves it: text
gzipped (level 6), the rest as is. One server for the browser tests and for
Lighthouse, so that both measure the page readers get."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

# What GitHub Pages compresses, by file name ending ("/" is a folder's index.html).
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".md", "/")


def transfer_size(url: str, body: bytes) -> int:
    """The size this server sends for a body at url."""
    path = urlsplit(url).path
    return len(gzip.compress(body, 6)) if path.endswith(COMPRESSIBLE) else len(body)


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        gzip_ok = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (gzip_ok and path.name.endswith(COMPRESSIBLE) and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format, *args):
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Serve folder (it may be filled later) and give its address."""
    handler = functools.partial(GzipHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        host, port = server.server_address[:2]
        try:
            yield f"http://{host}:{port}/"
        finally:
            server.shutdown()
            thread.join(timeout=5)
