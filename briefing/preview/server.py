"""The preview's web server: the page, its assets, the pages as images, downloads and events.

A ``ThreadingHTTPServer`` from the standard library, bound to 127.0.0.1. Nothing in
a URL reaches the file system: a request is answered only when its path matches one
of the routes below exactly, a letter's name is looked up among the project's letters,
and the files served are ``output/<letter>.pdf`` and ``.docx`` and the package's own
assets, by fixed names. A request whose ``Host`` is not this machine's loopback name
is refused, so that a web site cannot reach the preview through a DNS name of its own.
"""

from __future__ import annotations

import json
import re
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from briefing.preview import pages
from briefing.preview.state import Preview

__all__ = ["ASSETS", "PreviewServer", "make_server"]

HOST = "127.0.0.1"
ASSETS = {  # the page and its assets: URL → (file in briefing/preview/static, type)
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/preview.css": ("preview.css", "text/css; charset=utf-8"),
    "/static/preview.js": ("preview.js", "text/javascript; charset=utf-8"),
    "/static/favicon.svg": ("favicon.svg", "image/svg+xml"),
}
DOWNLOADS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_PAGE = re.compile(r"/brief/([^/]+)/pagina/([1-9][0-9]{0,3})(-kleur)?\.png")
_LETTER = re.compile(r"/api/brief/([^/]+)")
_DOWNLOAD = re.compile(r"/download/([^/]+)\.(pdf|docx)")
# Everything the page loads comes from here; no script or style written into the page.
_SECURITY = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
KEEP_ALIVE = 15.0  # seconds between comments on an idle event stream (a closed tab is noticed)


