"""Running `echoctl` as a separate process, as a person runs it, and reading its output."""

import asyncio
import sys
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

REPO = Path(__file__).resolve().parents[2]
RUN_SECONDS = 180.0


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def flat_stdout(self) -> str:
        """Stdout with rich's line wrapping undone."""
        return " ".join(self.stdout.split())

    @property
    def flat_stderr(self) -> str:
        return " ".join(self.stderr.split())


@dataclass(frozen=True)
class Cli:
    """Runs `python -m services.cli` with the platform's URLs, a token and its own data
    folder (where resumable uploads are remembered) in its env."""

    env: dict[str, str] = field(default_factory=dict)

    async def start(self, *args: str) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "services.cli",
            *args,
            env=self.env,
            cwd=REPO,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )

    async def __call__(self, *args: str) -> Result:
        return await finish(await self.start(*args))

    def with_token(self, token: str) -> "Cli":
        return Cli({**self.env, "ECHO_TOKEN": token})


async def finish(process: asyncio.subprocess.Process) -> Result:
    """Wait for `process` (killed past `RUN_SECONDS`) and collect what it printed."""
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), RUN_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return Result(process.returncode, stdout.decode(), stderr.decode())


def video_id_of(result: Result) -> UUID:
    """The id in "Uploaded <title> as video <id>"."""
    marker = "as video "
    start = result.flat_stdout.index(marker) + len(marker)
    return UUID(result.flat_stdout[start : start + 36])
