"""The gunicorn worker of `greenlist serve`: gthread, made safe against slow and idle clients
(issue 9 item 6), and closing cleanly after a refused body (item 8).

Why a worker of our own. gunicorn 27's gthread worker gives every new connection to one of its
few threads at once: the thread waits up to 5 s for a first byte, then reads the request head
with blocking reads and no time limit. Measured on `greenlist serve` (4 threads): with 200 idle
sockets open, /health did not answer within 30 s (each idle socket holds a thread for 5 s in
turn); with 4 sockets that sent half a request line and stopped, it did not answer at all, for as
long as those sockets stayed open. Its settings cannot fix that: `keepalive`, `timeout` and the
`limit_request_*` sizes bound neither the wait for a first byte nor a stalled read, and more
threads only raise the number of slow clients needed. gunicorn's asynchronous workers (gevent,
eventlet) would, at the price of monkey-patching the process that also runs the stores, psycopg
and the projection runner's thread.

So this worker keeps gunicorn (master, graceful restarts, hooks, its HTTP parser) and moves the
waiting out of the threads, into the worker's event loop (a selector). A connection's bytes are
read there without blocking until its request is whole: the head, and a body no larger than the
API's limit (api.app.MAX_BODY). Only then does a thread get it, and its parser reads from
memory. A slow or idle connection costs a file descriptor and a buffer, never a thread:

- a connection that sends nothing for `keepalive` seconds (new or kept alive) is closed;
- a request must be whole within `request_timeout` seconds of its first byte: else 408;
- a head larger than HEAD_LIMIT is refused from the loop: 431 (414 if the request line is);
- a body announced larger than the limit is not waited for: the app refuses it from its
  Content-Length (413, `Connection: close`), which this worker honours (gunicorn drops an
  application's `Connection` header and would announce keep-alive);
- a connection ends with a lingering close (RFC 9112 section 9.6): after the answer the write
  side is shut, and whatever the client still sends is read and discarded in the loop (at most
  LINGER_SECONDS and LINGER_BYTES), so a client still sending a refused body reads the 413
  instead of a reset (gunicorn's own graceful close drains 64 KiB, blocking the loop);
- what a thread still does on the socket (writing a response to a client that does not read)
  gives up after IO_TIMEOUT seconds without progress (SO_RCVTIMEO, SO_SNDTIMEO).

gunicorn's own error answers (400 on a malformed request line or header, 414, 431, 501 ...) are
application/problem+json documents like the app's (`handle_error`).

Plain HTTP/1.1 only: TLS and HTTP/2 are terminated in front of the service (the loop reads the
raw bytes)."""

from __future__ import annotations

import contextlib
import errno
import re
import selectors
import socket
import struct
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from http import HTTPStatus
from typing import Any

from gunicorn import http as gunicorn_http
from gunicorn.http import errors as gunicorn_errors
from gunicorn.workers.gthread import _DEFER, STOP_KEEPALIVE_LINGER, TConn, ThreadWorker

from api.app import MAX_BODY
from api.problems import PROBLEM, TITLES, problem

HEAD_LIMIT = 64 * 1024
"""Request line and header fields together (nginx allows 32 KiB by default)."""
REQUEST_TIMEOUT = 30.0
"""Seconds a client has, from a request's first byte, to send all of it (head and body)."""
LINGER_SECONDS = 5.0
LINGER_BYTES = 64 * 1024 * 1024
IO_TIMEOUT = 10
SWEEP_EVERY = 0.25
READ_SIZE = 64 * 1024
HEAD_END = re.compile(rb"\r?\n\r?\n")
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


def receive(sock: Any) -> bytes | None:
    """What a non-blocking socket has for us: None when nothing yet, b"" when the client went
    away (or the connection broke)."""
    try:
        data: bytes = sock.recv(READ_SIZE)
    except (BlockingIOError, InterruptedError):
        return None
    except OSError:
        return b""
    return data


class Next(Enum):
    """What to do with a connection's buffered bytes."""

    WAIT = "wait"
    CONTINUE = "continue"  # wait, once the client is told to send its body (Expect)
    READY = "ready"  # a thread can take it without waiting on the client
    URI_TOO_LONG = 414
    HEADERS_TOO_LARGE = 431


