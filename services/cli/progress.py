"""Rich rendering: the upload's byte progress, one bar per job (status, phase, percent,
ETA), tables and details."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Self
from uuid import UUID

from rich.console import Console
from rich.filesize import decimal
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from contracts.enums import ProcessingStatus
from contracts.live import JobProgressUpdate, JobStatusUpdate
from contracts.rest import (
    MeResponseSchema,
    VideoJobResponseSchema,
    VideoSummarySchema,
    VideoWithJobsResponseSchema,
)

STATUS_STYLE = {
    ProcessingStatus.PENDING: "dim",
    ProcessingStatus.PROCESSING: "yellow",
    ProcessingStatus.COMPLETED: "green",
    ProcessingStatus.FAILED: "bold red",
}


def styled(status: ProcessingStatus) -> str:
    return f"[{STATUS_STYLE[status]}]{status.value}[/]"


def short(value: UUID) -> str:
    return str(value)[:8]


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class ByteBar:
    """A byte progress bar: moved by bytes handed on, or to the server's offset."""

    _progress: Progress
    _task: TaskID

    def advance(self, sent: int) -> None:
        self._progress.advance(self._task, sent)

    def reach(self, offset: int) -> None:
        self._progress.update(self._task, completed=offset)


@contextmanager
def upload_progress(
    console: Console, label: str, total: int, completed: int = 0
) -> Iterator[ByteBar]:
    """A byte progress bar over `total` bytes, `completed` of them already there."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    ) as progress:
        yield ByteBar(progress, progress.add_task(escape(label), total=total, completed=completed))


def eta(seconds: float | None) -> str:
    return "" if seconds is None else f"ETA {duration(seconds)}"


class JobBoard:
    """One live progress bar per job: percent, status, what it is doing now, and its ETA.

    A `job.status` update sets the recorded status; a `job.progress` update moves the bar
    and names the phase while the job runs.
    """

    def __init__(self, console: Console, jobs: Sequence[VideoJobResponseSchema]) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[status]}"),
            TextColumn("{task.fields[phase]}"),
            TextColumn("[dim]{task.fields[eta]}"),
            console=console,
        )
        self._tasks: dict[UUID, TaskID] = {
            job.id: self._progress.add_task(
                f"{job.kind.value:<9} {short(job.id)}",
                total=100,
                completed=int(job.progress),
                status=styled(job.status),
                phase="",
                eta=eta(job.eta_seconds),
            )
            for job in jobs
        }

    def __enter__(self) -> Self:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def show(self, update: JobStatusUpdate | JobProgressUpdate) -> None:
        task = self._tasks.get(update.job_id)
        if task is None:
            return
        if isinstance(update, JobProgressUpdate):
            phase = update.phase.value if update.phase is not None else ""
            self._progress.update(
                task,
                completed=update.progress,
                status=styled(update.status),
                phase=f"[cyan]{phase}[/]",
                eta=eta(update.eta_seconds),
            )
            return
        completed = 100 if update.status is ProcessingStatus.COMPLETED else update.progress
        if update.status.is_terminal:
            self._progress.update(
                task, completed=completed, status=styled(update.status), phase="", eta=""
            )
        else:
            # The phase last reported stays until the next progress report.
            self._progress.update(
                task,
                completed=completed,
                status=styled(update.status),
                eta=eta(update.eta_seconds),
            )

    def note(self, message: str) -> None:
        """A line above the bars (reconnection notices)."""
        self._progress.console.print(f"[dim]{escape(message)}[/]")


def videos_table(videos: Sequence[VideoSummarySchema]) -> Table:
    table = Table("id", "title", "status", "duration", "uploaded", title="Videos")
    for video in videos:
        table.add_row(
            str(video.id),
            escape(video.title),
            styled(video.status),
            duration(video.duration_seconds),
            video.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    return table


def jobs_table(jobs: Sequence[VideoJobResponseSchema], title: str = "Jobs") -> Table:
    table = Table("id", "video", "kind", "status", "progress", "error", title=title)
    for job in jobs:
        error = f"{job.error_code.value}: {job.error_message}" if job.error_code else ""
        table.add_row(
            str(job.id),
            short(job.video_id),
            job.kind.value,
            styled(job.status),
            f"{job.progress:.0f}%",
            escape(error),
        )
    return table


def video_details(video: VideoWithJobsResponseSchema) -> list[Table]:
    """A video's fields, then its jobs, renditions and metadata."""
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    rows: list[tuple[str, str]] = [
        ("id", str(video.id)),
        ("title", escape(video.title)),
        ("status", styled(video.status)),
        ("file", escape(video.original_filename)),
        ("size", f"{video.size_bytes:,} bytes"),
        ("sha256", video.checksum_sha256),
        ("uploaded", video.created_at.isoformat(timespec="seconds")),
    ]
    if video.description:
        rows.append(("description", escape(video.description)))
    if video.tags:
        rows.append(("tags", escape(", ".join(video.tags))))
    meta = video.metadata
    if meta is not None:
        rows += [
            ("container", meta.container_format),
            ("duration", duration(meta.duration_seconds)),
        ]
        if meta.video is not None:
            picture = f"{meta.video.display_width}x{meta.video.display_height}"
            rows.append(("video", f"{meta.video.codec} {picture}"))
        if meta.audio is not None:
            rows.append(("audio", f"{meta.audio.codec} {meta.audio.channels} ch"))
    for name, value in rows:
        facts.add_row(name, value)
    tables = [facts, jobs_table(video.jobs)]
    if video.renditions:
        renditions = Table("name", "kind", "size", "url", title="Renditions")
        for item in video.renditions:
            rendition = item.rendition
            renditions.add_row(
                item.name,
                rendition.kind.value,
                f"{rendition.file.size_bytes:,}",
                escape(item.url),
            )
        tables.append(renditions)
    return tables


def account_details(account: MeResponseSchema) -> Table:
    """The user, and their usage against the quota."""
    usage = account.usage
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    quota = "unlimited" if usage.quota_bytes is None else decimal(usage.quota_bytes)
    used = f"{decimal(usage.used_bytes)} of {quota}"
    if usage.quota_bytes:
        used += f" ({100 * usage.used_bytes / usage.quota_bytes:.0f} %)"
    rows = [
        ("user", str(account.user_id)),
        ("email", escape(account.email or "-")),
        ("used", used),
        ("videos", str(usage.videos)),
        ("uploads in progress", str(usage.uploads_in_progress)),
        ("largest upload", decimal(account.max_upload_bytes)),
    ]
    for name, value in rows:
        facts.add_row(name, value)
    return facts
