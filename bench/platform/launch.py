"""Starting a release's platform through `runner.py` and talking to it.

A release is a source tree with its own virtualenv: this working tree, or a worktree of
an older commit (`git worktree add /tmp/echo-before <commit>`) for "before" figures.
"""

import contextlib
import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import jwt

RUNNER = Path(__file__).with_name("runner.py")
READY_PREFIX = "ECHO-BENCH-PLATFORM "
THIS_TREE = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Release:
    """A tree of Echo's source and the interpreter of its virtualenv."""

    name: str
    root: Path
    python: Path

    @classmethod
    def at(cls, name: str, root: Path, python: Path | None = None) -> "Release":
        root = root.resolve()
        return cls(name, root, python or root / ".venv" / "bin" / "python")

    @classmethod
    def this(cls) -> "Release":
        return cls.at("after", THIS_TREE)

    def commit(self) -> str:
        done = subprocess.run(
            ["git", "-C", str(self.root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
        dirty = subprocess.run(
            ["git", "-C", str(self.root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")


@dataclass(frozen=True)
class Platform:
    """Where a started platform listens."""

    release: Release
    gateway_url: str
    notifier_url: str
    nats_url: str
    database_url: str
    postgres_dir: Path
    jwt_secret: str
    pids: dict[str, int]

    @property
    def notifier_ws_url(self) -> str:
        return self.notifier_url.replace("http://", "ws://", 1) + "/ws/jobs"

    @property
    def postgres_log(self) -> Path:
        """The server's log file (the pgserver wheel starts it with `pg_ctl -l <dir>/log`)."""
        return self.postgres_dir / "log"

    def token(self, user_id: uuid.UUID) -> str:
        """A Supabase-shaped access token for `user_id`, signed with the dev secret."""
        now = int(time.time())
        claims = {
            "sub": str(user_id),
            "aud": "authenticated",
            "role": "authenticated",
            "iat": now,
            "exp": now + 3600,
        }
        return jwt.encode(claims, self.jwt_secret, algorithm="HS256")


@contextlib.contextmanager
def running_platform(
    release: Release,
    data_dir: Path,
    *,
    stop: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> Iterator[Platform]:
    """Start `release` on free ports in `data_dir`, with the services in `stop` stopped."""
    argv = [str(release.python), str(RUNNER), str(data_dir)]
    argv += [arg for name in stop for arg in ("--stop", name)]
    argv += [arg for key, value in (env or {}).items() for arg in ("--env", f"{key}={value}")]
    if not release.python.is_file():
        raise RuntimeError(
            f"{release.name}: no interpreter at {release.python}; create the release's "
            f"virtualenv (python -m venv {release.root}/.venv && "
            f"{release.root}/.venv/bin/pip install -e '{release.root}[dev]')"
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    runner_log = data_dir.parent / f"{data_dir.name}-runner.log"
    with runner_log.open("wb") as log:
        runner = subprocess.Popen(
            argv,
            cwd=release.root,
            # The release's own packages, never those of the tree running the benchmark.
            env={key: value for key, value in os.environ.items() if key != "PYTHONPATH"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
        )
    assert runner.stdin is not None
    assert runner.stdout is not None
    try:
        platform = _wait_ready(release, runner)
    except RuntimeError as error:
        runner.stdin.close()
        runner.wait()
        tail = runner_log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{error}; its launcher said:\n{tail}") from None
    try:
        yield platform
    finally:
        runner.stdin.close()
        try:
            runner.wait(timeout=90)
        except subprocess.TimeoutExpired:
            runner.terminate()
            runner.wait(timeout=30)


def _wait_ready(release: Release, runner: "subprocess.Popen[bytes]") -> Platform:
    # The launcher gives up by itself when a service does not become ready.
    assert runner.stdout is not None
    for raw in runner.stdout:
        line = raw.decode(errors="replace")
        if line.startswith(READY_PREFIX):
            where = json.loads(line.removeprefix(READY_PREFIX))
            return Platform(
                release=release,
                gateway_url=where["gateway_url"],
                notifier_url=where["notifier_url"],
                nats_url=where["nats_url"],
                database_url=where["database_url"],
                postgres_dir=Path(where["postgres_dir"]),
                jwt_secret=where["jwt_secret"],
                pids={name: int(pid) for name, pid in where["pids"].items()},
            )
    raise RuntimeError(f"{release.name} ({release.root}) did not start")