@dataclass
class Framing:
    """Where the request being received ends, judged from the bytes so far, incrementally (a
    client sending a byte at a time costs a step per byte, not a rescan). It only decides how
    long to wait: gunicorn's parser judges the request itself, so anything unusual (several or
    invalid Content-Lengths, an unknown transfer coding, a malformed chunk) is READY at once."""

    body_limit: int
    head_limit: int = HEAD_LIMIT
    data: bytearray = field(default_factory=bytearray)
    scanned: int = 0
    body_start: int | None = None
    length: int | None = None
    chunked: bool = False
    next_chunk: int = 0
    decoded: int = 0
    expects_continue: bool = False

    def feed(self, data: bytes) -> Next:
        self.data += data
        if self.body_start is None:
            verdict = self._head()
            if verdict is not None:
                return verdict
        return self._body()

    def _head(self) -> Next | None:
        found = HEAD_END.search(self.data, max(0, self.scanned - 3))
        end = found.start() if found else len(self.data)
        if end > self.head_limit:
            line_end = self.data.find(b"\n", 0, self.head_limit)
            return Next.URI_TOO_LONG if line_end < 0 else Next.HEADERS_TOO_LARGE
        if found is None:
            self.scanned = len(self.data)
            return Next.WAIT
        self.body_start = found.end()
        fields: dict[bytes, list[bytes]] = {}
        for line in bytes(self.data[:end]).split(b"\n")[1:]:
            name, colon, value = line.partition(b":")
            if colon:
                fields.setdefault(name.strip().lower(), []).append(value.strip())
        self.expects_continue = any(v.lower() == b"100-continue" for v in fields.get(b"expect", []))
        if b"transfer-encoding" in fields:
            codings = b",".join(fields[b"transfer-encoding"]).lower().split(b",")
            self.chunked = codings[-1].strip() == b"chunked"
            return None if self.chunked else Next.READY
        lengths = fields.get(b"content-length", [])
        if len(lengths) != 1 or not lengths[0].isdigit() or int(lengths[0]) > self.body_limit:
            return Next.READY  # no body, or one the app refuses (411, 413) or gunicorn does
        self.length = int(lengths[0])
        return None

    def _waiting(self) -> Next:
        return Next.CONTINUE if self.expects_continue else Next.WAIT

    def _body(self) -> Next:
        assert self.body_start is not None
        if self.length is not None:
            whole = len(self.data) - self.body_start >= self.length
            return Next.READY if whole else self._waiting()
        if len(self.data) - self.body_start > 2 * self.body_limit:
            return Next.READY  # tiny chunks: their framing alone passes any sane size
        while True:  # chunked (RFC 9112 section 7.1): size line, data, CRLF ... then 0
            start = self.body_start + self.next_chunk
            eol = self.data.find(b"\n", start)
            if eol < 0:
                return Next.READY if len(self.data) - start > 1024 else self._waiting()
            try:
                size = int(bytes(self.data[start:eol]).split(b";")[0].strip(), 16)
            except ValueError:
                return Next.READY
            if size < 0:
                return Next.READY
            if size == 0:  # the last chunk, then trailer fields up to an empty line
                rest = eol + 1
                if self.data.startswith((b"\r\n", b"\n"), rest) or HEAD_END.search(self.data, rest):
                    return Next.READY
                return Next.READY if len(self.data) - rest > self.head_limit else self._waiting()
            end = eol + 1 + size + 2
            if end > len(self.data):
                held = self.decoded + len(self.data) - eol - 1
                return Next.READY if held > self.body_limit else self._waiting()
            self.decoded += size
            self.next_chunk = end - self.body_start
            if self.decoded > self.body_limit:
                return Next.READY  # the app reads up to its limit, from memory, and refuses


@dataclass
class Awaited:
    """A connection whose next request is being received in the loop."""

    framing: Framing
    deadline: float
    continued: bool = False


