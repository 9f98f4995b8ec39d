"""Following jobs live over the notifier's WebSocket until each one has ended.

On every (re)connection the notifier first replays the current state of each job,
so a dropped connection loses nothing: the watcher reconnects with backoff and
carries on. Updates older than one already seen (by `version`) are ignored.
"""

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode
from uuid import UUID

from pydantic import ValidationError
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI, WebSocketException

from contracts.enums import ProcessingStatus
from contracts.rest import JobStatusUpdate

logger = logging.getLogger(__name__)

CLOSE_UNAUTHORIZED = 4401
CLOSE_POLICY_VIOLATION = 1008


class WatchError(Exception):
    """Watching cannot go on: the token or the request was refused."""


@dataclass
class JobTracker:
    """The latest known state of each watched job."""

    job_ids: frozenset[UUID]
    latest: dict[UUID, JobStatusUpdate] = field(default_factory=dict)

    def apply(self, update: JobStatusUpdate) -> bool:
        """Record an update; False when it is about another job or not newer than known."""
        if update.job_id not in self.job_ids:
            return False
        known = self.latest.get(update.job_id)
        if known is not None and known.version >= update.version:
            return False
        self.latest[update.job_id] = update
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


def websocket_url(notifier_url: str, video_id: UUID | None = None) -> str:
    """`/ws/jobs` on the notifier, as ws:// or wss://."""
    base = notifier_url.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base.removeprefix("https://")
    elif base.startswith("http://"):
        base = "ws://" + base.removeprefix("http://")
    query = f"?{urlencode({'video_id': str(video_id)})}" if video_id else ""
    return f"{base}/ws/jobs{query}"


async def watch_jobs(
    notifier_url: str,
    token: str,
    job_ids: Iterable[UUID],
    *,
    video_id: UUID | None = None,
    on_update: Callable[[JobStatusUpdate], None] | None = None,
    on_retry: Callable[[str], None] | None = None,
    retry_seconds: float = 0.5,
    max_retry_seconds: float = 10.0,
) -> JobTracker:
    """Follow the jobs until each has ended; reconnects as long as it takes."""
    tracker = JobTracker(frozenset(job_ids))
    url = websocket_url(notifier_url, video_id)
    # The header keeps the token out of the notifier's logs and of proxies' URL logs.
    headers = {"Authorization": f"Bearer {token}"}
    delay = retry_seconds
    while not tracker.finished:
        try:
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
    tracker: JobTracker, raw: str | bytes, on_update: Callable[[JobStatusUpdate], None] | None
) -> None:
    try:
        update = JobStatusUpdate.model_validate_json(raw)
    except ValidationError:
        logger.warning("ignoring a message that is not a job status update")
        return
    if tracker.apply(update) and on_update is not None:
        on_update(update)


def _raise_if_refused(closed: ConnectionClosed) -> None:
    frame = closed.rcvd
    if frame is not None and frame.code in (CLOSE_UNAUTHORIZED, CLOSE_POLICY_VIOLATION):
        raise WatchError(f"the notifier refused the connection: {frame.reason}") from closed
