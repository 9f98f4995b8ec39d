"""The AsyncAPI 3.0 document of what the notifier sends to browsers.

    python -m services.notifier.asyncapi [docs/asyncapi/notifier.json]

Nothing in it is written twice: the payloads are the JSON Schema of `contracts.live`
(serialization mode), the query parameters and headers come from the app's own OpenAPI
description of its routes, and the paths from `routes`. A test checks that the
committed copy is current and that every `$ref` in it resolves.
"""

import json
import sys
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar

from pydantic import SecretStr
from pydantic.json_schema import models_json_schema

from contracts.base import ContractModel
from contracts.live import SERVER_MESSAGES, AuthRefresh, CloseReason
from contracts.problems import ProblemCode
from services.common.settings import AuthSettings, BusSettings, Environment
from services.notifier.app import create_app
from services.notifier.auth import ACCESS_TOKEN_PARAM
from services.notifier.routes import SSE_PATH, WS_PATH
from services.notifier.settings import NotifierSettings
from services.notifier.sse import HTTP_STATUS
from services.notifier.ws import (
    CLOSE_CODES,
    CLOSE_REASON_CODES,
    LIVE_SUBPROTOCOL,
    TOKEN_SUBPROTOCOL_PREFIX,
)

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "docs" / "asyncapi" / "notifier.json"
MESSAGES: tuple[type[ContractModel], ...] = SERVER_MESSAGES
CLIENT_MESSAGES: tuple[type[ContractModel], ...] = (AuthRefresh,)
SSE_ONLY_HEADERS = frozenset({"last-event-id"})
SCHEMAS = "#/components/schemas/"
HTTP_REFUSALS = {**HTTP_STATUS, ProblemCode.INVALID_REQUEST: 422}
"""Refusals of `admission`, and the parameter check every route has."""

Document = dict[str, Any]
Code = TypeVar("Code", bound=str)


def _type_of(model: type[ContractModel]) -> str:
    return str(model.model_fields["type"].default)


def _parameters() -> tuple[Document, Document, Document]:
    """JSON Schemas of the live routes' query parameters, the SSE route's headers and the
    WebSocket route's headers, from the app's OpenAPI description of the SSE route."""
    app = create_app(
        NotifierSettings(),
        BusSettings(),
        AuthSettings(jwt_secret=SecretStr("unused" * 8), environment=Environment.DEVELOPMENT),
    )
    parameters = app.openapi()["paths"][SSE_PATH]["get"]["parameters"]

    def schema(location: str, leave_out: frozenset[str] = frozenset()) -> Document:
        chosen = [p for p in parameters if p["in"] == location and p["name"] not in leave_out]
        return {"type": "object", "properties": {p["name"]: p["schema"] for p in chosen}}

    return schema("query"), schema("header"), schema("header", SSE_ONLY_HEADERS)


def _by_number(numbers: Mapping[Code, int]) -> str:
    """`401: `a`, `b`; 503: `c`` from a code -> status or close code mapping."""
    grouped: dict[int, list[str]] = {}
    for code, number in numbers.items():
        grouped.setdefault(number, []).append(f"`{code}`")
    return "; ".join(f"{number}: {', '.join(names)}" for number, names in sorted(grouped.items()))


def _messages() -> tuple[Document, Document]:
    """Components' schemas and messages of every live message type, both directions."""
    models = (*MESSAGES, *CLIENT_MESSAGES)
    _, definitions = models_json_schema(
        [(model, "serialization") for model in models], ref_template=SCHEMAS + "{model}"
    )
    messages = {
        model.__name__: {
            "name": _type_of(model),
            "title": model.__name__,
            "summary": (model.__doc__ or "").strip().splitlines()[0],
            "contentType": "application/json",
            "payload": {"$ref": SCHEMAS + model.__name__},
        }
        for model in models
    }
    return definitions["$defs"], messages


def _names(models: tuple[type[ContractModel], ...] = MESSAGES) -> list[str]:
    return [model.__name__ for model in models]


def _channel(
    address: str,
    server: str,
    description: str,
    names: list[str],
    bindings: Document | None = None,
) -> Document:
    channel: Document = {
        "address": address,
        "description": description,
        "servers": [{"$ref": f"#/servers/{server}"}],
        "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in names},
    }
    if bindings:
        channel["bindings"] = bindings
    return channel


def _operation(
    action: str,
    channel: str,
    summary: str,
    names: list[str],
    bindings: Document | None = None,
) -> Document:
    operation: Document = {
        "action": action,
        "summary": summary,
        "channel": {"$ref": f"#/channels/{channel}"},
        "messages": [{"$ref": f"#/channels/{channel}/messages/{name}"} for name in names],
    }
    if bindings:
        operation["bindings"] = bindings
    return operation