def problem_message(status: int, detail: str) -> bytes:
    """A whole HTTP/1.1 answer carrying a problem document, written by the worker itself."""
    body = problem(status, detail).get_data()
    head = (
        f"HTTP/1.1 {status} {TITLES.get(status, HTTPStatus(status).phrase)}\r\n"
        "Connection: close\r\n"
        f"Content-Type: {PROBLEM}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def status_of(error: BaseException) -> int | None:
    """The status gunicorn answers a request it could not parse with (as
    gunicorn.workers.base.Worker.handle_error decides it), or None for its 500."""
    specific: Iterable[tuple[type[BaseException], int]] = (
        (gunicorn_errors.InvalidResponseHeader, 0),
        (gunicorn_errors.InvalidResponseHeaderName, 0),
        (gunicorn_errors.LimitRequestLine, 414),
        (gunicorn_errors.LimitRequestHeaders, 431),
        (gunicorn_errors.UnsupportedTransferCoding, 501),
        (gunicorn_errors.ExpectationFailed, 417),
        (gunicorn_errors.ForbiddenProxyRequest, 403),
        (gunicorn_errors.ConfigurationProblem, 0),
        (gunicorn_errors.ParseException, 400),
    )
    for kind, status in specific:
        if isinstance(error, kind):
            return status or None
    return None


def bound_blocking_io(sock: socket.socket, seconds: int) -> None:
    """A blocking read or write on `sock` fails after `seconds` without progress."""
    interval = struct.pack("ll", seconds, 0)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, interval)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, interval)


