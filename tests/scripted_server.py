"""A scripted OpenAI-compatible chat server on 127.0.0.1, for tests of the real ChatOpenAI path.

Each request to /v1/chat/completions takes the next step of the script: a
`Reply` (text and/or tool calls), or a `Fault` (HTTP status, a delay, bad
JSON, a cut stream). Every request body is recorded so a test can assert what
a model was sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    content: str = ""
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


@dataclass
class Fault:
    status: int = 500
    delay: float = 0.0
    body: str | None = None  # raw body, e.g. malformed JSON
    headers: dict[str, str] = field(default_factory=dict)
    cut_stream: bool = False  # for streaming requests: stop after one chunk


Step = Reply | Fault | Callable[[dict[str, Any]], "Reply | Fault"]


class ScriptedServer:
    def __init__(self, script: list[Step], *, repeat_last: bool = False) -> None:
        self.script = list(script)
        self.repeat_last = repeat_last
        self.requests: list[dict[str, Any]] = []
        self.raw_requests: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def next_step(self, body: dict[str, Any]) -> Reply | Fault:
        with self._lock:
            if not self.script:
                return Reply(content="(script exhausted)")
            step = self.script[0] if (self.repeat_last and len(self.script) == 1) \
                else self.script.pop(0)
        return step(body) if callable(step) else step

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length).decode("utf-8")
                body = json.loads(raw)
                server.raw_requests.append(raw + "\n" + str(dict(self.headers)))
                server.requests.append(body)
                step = server.next_step(body)
                if isinstance(step, Fault):
                    self._fault(step, body)
                elif body.get("stream"):
                    self._stream(step)
                else:
                    self._send(200, json.dumps(_completion(step)))

            def _fault(self, fault: Fault, body: dict[str, Any]) -> None:
                if fault.delay:
                    time.sleep(fault.delay)
                if fault.cut_stream and body.get("stream"):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0,
                             "model": "scripted", "choices": [{"index": 0, "delta": {
                                 "role": "assistant", "content": "Partial"}}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    return
                payload = fault.body if fault.body is not None else json.dumps(
                    {"error": {"message": "scripted fault", "type": "server_error"}})
                self._send(fault.status, payload, fault.headers)

            def _send(self, status: int, payload: str, headers: dict[str, str] | None = None,
                      ) -> None:
                data = payload.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, reply: Reply) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for chunk in _chunks(reply):
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")

        return Handler

    def start(self) -> ScriptedServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def sent_text(self) -> str:
        """Everything clients sent, as one string, for privacy assertions."""
        return "\n".join(self.raw_requests)


@contextmanager
def scripted_server(script: list[Step], *, repeat_last: bool = False) -> Iterator[ScriptedServer]:
    server = ScriptedServer(script, repeat_last=repeat_last).start()
    try:
        yield server
    finally:
        server.stop()


def _tool_call_json(index: int, name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"call_{index}", "type": "function",
            "function": {"name": name, "arguments": json.dumps(args)}}


def _completion(reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content or None}
    if reply.tool_calls:
        message["tool_calls"] = [_tool_call_json(i, n, a)
                                 for i, (n, a) in enumerate(reply.tool_calls)]
    return {"id": "chatcmpl-scripted", "object": "chat.completion", "created": 0,
            "model": "scripted",
            "choices": [{"index": 0, "message": message,
                         "finish_reason": "tool_calls" if reply.tool_calls else "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def _chunks(reply: Reply) -> Iterator[dict[str, Any]]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": 0,
                "model": "scripted",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    yield chunk({"role": "assistant", "content": ""})
    for word in reply.content.split(" ") if reply.content else []:
        yield chunk({"content": word + " "})
    for i, (name, args) in enumerate(reply.tool_calls):
        call = _tool_call_json(i, name, args)
        call["index"] = i
        yield chunk({"tool_calls": [call]})
    yield chunk({}, "tool_calls" if reply.tool_calls else "stop")
