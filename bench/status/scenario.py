"""One round of the status scenario against one running platform.

N transcode jobs are recorded through the gateway's real upload endpoint (a tiny file;
the workers are stopped, so only this driver reports on the jobs). Then, as workers
would: `started` for every job; a progress tick per job every second for T seconds
(each job's ticks offset evenly within the second, as unsynchronised workers are);
`completed` for every job. Each phase waits until every user's WebSocket has seen its
outcome, and the Postgres statement log is marked between phases. An idle window first
measures the platform's background statements (relay polls, reconciler), which are
subtracted pro rata from each phase.
"""

import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

import httpx
import nats
from nats.js import JetStreamContext

from bench.platform import Platform
from bench.status.live import LiveClients, Received
from bench.status.statements import StatementLog, Statements, connect
from bench.status.wire import Job, Message, Wire

TINY_UPLOAD = bytes(range(256)) * 16
UPLOAD_CONCURRENCY = 8
PHASE_TIMEOUT_SECONDS = 120.0
PROGRESS_GRACE_SECONDS = 60.0
T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    jobs: int
    seconds: int
    users: int
    idle_seconds: float


@dataclass(frozen=True)
class Phase:
    """Statements Postgres ran during one phase, and those expected of the background."""

    name: str
    seconds: float
    statements: Statements
    background: float

    @property
    def attributable(self) -> float:
        return max(0.0, self.statements.total - self.background)


@dataclass
class Round:
    """What one release did with one scenario."""

    release: str
    settings: Settings
    idle: Phase | None = None
    phases: dict[str, Phase] = field(default_factory=dict)
    ticks_published: int = 0
    latencies: list[float] = field(default_factory=list)
    upload_outbox_rows: dict[str, int] = field(default_factory=dict)
    """Rows the uploads wrote (before any worker event)."""
    outbox_rows: dict[str, int] = field(default_factory=dict)
    """Rows the worker events (started, progress, completed) led to."""
    complete: dict[str, bool] = field(default_factory=dict)
    error: str | None = None
    """Why the round stopped early (e.g. a release that does not speak this wire yet)."""

    def per(self, phase: str, count: int) -> float | None:
        done = self.phases.get(phase)
        return None if done is None else done.attributable / count

    @property
    def statements_per_tick(self) -> float | None:
        return self.per("progress", max(1, self.ticks_published))

    @property
    def statements_per_started(self) -> float | None:
        return self.per("started", self.settings.jobs)

    @property
    def statements_per_completed(self) -> float | None:
        return self.per("completed", self.settings.jobs)

    @property
    def outbox_rows_per_job(self) -> float:
        return sum(self.outbox_rows.values()) / self.settings.jobs

    def latency_ms(self, quantile: float) -> float | None:
        if len(self.latencies) < 2:
            return None
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return 1000 * cuts[round(quantile * 100) - 1]


def tick_percent(sequence: int, ticks: int) -> float:
    """The progress of tick `sequence` (1-based): distinct per tick, never 0 or 100."""
    return round(5 + sequence * 85 / ticks, 2)


async def _create_jobs(platform: Platform, users: list[uuid.UUID], count: int) -> list[Job]:
    limit = asyncio.Semaphore(UPLOAD_CONCURRENCY)

    async def upload(client: httpx.AsyncClient, owner: uuid.UUID) -> Job:
        async with limit:
            response = await client.post(
                f"{platform.gateway_url}/api/videos",
                headers={"Authorization": f"Bearer {platform.token(owner)}"},
                files={"file": ("tiny.mp4", TINY_UPLOAD, "video/mp4")},
                data={"title": "status benchmark"},
            )
        response.raise_for_status()
        body = response.json()
        job = next(job for job in body["jobs"] if job["kind"] == "transcode")
        return Job(owner, uuid.UUID(body["video"]["id"]), uuid.UUID(job["id"]))

    async with httpx.AsyncClient(timeout=60) as client:
        return list(
            await asyncio.gather(*(upload(client, users[i % len(users)]) for i in range(count)))
        )


def _has_status(jobs: list[Job], status: str) -> Callable[[list[Received]], bool]:
    wanted = {str(job.job_id) for job in jobs}

    def done(received: list[Received]) -> bool:
        seen = {
            r.message.get("job_id")
            for r in received
            if r.message.get("type", "job.status") == "job.status"
            and r.message.get("status") == status
        }
        return wanted <= seen

    return done


class _Driver:
    """Publishes as workers would and marks the statement log between phases."""

    def __init__(self, platform: Platform, wire: Wire, settings: Settings) -> None:
        self.platform = platform
        self.wire = wire
        self.settings = settings
        self.log = StatementLog(platform.postgres_log)
        self.background_per_second = 0.0

    async def publish(self, js: JetStreamContext, message: Message) -> None:
        """Publish and wait for JetStream's ack, as a worker does."""
        try:
            await js.publish(message.subject, message.body, headers={"Nats-Msg-Id": message.msg_id})
        except Exception as error:  # nats-py raises several unrelated types here
            raise RuntimeError(
                f"{message.subject} was not stored by a JetStream stream "
                f"({type(error).__name__}: {error})"
            ) from error

    async def phase(self, name: str, work: Awaitable[T]) -> tuple[Phase, T]:
        start_mark, started = self.log.mark(), time.perf_counter()
        outcome = await work
        await asyncio.sleep(0.5)  # the log is written by the server after each statement
        seconds = time.perf_counter() - started
        statements = self.log.between(start_mark, self.log.mark())
        return Phase(name, seconds, statements, self.background_per_second * seconds), outcome


