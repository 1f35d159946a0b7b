"""How the serving worker's loop tells that a request has arrived whole (issue 9 item 6): only
then does a thread get it. It decides how long to wait, never whether the request is valid."""

from __future__ import annotations

from greenlist.worker import Framing, Next

LIMIT = 1000


def fed(*pieces: bytes, limit: int = LIMIT, head_limit: int = 4096) -> list[Next]:
    framing = Framing(limit, head_limit)
    return [framing.feed(piece) for piece in pieces]


def test_a_head_sent_a_byte_at_a_time_is_whole_at_its_empty_line() -> None:
    raw = b"GET /health HTTP/1.1\r\nHost: greenlist\r\n\r\n"
    verdicts = fed(*(raw[i : i + 1] for i in range(len(raw))))
    assert verdicts[:-1] == [Next.WAIT] * (len(raw) - 1)
    assert verdicts[-1] is Next.READY


def test_a_body_within_the_limit_is_waited_for() -> None:
    head = b"POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\n"
    assert fed(head, b"01234", b"56789") == [Next.WAIT, Next.WAIT, Next.READY]


def test_a_body_over_the_limit_is_not_waited_for() -> None:
    """The app refuses it from its Content-Length (413) without reading it."""
    assert fed(b"POST /x HTTP/1.1\r\nContent-Length: 1001\r\n\r\n") == [Next.READY]


def test_a_client_expecting_100_continue_is_told_to_send_its_body() -> None:
    head = b"POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"
    assert fed(head, b"abc") == [Next.CONTINUE, Next.READY]


def test_a_chunked_body_is_whole_at_its_last_chunk() -> None:
    head = b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    verdicts = fed(head, b"3\r\nab", b"c\r\n", b"0\r\n", b"X-Trailer: 1\r\n", b"\r\n")
    assert verdicts == [Next.WAIT] * 5 + [Next.READY]


def test_a_chunked_body_past_the_limit_is_handed_over_to_be_refused() -> None:
    head = b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    assert fed(head, b"%x\r\n" % 2000 + b"x" * 1001) == [Next.WAIT, Next.READY]
    assert fed(head + b"1\r\nx\r\n" * 400) == [Next.READY]  # framing alone passes 2 x limit


def test_anything_unusual_is_left_to_the_parser_at_once() -> None:
    for head in (
        b"POST /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        b"POST /x HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        b"POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
        b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ):
        assert fed(head) == [Next.READY], head


def test_a_head_too_large_is_refused_from_the_loop() -> None:
    assert fed(b"GET /" + b"a" * 5000, head_limit=4096) == [Next.URI_TOO_LONG]
    fields = b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 1000
    assert fed(fields, head_limit=4096) == [Next.HEADERS_TOO_LARGE]
