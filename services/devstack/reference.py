"""`python -m services.devstack.reference`: write docs/configuration.md from the settings.

Every environment variable of every service (and of the migrate step) is a field of a
pydantic settings class; this module reads those classes (field, env prefix or alias,
default, constraints, description) and renders one reference. Nothing is written by
hand, so the reference cannot drift: tests/deploy regenerates it and compares.

Which service reads which settings class is the table `READERS` below, taken from each
service's entrypoint (`services/<name>/__main__.py`); change it with them.
"""

import argparse
import enum
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import annotated_types
from pydantic import AnyUrl, BaseModel, SecretStr, TypeAdapter
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from pydantic_settings import BaseSettings, NoDecode

from contracts.enums import JobKind
from services.common.bus import ConsumerTuning
from services.common.settings import (
    WORKER_ENV_PREFIXES,
    AuthSettings,
    BlobSettings,
    BusSettings,
    DatabaseSettings,
    EchoSettings,
)
from services.gateway.settings import GatewaySettings, ProjectorTuning
from services.metadata.settings import MetadataSettings
from services.notifier.settings import NotifierSettings
from services.transcoder.settings import TranscoderSettings

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_PATH = Path("docs/configuration.md")
COMMAND = "python -m services.devstack.reference"


@dataclass(frozen=True)
class Source:
    """One settings class read under one env prefix, and who reads it."""

    title: str
    settings: type[BaseSettings]
    prefix: str
    readers: tuple[str, ...]


SHARED = "every service and the migrate step"
_MIGRATE_READS_CONSUMER = (
    "and by migrate for the consumer fields ("
    + ", ".join(f"`*_{name.upper()}`" for name in ConsumerTuning.model_fields)
    + "), which it applies to the worker's durable consumer: give the init step the "
    "same values"
)
READERS: tuple[Source, ...] = (
    Source("Logging and environment", EchoSettings, "ECHO_", (SHARED,)),
    Source(
        "NATS JetStream",
        BusSettings,
        "ECHO_",
        ("gateway", "transcoder", "metadata", "notifier", "migrate"),
    ),
    Source("Postgres", DatabaseSettings, "ECHO_", ("gateway", "migrate")),
    Source("Blob storage", BlobSettings, "ECHO_", ("gateway", "transcoder", "metadata")),
    Source("Access tokens", AuthSettings, "ECHO_", ("gateway", "notifier")),
    Source("Gateway", GatewaySettings, "ECHO_GATEWAY_", ("gateway",)),
    Source("Gateway: projector consumer", ProjectorTuning, "ECHO_GATEWAY_PROJECTOR_", ("migrate",)),
    Source(
        "Transcoder",
        TranscoderSettings,
        WORKER_ENV_PREFIXES[JobKind.TRANSCODE],
        ("transcoder", _MIGRATE_READS_CONSUMER),
    ),
    Source(
        "Metadata",
        MetadataSettings,
        WORKER_ENV_PREFIXES[JobKind.METADATA],
        ("metadata", _MIGRATE_READS_CONSUMER),
    ),
    Source("Notifier", NotifierSettings, "ECHO_NOTIFIER_", ("notifier",)),
)
"""Every settings class a service builds at startup, in the order of the reference.

`BusSettings` and the other shared classes inherit `EchoSettings`'s fields, and the
gateway reads `ECHO_ENVIRONMENT` too: a variable is listed once, where it first appears.
The migrate step reads each worker's consumer tuning under the worker's prefix."""

_CONSTRAINTS: tuple[tuple[type[Any], str, str], ...] = (
    (annotated_types.Ge, "ge", ">="),
    (annotated_types.Gt, "gt", ">"),
    (annotated_types.Le, "le", "<="),
    (annotated_types.Lt, "lt", "<"),
)