class PreviewServer(ThreadingHTTPServer):
    """The HTTP server, holding the preview's state."""

    daemon_threads = True  # an open event stream never holds up stopping
    allow_reuse_address = True

    def __init__(self, port: int, preview: Preview) -> None:
        self.preview = preview
        super().__init__((HOST, port), Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that goes away mid-answer (a tab closed, a page left) is no error."""
        if isinstance(sys.exception(), ConnectionError):
            return
        super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        """The page's address."""
        return f"http://{HOST}:{self.server_address[1]}/"


def make_server(preview: Preview, port: int | None = None) -> PreviewServer:
    """A server on ``port``, or on 8150 (the first free port above it, else any) when none is given.

    Raises ``OSError`` when the given port is taken."""
    if port is not None:
        return PreviewServer(port, preview)
    for candidate in (*range(8150, 8160), 0):
        try:
            return PreviewServer(candidate, preview)
        except OSError:
            if candidate == 0:
                raise
    raise AssertionError("unreachable")


class Handler(BaseHTTPRequestHandler):
    """One request: a route from the table, or 404."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"
    server_version = "briefing-preview"
    # An answer's headers and body go out as separate writes; with Nagle's algorithm the
    # body's last piece waits for the browser's delayed ACK of the headers (≈ 40 ms an image).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal shows the builds, not every request."""

    def do_HEAD(self) -> None:
        """As GET, without the body."""
        self._respond(head=True)

    def do_GET(self) -> None:
        """Answer from the route table."""
        self._respond(head=False)

    # ----------------------------------------------------------------- routing

    def _respond(self, head: bool) -> None:
        if not self._host_allowed():
            self._send(HTTPStatus.FORBIDDEN, b"alleen via 127.0.0.1\n", "text/plain; charset=utf-8", head)
            return
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        preview = self.server.preview
        if path in ASSETS:
            name, kind = ASSETS[path]
            body = resources.files("briefing.preview").joinpath("static", name).read_bytes()
            self._send(HTTPStatus.OK, body, kind, head)
        elif path == "/api/state":
            self._json(preview.state_json(), head)
        elif path == "/api/moments":  # where the last round's time went (benchmarks/preview.py)
            with preview.changed:
                data = {"rounds": preview.rounds, "moments": preview.moments}
            self._json(data, head)
        elif path == "/events":
            self._events(head)
        elif match := _LETTER.fullmatch(path):
            view = preview.view(unquote(match.group(1)))
            if view is None:
                self._not_found(head)
            else:
                preview.looking_at(view.name)  # built first in the next round
                with preview.changed:
                    data = view.json()
                self._json(data, head)
        elif match := _PAGE.fullmatch(path):
            self._page(unquote(match.group(1)), int(match.group(2)) - 1, bool(match.group(3)), query, head)
        elif match := _DOWNLOAD.fullmatch(path):
            self._download(unquote(match.group(1)), match.group(2), head)
        else:
            self._not_found(head)

    def _host_allowed(self) -> bool:
        host = (self.headers.get("Host") or "").lower()
        port = self.server.server_address[1]
        return host in (f"127.0.0.1:{port}", f"localhost:{port}", "127.0.0.1", "localhost")

    # ----------------------------------------------------------------- routes

    def _page(self, name: str, index: int, colour: bool, query: dict[str, list[str]], head: bool) -> None:
        """Page ``index`` in grey, or (``colour``) the part of it that has colour."""
        view = self.server.preview.view(name)
        try:
            ratio = pages.ratio_for(float(query.get("r", ["1"])[0]))
        except ValueError:
            ratio = 1.0
        if view is None:
            self._not_found(head)
            return
        self.server.preview.asked_ratio(name, ratio)  # a new build's pages are drawn at it beforehand
        with self.server.preview.changed:
            pdf = view.pdf
            page = view.pages[index] if 0 <= index < len(view.pages) else None
            key = (page.look, ratio, colour) if page else None
            image = view.images.get(key) if key else None
        if pdf is None or page is None or (colour and page.colour is None):
            self._not_found(head)
            return
        if image is None:
            try:
                if colour:
                    image = pages.render_colour(pdf, index, page.colour, ratio)
                else:
                    image = pages.render_page(pdf, index, ratio)
            except IndexError:
                self._not_found(head)
                return
            with self.server.preview.changed:
                if view.pdf is pdf:  # not replaced by a newer build meanwhile
                    view.images[key] = image
        self._send(HTTPStatus.OK, image, "image/png", head)
        self.server.preview.served(name, key)  # sent: the build may go on with the DOCX

    def _download(self, name: str, fmt: str, head: bool) -> None:
        preview = self.server.preview
        if preview.view(name) is None:
            self._not_found(head)
            return
        try:
            body = (preview.root / "output" / f"{name}.{fmt}").read_bytes()
        except OSError:
            self._not_found(head)
            return
        self._send(HTTPStatus.OK, body, DOWNLOADS[fmt], head,
                   {"Content-Disposition": f"attachment; filename=\"{quote(name)}.{fmt}\""})

    def _events(self, head: bool) -> None:
        """Server-sent events: one ``data:`` line with the latest event number per change."""
        preview = self.server.preview
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        for key, value in _SECURITY.items():
            self.send_header(key, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if head:
            return
        sent = -1
        preview.stream(opened=True)
        try:
            while not preview.closed:
                latest = preview.wait(sent, KEEP_ALIVE)
                if latest != sent:
                    self.wfile.write(f"data: {json.dumps(preview.state_json())}\n\n".encode())
                    sent = latest
                else:
                    self.wfile.write(b": wacht\n\n")
                self.wfile.flush()
        except OSError:  # the tab was closed
            return
        finally:
            preview.stream(opened=False)

    # ----------------------------------------------------------------- answers

    def _json(self, data: Any, head: bool) -> None:
        self._send(HTTPStatus.OK, json.dumps(data, ensure_ascii=False).encode(), "application/json", head)

    def _not_found(self, head: bool) -> None:
        self._send(HTTPStatus.NOT_FOUND, b"niet gevonden\n", "text/plain; charset=utf-8", head)

    def _send(self, status: HTTPStatus, body: bytes, kind: str, head: bool,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in {**_SECURITY, **(extra or {})}.items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)
