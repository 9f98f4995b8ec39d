"""Following jobs live over the notifier's WebSocket until each one has ended.

The watcher acts on the notifier's messages about jobs (`contracts.live.LiveUpdate`, by
`type`): `job.status`, a state the gateway recorded, and `job.progress`, what a running
job reports (phase, percent, ETA); other messages (snapshot markers, ...) only move the
resume point. A dropped connection loses nothing: the watcher reconnects with backoff
from the last `sequence` it saw (`since`), so the notifier replays what was recorded
meanwhile. A status older than one already seen (by `version`) is ignored, and so is
progress about a job that has ended.
"""

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode
from uuid import UUID

from pydantic import TypeAdapter, ValidationError
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI, WebSocketException

from contracts.enums import ProcessingStatus
from contracts.live import JobProgressUpdate, JobStatusUpdate, LiveMessage, ServerMessage
from contracts.problems import ProblemCode
from services.cli.problems import as_problem

logger = logging.getLogger(__name__)

Update = JobStatusUpdate | JobProgressUpdate
_LIVE = TypeAdapter[ServerMessage](LiveMessage)

CLOSE_POLICY_VIOLATION = 1008
REFUSED_CLOSE_CODES = range(4400, 4500)
"""The notifier closes with 4000 plus an HTTP client-error status when retrying cannot
help (4401: the token was refused); other closes are worth a reconnection."""


class WatchError(Exception):
    """Watching cannot go on: the token or the request was refused."""

    def __init__(self, message: str, code: ProblemCode | None = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class JobTracker:
    """The latest known state of each watched job, and the progress of running ones."""

    job_ids: frozenset[UUID]
    latest: dict[UUID, JobStatusUpdate] = field(default_factory=dict)
    progress: dict[UUID, JobProgressUpdate] = field(default_factory=dict)
    sequence: int | None = None
    """Where to resume after a dropped connection: the last message's `sequence`."""

    def apply(self, update: Update) -> bool:
        """Record an update; False when it is about another job, not newer than known,
        or progress of a job that has ended."""
        if update.job_id not in self.job_ids:
            return False
        known = self.latest.get(update.job_id)
        if isinstance(update, JobProgressUpdate):
            if known is not None and known.status.is_terminal:
                return False
            self.progress[update.job_id] = update
            return True
        if known is not None and known.version >= update.version:
            return False
        self.latest[update.job_id] = update
        if update.status.is_terminal:
            self.progress.pop(update.job_id, None)
        return True

    @property
    def finished(self) -> bool:
        """Every job is completed or failed."""
        return all(
            job in self.latest and self.latest[job].status.is_terminal for job in self.job_ids
        )

    @property
    def failures(self) -> list[JobStatusUpdate]:
        return [u for u in self.latest.values() if u.status is ProcessingStatus.FAILED]

    @property
    def exit_code(self) -> int:
        """0 only when every job completed."""
        completed = all(
            job in self.latest and self.latest[job].status is ProcessingStatus.COMPLETED
            for job in self.job_ids
        )
        return 0 if completed else 1


def websocket_url(notifier_url: str, video_id: UUID | None = None, since: int | None = None) -> str:
    """`/ws/jobs` on the notifier, as ws:// or wss://, for one video and from a resume
    point when given."""
    base = notifier_url.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base.removeprefix("https://")
    elif base.startswith("http://"):
        base = "ws://" + base.removeprefix("http://")
    params = {"video_id": str(video_id)} if video_id else {}
    if since:
        params["since"] = str(since)
    query = f"?{urlencode(params)}" if params else ""
    return f"{base}/ws/jobs{query}"


async def watch_jobs(
    notifier_url: str,
    token: str,
    job_ids: Iterable[UUID],
    *,
    video_id: UUID | None = None,
    on_update: Callable[[Update], None] | None = None,
    on_retry: Callable[[str], None] | None = None,
    retry_seconds: float = 0.5,
    max_retry_seconds: float = 10.0,
) -> JobTracker:
    """Follow the jobs until each has ended; reconnects as long as it takes."""
    tracker = JobTracker(frozenset(job_ids))
    # The header keeps the token out of the notifier's logs and of proxies' URL logs.
    headers = {"Authorization": f"Bearer {token}"}
    delay = retry_seconds
    while not tracker.finished:
        try:
            url = websocket_url(notifier_url, video_id, tracker.sequence)
            async with connect(url, additional_headers=headers) as websocket:
                delay = retry_seconds
                async for raw in websocket:
                    _receive(tracker, raw, on_update)
                    if tracker.finished:
                        return tracker
            reason = "the notifier closed the connection"
        except ConnectionClosed as closed:
            _raise_if_refused(closed)
            reason = "the connection to the notifier dropped"
        except InvalidStatus as error:
            status = error.response.status_code
            if 400 <= status < 500:
                raise WatchError(f"the notifier refused the connection ({status})") from error
            reason = f"the notifier answered {status}"
        except InvalidURI as error:
            raise WatchError(f"bad notifier URL: {url}") from error
        except (OSError, TimeoutError, WebSocketException) as error:
            reason = f"cannot reach the notifier ({type(error).__name__})"
        if on_retry is not None:
            on_retry(f"{reason}; reconnecting in {delay:.1f} s")
        await asyncio.sleep(delay)
        delay = min(delay * 2, max_retry_seconds)
    return tracker


def _receive(
    tracker: JobTracker, raw: str | bytes, on_update: Callable[[Update], None] | None
) -> None:
    try:
        message = _LIVE.validate_json(raw)
    except ValidationError:
        # A newer notifier may send types this CLI does not know yet.
        logger.debug("ignoring a message that is not one this CLI knows")
        return
    if message.sequence:
        tracker.sequence = message.sequence
    if isinstance(message, Update) and tracker.apply(message) and on_update is not None:
        on_update(message)


def problem_code(reason: str) -> ProblemCode | None:
    """The problem code a close reason starts with (`<code>: <detail>`), if it is one."""
    return as_problem(reason.partition(":")[0].strip())


def _raise_if_refused(closed: ConnectionClosed) -> None:
    frame = closed.rcvd
    if frame is not None and (
        frame.code in REFUSED_CLOSE_CODES or frame.code == CLOSE_POLICY_VIOLATION
    ):
        raise WatchError(
            f"the notifier refused the connection: {frame.reason}", problem_code(frame.reason)
        ) from closed