def env_name(source: Source, name: str, field: FieldInfo) -> str:
    """The variable a field is read from: its alias, or the prefix and its name."""
    if isinstance(field.validation_alias, str):
        return field.validation_alias.upper()
    return f"{source.prefix}{name}".upper()


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return " \\| ".join(f"`{value}`" for value in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        parts = [_type_name(arg) for arg in typing.get_args(annotation) if arg is not type(None)]
        return " \\| ".join(parts)
    if origin in (list, tuple, dict) or (
        isinstance(annotation, type) and issubclass(annotation, BaseModel)
    ):
        return "JSON"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " \\| ".join(f"`{member.value}`" for member in annotation)
    if annotation is SecretStr:
        return "secret"
    if annotation is AnyUrl:
        return "URL"
    if isinstance(annotation, type):
        return {"str": "string", "float": "number", "int": "integer", "bool": "boolean"}.get(
            annotation.__name__, annotation.__name__.lower()
        )
    return str(annotation)


def _constraints(field: FieldInfo) -> str:
    bounds = [
        f"{symbol} {getattr(item, attribute)}"
        for item in field.metadata
        for kind, attribute, symbol in _CONSTRAINTS
        if isinstance(item, kind)
    ]
    return ", ".join(bounds)


def _comma_separated(field: FieldInfo) -> bool:
    """A list read as `a,b,c` (the settings split it) rather than as JSON."""
    return NoDecode in field.metadata


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    if field.default_factory is not None:
        value: Any = field.default_factory()  # type: ignore[call-arg]
    else:
        value = field.default
    if value is None or value is PydanticUndefined:
        return "unset"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        value = str(value).lower()
    if isinstance(value, list | tuple | dict | BaseModel):
        if not value:
            return "empty"
        if _comma_separated(field):
            return f"`{','.join(str(item) for item in value)}`"
        return f"`{TypeAdapter(type(value)).dump_json(value).decode()}`"
    return f"`{value}`"


def _cell(text: str) -> str:
    escaped = text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(escaped.split())


def rows(source: Source, seen: set[str]) -> list[str]:
    """The table rows of one settings class (variable, type, default, meaning), leaving
    out variables in `seen` (listed already, e.g. `EchoSettings`'s fields, which every
    shared class inherits); adds its own to `seen`."""
    lines = []
    for name, field in source.settings.model_fields.items():
        variable = env_name(source, name, field)
        if variable in seen:
            continue
        seen.add(variable)
        kind = "comma-separated list" if _comma_separated(field) else _type_name(field.annotation)
        bounds = _constraints(field)
        if bounds:
            kind = f"{kind} ({bounds})"
        lines.append(
            f"| `{variable}` | {kind} | {_default(field)} | {_cell(field.description or '')} |"
        )
    return lines


def render_reference() -> str:
    """docs/configuration.md, complete."""
    out = [
        "# Configuration reference",
        "",
        f"<!-- Generated by `{COMMAND}` from the settings classes; do not edit. -->",
        "",
        "Every Echo process is configured by environment variables only. Shared settings "
        "use the `ECHO_` prefix; what belongs to one service uses that service's prefix "
        "(`ECHO_GATEWAY_`, `ECHO_TRANSCODER_`, `ECHO_METADATA_`, `ECHO_NOTIFIER_`). Names "
        "are case-insensitive. A variable marked **required** has no default: the "
        "service refuses to start without it and names it. Where each is set in a "
        "deployment: [deploy.md](deploy.md).",
        "",
    ]
    seen: set[str] = set()
    for source in READERS:
        out += [
            f"## {source.title}",
            "",
            f"Class `{source.settings.__module__}.{source.settings.__qualname__}`, "
            f"read by {', '.join(source.readers)}.",
            "",
            "| variable | type | default | meaning |",
            "|---|---|---|---|",
            *rows(source, seen),
            "",
        ]
    return "\n".join(out)


def write_reference(root: Path = ROOT) -> Path:
    """Write the reference under `root` (the project, or a scratch copy); returns its path."""
    path = root / REFERENCE_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_reference())
    return path


def main() -> None:
    """Write docs/configuration.md, or with `--check` fail when it is stale."""
    parser = argparse.ArgumentParser(description="Write the configuration reference.")
    parser.add_argument("--root", type=Path, default=ROOT, help="Project folder to write into.")
    parser.add_argument(
        "--check", action="store_true", help="Exit 1 if the file differs; write nothing."
    )
    args = parser.parse_args()
    path = args.root / REFERENCE_PATH
    if args.check:
        current = path.read_text() if path.is_file() else ""
        if current != render_reference():
            raise SystemExit(f"{path} is stale: run `{COMMAND}`")
        return
    print(write_reference(args.root))


if __name__ == "__main__":
    main()
