"""A scripted HTTP server on 127.0.0.1 for tests: real sockets, no mocks.

    with ScriptedServer() as server:
        server.route("/a.deb", Reply(body=b"...", etag='"v1"'), Reply(status=404))
        url = server.url("/a.deb")

Each path answers with its replies in order; the last one repeats. Every
request is recorded (``server.requests[path]`` holds its headers). Test
modules get the ``http_server`` and ``refused_url`` fixtures through conftest.py.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Reply:
    """One scripted response.

    content_length: declare this many bytes instead of len(body); make it larger
    than the body to send a truncated response.
    etag / last_modified: sent as headers; a request whose If-None-Match or
    If-Modified-Since matches gets 304 Not Modified instead.
    delay: seconds to wait before answering.
    """

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_length: int | None = None
    etag: str | None = None
    last_modified: str | None = None

    def not_modified(self, request: Message) -> bool:
        etag_hit = self.etag is not None and request.get("If-None-Match") == self.etag
        date_hit = (
            self.last_modified is not None
            and request.get("If-Modified-Since") == self.last_modified
        )
        return etag_hit or date_hit


class ScriptedServer:
    """A ThreadingHTTPServer on 127.0.0.1, on a free port, in a daemon thread."""

    def __init__(self) -> None:
        self.requests: dict[str, list[Message]] = defaultdict(list)
        self._routes: dict[str, list[Reply]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def route(self, path: str, *replies: Reply) -> None:
        """Answer requests for path with replies in order, repeating the last one."""
        with self._lock:
            self._routes[path] = list(replies)

    def url(self, path: str) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def count(self, path: str) -> int:
        with self._lock:
            return len(self.requests[path])

    def _next_reply(self, path: str, headers: Message) -> Reply:
        with self._lock:
            self.requests[path].append(headers)
            replies = self._routes.get(path)
            if not replies:
                return Reply(status=404, body=b"no such path\n")
            return replies.pop(0) if len(replies) > 1 else replies[0]


class _QuietServer(ThreadingHTTPServer):
    """Ignores clients that hang up early (a test's timeout), reports everything else."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            reply = server._next_reply(self.path, self.headers)
            if reply.delay and server._stopping.wait(reply.delay):
                return
            if reply.not_modified(self.headers):
                self._send_head(304, reply, length=None)
                return
            length = len(reply.body) if reply.content_length is None else reply.content_length
            self._send_head(reply.status, reply, length)
            self.wfile.write(reply.body)

        def _send_head(self, status: int, reply: Reply, length: int | None) -> None:
            self.send_response(status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.etag:
                self.send_header("ETag", reply.etag)
            if reply.last_modified:
                self.send_header("Last-Modified", reply.last_modified)
            if length is not None:
                self.send_header("Content-Length", str(length))
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def http_server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as server:
        yield server


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A URL on 127.0.0.1 whose port is bound but not listening: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/file"
