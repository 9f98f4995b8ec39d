"""A small reader of deploy/Dockerfile: its stages and, per stage, what tests/deploy checks.

Only what the file uses is understood (FROM ... AS, ENV key=value, USER, ENTRYPOINT and
HEALTHCHECK in exec form, COPY --from, RUN); continuation lines are joined first.
"""

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"


@dataclass
class Stage:
    """One build stage: its base, and the instructions tests look at."""

    name: str
    base: str
    env: dict[str, str] = field(default_factory=dict)
    user: str | None = None
    entrypoint: list[str] | None = None
    healthcheck: list[str] | None = None
    copies_from: list[str] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)
    copies: list[list[str]] = field(default_factory=list)


def _instructions(text: str) -> list[tuple[str, str]]:
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def _env_pairs(arguments: str) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in shlex.split(arguments))


def stages(path: Path = DOCKERFILE) -> dict[str, Stage]:
    """Every named stage of the Dockerfile, in order."""
    found: dict[str, Stage] = {}
    current: Stage | None = None
    for keyword, arguments in _instructions(path.read_text()):
        if keyword == "FROM":
            match = re.fullmatch(r"(\S+)\s+AS\s+(\S+)", arguments, flags=re.IGNORECASE)
            assert match, f"every stage is named: FROM {arguments}"
            current = Stage(name=match[2], base=match[1])
            found[current.name] = current
        elif current is None:
            continue
        elif keyword == "ENV":
            current.env.update(_env_pairs(arguments))
        elif keyword == "USER":
            current.user = arguments
        elif keyword == "ENTRYPOINT":
            current.entrypoint = json.loads(arguments)
        elif keyword == "HEALTHCHECK":
            command = arguments.split("CMD", 1)
            current.healthcheck = json.loads(command[1]) if len(command) == 2 else []
        elif keyword == "COPY":
            parts = shlex.split(arguments)
            sources = [part for part in parts if part.startswith("--from=")]
            current.copies_from += [part.removeprefix("--from=") for part in sources]
            current.copies.append([part for part in parts if not part.startswith("--")])
        elif keyword == "RUN":
            current.runs.append(arguments)
    return found


def lineage(all_stages: dict[str, Stage], name: str) -> list[Stage]:
    """The stage and the stages it is built on, nearest first."""
    chain = [all_stages[name]]
    while chain[-1].base in all_stages:
        chain.append(all_stages[chain[-1].base])
    return chain


def effective_env(all_stages: dict[str, Stage], name: str) -> dict[str, str]:
    """The ENV a container of stage `name` starts with (its own over its bases')."""
    env: dict[str, str] = {}
    for stage in reversed(lineage(all_stages, name)):
        env.update(stage.env)
    return env


def effective_user(all_stages: dict[str, Stage], name: str) -> str | None:
    """The USER a container of stage `name` runs as."""
    return next((stage.user for stage in lineage(all_stages, name) if stage.user), None)
