"""The notifier's AsyncAPI document: the committed copy is current, its structure holds
(every reference resolves; operations send their channel's messages), and its messages
are the live contracts."""

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest

from contracts.base import ContractModel
from contracts.live import SERVER_MESSAGES, AuthRefresh, CloseReason
from services.notifier.asyncapi import DEFAULT_PATH, document, render
from services.notifier.routes import SSE_PATH, WS_PATH


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document()


def refs(node: object) -> Iterator[str]:
    """Every `$ref` value anywhere in a JSON tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                assert isinstance(value, str)
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def resolve(doc: dict[str, Any], ref: str) -> Any:
    """The node a local JSON pointer names (RFC 6901), or KeyError."""
    assert ref.startswith("#/"), f"not a local reference: {ref}"
    node: Any = doc
    for token in unquote(ref[2:]).split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def test_committed_document_is_current() -> None:
    """Regenerate with `python -m services.notifier.asyncapi docs/asyncapi/notifier.json`."""
    assert DEFAULT_PATH.read_text() == render()


def test_every_reference_resolves(doc: dict[str, Any]) -> None:
    found = list(refs(doc))
    assert len(found) > 10
    for ref in found:
        resolve(doc, ref)


def test_channels_and_operations(doc: dict[str, Any]) -> None:
    assert doc["asyncapi"] == "3.0.0"
    assert {doc["info"]["title"], doc["defaultContentType"]} == {
        "Echo notifier",
        "application/json",
    }
    addresses = {channel["address"] for channel in doc["channels"].values()}
    assert addresses == {WS_PATH, SSE_PATH}
    protocols = {name: server["protocol"] for name, server in doc["servers"].items()}
    assert protocols == {"websocket": "ws", "sse": "http"}
    sent, received = set(), set()
    for operation in doc["operations"].values():
        channel_ref = operation["channel"]["$ref"]
        for message in operation["messages"]:
            assert message["$ref"].startswith(channel_ref + "/messages/")
        names = {message["$ref"].rsplit("/", 1)[1] for message in operation["messages"]}
        if operation["action"] == "send":
            sent.add(channel_ref)
            assert names == {model.__name__ for model in SERVER_MESSAGES}
        else:
            received.add(channel_ref)
            assert names == {AuthRefresh.__name__}
    assert sent == {f"#/channels/{name}" for name in doc["channels"]}
    assert received == {"#/channels/jobsWebSocket"}


def test_query_parameters_and_auth_are_documented(doc: dict[str, Any]) -> None:
    query = {"video_id", "job_id", "since", "access_token"}
    ws = doc["channels"]["jobsWebSocket"]["bindings"]["ws"]
    assert set(ws["query"]["properties"]) == query
    assert set(ws["headers"]["properties"]) == {"authorization"}
    sse = doc["operations"]["sendJobUpdatesOverEventStream"]["bindings"]["http"]
    assert (sse["method"], set(sse["query"]["properties"])) == ("GET", query)
    assert set(sse["headers"]["properties"]) == {"authorization", "last-event-id"}
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearerHeader"]["scheme"] == "bearer"
    assert (schemes["accessTokenQuery"]["in"], schemes["accessTokenQuery"]["name"]) == (
        "query",
        "access_token",
    )


@pytest.mark.parametrize("model", [*SERVER_MESSAGES, AuthRefresh])
def test_messages_are_the_live_contracts(doc: dict[str, Any], model: type[ContractModel]) -> None:
    message = doc["components"]["messages"][model.__name__]
    payload = resolve(doc, message["payload"]["$ref"])
    expected = model.model_json_schema(mode="serialization")
    assert set(payload["properties"]) == set(expected["properties"])
    assert payload["required"] == expected["required"]
    message_type = model.model_fields["type"].default
    assert message["name"] == payload["properties"]["type"]["const"] == message_type
    for channel in doc["channels"].values():
        if model is not AuthRefresh:
            assert model.__name__ in channel["messages"]
            assert message_type in channel["description"]


def test_close_reasons_are_documented(doc: dict[str, Any]) -> None:
    for channel in doc["channels"].values():
        for reason in CloseReason:
            assert f"`{reason}`" in channel["description"]