async def run_round(platform: Platform, wire: Wire, settings: Settings) -> Round:
    """Create the jobs, then run the idle, started, progress and completed phases.

    A failure is recorded in the round (`error`) with the phases done so far, so one
    release that cannot run the scenario does not lose the other's figures.
    """
    result = Round(wire.name, settings)
    try:
        await _run(platform, wire, settings, result)
    except Exception as error:  # any failure of the platform under test is a finding
        result.error = f"{type(error).__name__}: {error}"
    return result


async def _run(platform: Platform, wire: Wire, settings: Settings, result: Round) -> None:
    driver = _Driver(platform, wire, settings)
    users = [uuid.uuid4() for _ in range(settings.users)]
    before_uploads = _database_now(platform)
    jobs = await _create_jobs(platform, users, settings.jobs)
    await asyncio.sleep(1.0)  # the uploads' outbox rows are written after their responses
    since = _database_now(platform)
    result.upload_outbox_rows = _outbox_rows(platform, jobs, before_uploads, since)
    live = LiveClients()
    await live.open(platform.notifier_ws_url, users, platform.token)
    connection = await nats.connect(platform.nats_url)
    js = connection.jetstream()
    try:
        await asyncio.sleep(1.0)  # the current state each connection is sent first
        result.idle, _ = await driver.phase("idle", asyncio.sleep(settings.idle_seconds))
        driver.background_per_second = result.idle.statements.total / result.idle.seconds

        async def started() -> bool:
            await asyncio.gather(*(driver.publish(js, wire.started(job)) for job in jobs))
            return await live.wait_for(_has_status(jobs, "processing"), PHASE_TIMEOUT_SECONDS)

        result.phases["started"], result.complete["started"] = await driver.phase(
            "started", started()
        )
        sent: dict[tuple[str, float], float] = {}
        result.phases["progress"], _ = await driver.phase(
            "progress", _progress(driver, js, jobs, sent, live)
        )
        result.ticks_published = len(sent)
        result.latencies = _latencies(sent, live.received)

        async def completed() -> bool:
            await asyncio.gather(*(driver.publish(js, wire.completed(job)) for job in jobs))
            return await live.wait_for(_has_status(jobs, "completed"), PHASE_TIMEOUT_SECONDS)

        result.phases["completed"], result.complete["completed"] = await driver.phase(
            "completed", completed()
        )
    finally:
        await connection.drain()
        await live.close()
        result.outbox_rows = _outbox_rows(platform, jobs, since, None)


async def _progress(
    driver: _Driver,
    js: JetStreamContext,
    jobs: list[Job],
    sent: dict[tuple[str, float], float],
    live: LiveClients,
) -> None:
    ticks = driver.settings.seconds
    began = time.perf_counter()

    async def report(index: int, job: Job) -> None:
        offset = index / len(jobs)
        for sequence in range(1, ticks + 1):
            due = began + offset + (sequence - 1)
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            percent = tick_percent(sequence, ticks)
            sent[(str(job.job_id), percent)] = time.perf_counter()
            await driver.publish(js, driver.wire.progress(job, sequence, percent))

    await asyncio.gather(*(report(index, job) for index, job in enumerate(jobs)))
    last = {(str(job.job_id), tick_percent(ticks, ticks)) for job in jobs}

    def final_ticks_seen(received: list[Received]) -> bool:
        seen = {(r.message.get("job_id"), r.message.get("progress")) for r in received}
        return last <= seen

    await live.wait_for(final_ticks_seen, PROGRESS_GRACE_SECONDS)


def _latencies(sent: dict[tuple[str, float], float], received: list[Received]) -> list[float]:
    """Publish-to-receipt seconds of each tick a client received (first receipt only)."""
    first: dict[tuple[str, float], float] = {}
    for r in received:
        key = (str(r.message.get("job_id")), float(r.message.get("progress", -1)))
        if key in sent and key not in first:
            first[key] = r.at
    return [first[key] - sent[key] for key in first]


def _database_now(platform: Platform) -> datetime:
    with connect(platform.database_url) as conn:
        row = conn.execute("select clock_timestamp()").fetchone()
    assert row is not None
    now = row[0]
    assert isinstance(now, datetime)
    return now


def _outbox_rows(
    platform: Platform, jobs: list[Job], since: datetime, until: datetime | None
) -> dict[str, int]:
    """Outbox rows of the scenario's videos written in [since, until), by event type,
    job kind and status."""
    videos = [str(job.video_id) for job in jobs]
    with connect(platform.database_url) as conn:
        rows = conn.execute(
            "select concat_ws(' ', payload->>'event_type', payload->>'kind',"
            " payload->>'status'), count(*) from event_outbox"
            " where created_at >= %s and (%s::timestamptz is null or created_at < %s)"
            " and payload->>'video_id' = any(%s) group by 1",
            (since, until, until, videos),
        ).fetchall()
    return {str(kind): int(str(count)) for kind, count in rows}