def closes_when_asked(wsgi_app: Callable[..., Any]) -> Callable[..., Any]:
    """WSGI middleware: an answer whose headers say `Connection: close` closes the connection
    after it (gunicorn ignores the header an application sets and keeps the connection alive,
    with the refused body still unread on it)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if any(n.lower() == "connection" and "close" in v.lower() for n, v in headers):
                gunicorn_response = getattr(start_response, "__self__", None)
                if gunicorn_response is not None and hasattr(gunicorn_response, "force_close"):
                    gunicorn_response.force_close()
            return start_response(status, headers, exc_info)

        return wsgi_app(environ, start)

    return app


class BufferingWorker(ThreadWorker):  # type: ignore[misc]
    """gthread whose threads only ever get whole requests; see the module's docstring."""

    request_timeout = REQUEST_TIMEOUT
    body_limit = MAX_BODY

    @classmethod
    def configured(cls, request_timeout: float) -> type[BufferingWorker]:
        return type(cls.__name__, (cls,), {"request_timeout": request_timeout})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.awaited: dict[Any, Awaited] = {}
        self.lingering: dict[Any, list[float]] = {}
        self.next_sweep = 0.0
        self.stopped_at: float | None = None

    def init_process(self) -> None:
        if self.cfg.is_ssl or self.cfg.http2_cleartext != "off":
            raise RuntimeError("greenlist's worker serves plain HTTP/1.1 (TLS goes in front)")
        super().init_process()

    def load_wsgi(self) -> None:
        super().load_wsgi()
        if hasattr(self.wsgi, "wsgi_app"):  # Flask: the middleware goes around its wsgi_app
            self.wsgi.wsgi_app = closes_when_asked(self.wsgi.wsgi_app)

    # --- the loop: receiving requests ---------------------------------------------------------

    def accept(self, listener: socket.socket) -> None:
        try:
            sock, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        bound_blocking_io(sock, IO_TIMEOUT)
        conn = TConn(self.cfg, sock, address, listener.getsockname())  # non-blocking
        self.await_request(conn, b"")

    def await_request(self, conn: Any, leftover: bytes) -> None:
        """Receive `conn`'s next request in the loop (`leftover`: bytes already read)."""
        idle = self.cfg.keepalive if self.alive else min(self.cfg.keepalive, STOP_KEEPALIVE_LINGER)
        awaited = Awaited(Framing(self.body_limit), time.monotonic() + idle)
        self.awaited[conn] = awaited
        conn.sock.setblocking(False)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_readable, conn))
        if leftover:
            awaited.deadline = time.monotonic() + self.request_timeout
            self.judge(conn, awaited, awaited.framing.feed(leftover))

    def on_readable(self, conn: Any, _sock: Any) -> None:
        awaited = self.awaited.get(conn)
        if awaited is None:  # an event for a socket dropped earlier in the same turn
            return
        data = receive(conn.sock)
        if data is None:
            return
        if not data:  # the client went away
            self.stop_awaiting(conn)
            self.close(conn)
            return
        if not awaited.framing.data:
            awaited.deadline = time.monotonic() + self.request_timeout
        self.judge(conn, awaited, awaited.framing.feed(data))

    def judge(self, conn: Any, awaited: Awaited, verdict: Next) -> None:
        if verdict is Next.WAIT:
            return
        if verdict is Next.CONTINUE:
            if not awaited.continued:
                awaited.continued = True
                self.send_quietly(conn, CONTINUE)
            return
        self.stop_awaiting(conn)
        if verdict is Next.READY:
            if conn.parser is None:
                conn.parser = gunicorn_http.get_parser(self.cfg, conn.sock, conn.client)
            conn.parser.unreader.unread(bytes(awaited.framing.data))
            conn.data_ready = True
            self.enqueue_req(conn)
            return
        status = int(verdict.value)
        detail = HTTPStatus(status).description
        self.log.warning("Invalid request from ip=%s: %s", conn.client[0], detail)
        self.refuse(conn, status, detail)

    def stop_awaiting(self, conn: Any) -> None:
        del self.awaited[conn]
        self.poller.unregister(conn.sock)

    def refuse(self, conn: Any, status: int, detail: str) -> None:
        self.send_quietly(conn, problem_message(status, detail))
        self.linger(conn)

    def send_quietly(self, conn: Any, data: bytes) -> None:
        """A short answer from the loop: into the socket's buffer, or not at all."""
        with contextlib.suppress(OSError):
            conn.sock.send(data)

    # --- the loop: after a thread's answer ----------------------------------------------------

    def finish_request(self, conn: Any, future: Any) -> None:
        try:
            keep = (not future.cancelled()) and future.result()
        except Exception:
            keep = False
        if keep is _DEFER:  # only gunicorn's own path defers; never reached from here
            super().finish_request(conn, future)
        elif keep:
            self.await_request(conn, conn.parser.unreader.take_buffered())
        else:
            self.linger(conn)

    def linger(self, conn: Any) -> None:
        """RFC 9112 section 9.6: shut the write side, read and discard until the client closes
        or LINGER_SECONDS or LINGER_BYTES pass, then close."""
        try:
            conn.sock.shutdown(socket.SHUT_WR)
            conn.sock.setblocking(False)
        except OSError:
            self.close(conn)
            return
        self.lingering[conn] = [time.monotonic() + LINGER_SECONDS, 0]
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_lingering, conn))

    def on_lingering(self, conn: Any, _sock: Any) -> None:
        state = self.lingering.get(conn)
        if state is None:
            return
        data = receive(conn.sock)
        if data is None:
            return
        state[1] += len(data)
        if not data or state[1] > LINGER_BYTES:
            self.end_lingering(conn)

    def end_lingering(self, conn: Any) -> None:
        del self.lingering[conn]
        self.poller.unregister(conn.sock)
        self.close(conn)

    def close(self, conn: Any) -> None:
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        """Each turn of gunicorn's loop: connections past their deadline. An idle one is closed,
        a partial request answered 408; a stopping worker closes its idle ones at once and gives
        a request under way STOP_KEEPALIVE_LINGER seconds more."""
        super().murder_pending()
        now = time.monotonic()
        if now < self.next_sweep and self.alive:
            return
        self.next_sweep = now + SWEEP_EVERY
        if not self.alive and self.stopped_at is None:
            self.stopped_at = now
        for conn, awaited in list(self.awaited.items()):
            started = bool(awaited.framing.data)
            if self.stopped_at is not None:  # a request under way gets a little longer
                awaited.deadline = min(awaited.deadline, self.stopped_at + STOP_KEEPALIVE_LINGER)
            if awaited.deadline <= now or not (self.alive or started):
                self.stop_awaiting(conn)
                if started:
                    detail = f"the request was not received whole within {self.request_timeout} s"
                    self.refuse(conn, 408, detail)
                else:
                    self.close(conn)
        for conn, (deadline, _) in list(self.lingering.items()):
            if deadline <= now or (
                self.stopped_at is not None and now >= self.stopped_at + STOP_KEEPALIVE_LINGER
            ):
                self.end_lingering(conn)

    # --- in a thread --------------------------------------------------------------------------

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        """gunicorn's answers to requests it cannot parse, as problem+json."""
        status = status_of(exc)
        if status is None:
            super().handle_error(req, client, addr, exc)
            return
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        detail = f"{HTTPStatus(status).phrase}: {str(exc)[:200]}"
        try:
            client.sendall(problem_message(status, detail))
        except OSError:
            self.log.debug("Failed to send error message.")