def document() -> Document:
    """The notifier's AsyncAPI 3.0 document (plain JSON data)."""
    query, sse_headers, ws_headers = _parameters()
    schemas, messages = _messages()
    types = ", ".join(f"`{_type_of(model)}` ({model.__name__})" for model in MESSAGES)
    reasons = ", ".join(f"`{reason}`" for reason in CloseReason)
    security = [
        {"$ref": "#/components/securitySchemes/bearerHeader"},
        {"$ref": "#/components/securitySchemes/accessTokenQuery"},
    ]
    subprotocol = {"$ref": "#/components/securitySchemes/bearerSubprotocol"}
    order = (
        "Without a resume point: a snapshot (`snapshot.start`, one `job.status` per job not "
        "finished or finished recently, `snapshot.end`). With one (`since`, or SSE "
        "`Last-Event-ID`): every status recorded after it, in stream order, or a snapshot "
        "whose `reason` says why not. Then every recorded change and every progress report "
        "as they come; statuses in stream order. Every message's `sequence` is the resume "
        "point. Only the authenticated user's jobs, optionally one video's (`video_id`) or "
        "one job's (`job_id`); never a deleted video's (`video.deleted` says to forget "
        "them). Progress is not replayed: the next report comes within a second. "
        f"Each message's `type` names it: {types}. "
        f"The notifier ends an open connection for one of: {reasons}."
    )
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Echo notifier",
            "version": version("echo-video"),
            "description": "Live job status and progress for browsers, over WebSocket and "
            "Server-Sent Events. Apply a `job.status` only if its `version` is higher than "
            "the one you hold for that job; apply a `job.progress` only while the job is "
            "`processing`; keep the last `sequence` received to resume after a disconnect.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "websocket": {
                "host": "127.0.0.1:8003",
                "protocol": "ws",
                "description": "The notifier (`ECHO_NOTIFIER_HOST`, `ECHO_NOTIFIER_PORT`); "
                "`wss` behind TLS. Any replica serves any client.",
                "security": [security[0], subprotocol, security[1]],
            },
            "sse": {
                "host": "127.0.0.1:8003",
                "protocol": "http",
                "description": "The notifier (`ECHO_NOTIFIER_HOST`, `ECHO_NOTIFIER_PORT`); "
                "`https` behind TLS. Any replica serves any client.",
                "security": security,
            },
        },
        "channels": {
            "jobsWebSocket": _channel(
                WS_PATH,
                "websocket",
                f"One text message per message, its JSON. {order} The client may send "
                "`auth.refresh` with a newer token of the same user before its token "
                "expires (answered by `auth.refreshed`). A refused connection is accepted, "
                "then closed with the reason `<problem code>: <detail>` and the code "
                f"({_by_number(CLOSE_CODES)}); an open one the notifier ends is closed with "
                f"the reason `<close reason>: <detail>` and the code "
                f"({_by_number(CLOSE_REASON_CODES)}): 44xx needs a new token before "
                "reconnecting, 1001 and 1013 a reconnection with `since`.",
                _names((*MESSAGES, *CLIENT_MESSAGES)),
                {
                    "ws": {
                        "method": "GET",
                        "query": query,
                        "headers": ws_headers,
                        "bindingVersion": "0.1.0",
                    }
                },
            ),
            "jobsEventStream": _channel(
                SSE_PATH,
                "sse",
                "A `text/event-stream`: each event's `event` field is the message's `type`, "
                "its `id` the message's `sequence` (so EventSource resumes by itself) and its "
                f"`data` the JSON. {order} A comment line is sent when idle; the stream's "
                "last event, when the notifier ends it, is `connection.closing`. A refused "
                "request is answered with an RFC 9457 problem (`application/problem+json`) "
                f"whose `code` goes with its status ({_by_number(HTTP_REFUSALS)}); a 503 "
                "says when to retry in `Retry-After`.",
                _names(),
            ),
        },
        "operations": {
            "sendJobUpdatesOverWebSocket": _operation(
                "send",
                "jobsWebSocket",
                "Push a user's job updates to a WebSocket client.",
                _names(),
            ),
            "receiveTokenRefresh": _operation(
                "receive",
                "jobsWebSocket",
                "Take a refreshed access token from a WebSocket client.",
                _names(CLIENT_MESSAGES),
            ),
            "sendJobUpdatesOverEventStream": _operation(
                "send",
                "jobsEventStream",
                "Push a user's job updates to an EventSource client.",
                _names(),
                {
                    "http": {
                        "method": "GET",
                        "query": query,
                        "headers": sse_headers,
                        "bindingVersion": "0.3.0",
                    }
                },
            ),
        },
        "components": {
            "schemas": schemas,
            "messages": messages,
            "securitySchemes": {
                "bearerHeader": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "The Supabase access token in `Authorization: Bearer`.",
                },
                "bearerSubprotocol": {
                    "type": "httpApiKey",
                    "name": "Sec-WebSocket-Protocol",
                    "in": "header",
                    "description": f"WebSocket only: offer the subprotocols `{LIVE_SUBPROTOCOL}` "
                    f"and `{TOKEN_SUBPROTOCOL_PREFIX}<access token>` (in a browser, "
                    f"`new WebSocket(url, ['{LIVE_SUBPROTOCOL}', "
                    f"'{TOKEN_SUBPROTOCOL_PREFIX}' + token])`); the server selects "
                    f"`{LIVE_SUBPROTOCOL}`. Keeps the token out of URLs and their logs.",
                },
                "accessTokenQuery": {
                    "type": "httpApiKey",
                    "name": ACCESS_TOKEN_PARAM,
                    "in": "query",
                    "description": "The Supabase access token as a query parameter, for "
                    "browsers' WebSocket and EventSource, which cannot set headers.",
                },
            },
        },
    }


def render() -> str:
    """The document as committed: sorted keys, two-space indent, final newline."""
    return json.dumps(document(), indent=2, sort_keys=True) + "\n"


def write(path: Path = DEFAULT_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render())
    return path


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH))
