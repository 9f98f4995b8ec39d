"""`echoctl`: the command line for people.

TOKEN=$(echoctl token)            a dev token for the embedded default
echoctl upload clip.mp4           upload (resumable: run it again after an interruption),
                                  watch every job to its end, print the playback links
echoctl videos | video ID | jobs  what Echo holds
echoctl delete VIDEO_ID           a video, its files and its jobs
echoctl cancel | retry JOB_ID     stop a job; run a failed one again
echoctl me                        who you are, and your usage against the quota
"""

import asyncio
import mimetypes
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Annotated
from urllib.parse import urljoin
from uuid import UUID

import httpx
import typer
from rich.console import Console
from rich.markup import escape

from contracts.enums import ProcessingStatus
from contracts.rest import VideoJobResponseSchema, VideoWithJobsResponseSchema
from services.cli import config
from services.cli.client import ApiError, EchoApi
from services.cli.multipart import FileChangedError, MultipartFile
from services.cli.problems import hint
from services.cli.progress import (
    JobBoard,
    account_details,
    jobs_table,
    styled,
    upload_progress,
    video_details,
    videos_table,
)
from services.cli.resumable import CHUNK_SIZE, UploadInterruptedError, UploadLedger, open_upload
from services.cli.watch import JobTracker, WatchError, watch_jobs

app = typer.Typer(
    name="echoctl",
    help="Upload videos to Echo, watch their processing live, and list what Echo holds.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
INTERRUPTED = 130
"""The exit code of a command stopped by Ctrl-C, as shells report it."""

console = Console()
errors = Console(stderr=True)

ApiUrl = Annotated[
    str, typer.Option("--api-url", envvar="ECHO_API_URL", help="The gateway's REST API.")
]
NotifierUrl = Annotated[
    str, typer.Option("--notifier-url", envvar="ECHO_NOTIFIER_URL", help="The notifier.")
]
Token = Annotated[
    str | None,
    typer.Option(
        "--token",
        envvar="ECHO_TOKEN",
        help="Access token; default: a dev token minted with ECHO_JWT_SECRET "
        "or <ECHO_DATA_DIR>/jwt-secret.",
        show_default=False,
    ),
]
Cursor = Annotated[str | None, typer.Option("--cursor", help="Page cursor printed by a listing.")]


@contextmanager
def _reported_errors() -> Iterator[None]:
    """Print what went wrong in a person's words and exit non-zero, without a traceback."""
    try:
        yield
    except ApiError as error:
        errors.print(f"[bold red]{escape(error.title)}[/] ({error.status})")
        if error.detail:
            errors.print(escape(error.detail))
        if error.code:
            errors.print(f"[dim]code: {escape(error.code)}[/]")
        _print_hint(error.code)
        raise typer.Exit(1) from error
    except WatchError as error:
        errors.print(f"[bold red]Error:[/] {escape(str(error))}")
        _print_hint(error.code)
        raise typer.Exit(1) from error
    except UploadInterruptedError as error:
        errors.print(f"[bold red]Upload interrupted:[/] {escape(str(error))}")
        errors.print("What the server acknowledged is kept: run the same command again to resume.")
        raise typer.Exit(1) from error
    except (config.ConfigError, FileChangedError) as error:
        errors.print(f"[bold red]Error:[/] {escape(str(error))}")
        raise typer.Exit(1) from error
    except httpx.TransportError as error:
        errors.print(
            f"[bold red]Cannot reach {_target(error)}:[/] "
            f"{escape(str(error) or type(error).__name__)}"
        )
        raise typer.Exit(1) from error


def _print_hint(code: str | None) -> None:
    advice = hint(code)
    if advice is not None:
        errors.print(escape(advice))


def _target(error: httpx.TransportError) -> str:
    try:
        return str(error.request.url.copy_with(query=None))
    except RuntimeError:  # raised by httpx when the error has no request
        return "the server"


@app.command()
def token(
    user: Annotated[
        UUID | None, typer.Option("--user", help="The token's user id (default: the demo user).")
    ] = None,
    email: Annotated[str | None, typer.Option("--email", help="The token's email claim.")] = None,
    ttl: Annotated[
        int, typer.Option("--ttl", min=1, help="Seconds until the token expires.")
    ] = config.DEFAULT_TOKEN_TTL_SECONDS,
) -> None:
    """Print a dev access token (HS256), and nothing else: TOKEN=$(echoctl token)."""
    with _reported_errors():
        typer.echo(config.dev_token(user, email=email, ttl_seconds=ttl))


@app.command()
def upload(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The video.")
    ],
    title: Annotated[
        str | None, typer.Option("--title", help="Title (default: file name).")
    ] = None,
    no_wait: Annotated[
        bool, typer.Option("--no-wait", help="Return once uploaded; do not watch the jobs.")
    ] = False,
    multipart: Annotated[
        bool,
        typer.Option("--multipart", help="Send the file in one multipart request (not resumable)."),
    ] = False,
    chunk_size: Annotated[
        int,
        typer.Option(
            "--chunk-size", min=1, help="Bytes per resumable request; smaller on flaky networks."
        ),
    ] = CHUNK_SIZE,
    api_url: ApiUrl = config.DEFAULT_API_URL,
    notifier_url: NotifierUrl = config.DEFAULT_NOTIFIER_URL,
    access_token: Token = None,
) -> None:
    """Upload a video (resumable: run it again after an interruption and it goes on where
    it stopped), then follow each of its jobs until it ends and print its playback links.

    Exits 0 only when every job completed."""
    with _reported_errors():
        endpoints = config.endpoints(api_url, notifier_url, access_token)
        with EchoApi(endpoints.api_url, endpoints.token) as api:
            if multipart:
                video_id = _upload_multipart(api, file, title)
            else:
                video_id = _upload_resumable(endpoints, file, title, chunk_size)
            uploaded = api.video(video_id)
            console.print(f"Uploaded [bold]{escape(uploaded.title)}[/] as video {video_id}")
            if no_wait or not uploaded.jobs:
                return
            tracker = asyncio.run(follow_jobs(endpoints, video_id, uploaded.jobs))
            finished = api.video(video_id)
    for failure in tracker.failures:
        errors.print(
            f"[bold red]{failure.kind.value} failed[/] ({failure.error_code or 'no code'}): "
            f"{escape(failure.error_message or 'no reason given')}"
        )
    _print_playback(finished, endpoints.api_url)
    if tracker.exit_code == 0:
        console.print(f"Video {video_id} is [green]completed[/].")
    raise typer.Exit(tracker.exit_code)


def _upload_multipart(api: EchoApi, file: Path, title: str | None) -> UUID:
    body = MultipartFile.of(file, {"title": title} if title else {})
    with upload_progress(console, file.name, body.content_length) as bar:
        return api.upload(body, bar.advance).video.id


@contextmanager
def _stop_between_chunks() -> Iterator[threading.Event]:
    """Ctrl-C stops the upload after the chunk in flight; a second Ctrl-C stops it at once.

    A `KeyboardInterrupt` raised wherever the signal lands can be swallowed (Python only
    prints it when it hits a finalizer, such as urllib3 closing a pooled connection), and
    the upload would carry on; a flag checked between chunks cannot be lost.
    """
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, request_stop)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


def _upload_resumable(
    endpoints: config.Endpoints, file: Path, title: str | None, chunk_size: int
) -> UUID:
    filetype, _ = mimetypes.guess_type(file.name)
    metadata = {"filename": file.name, "filetype": filetype or "application/octet-stream"}
    if title:
        metadata["title"] = title
    with open_upload(
        endpoints.api_url,
        endpoints.token,
        file,
        metadata,
        ledger=UploadLedger.default(),
        chunk_size=chunk_size,
    ) as transfer:
        if transfer.resumed_from:
            console.print(
                f"Resuming at byte {transfer.resumed_from} of {transfer.length} "
                f"({transfer.length - transfer.resumed_from} to send)"
            )
        try:
            with (
                _stop_between_chunks() as stop,
                upload_progress(console, file.name, transfer.length, transfer.offset) as bar,
            ):
                for offset in transfer.send():
                    bar.reach(offset)
                    if stop.is_set():
                        raise KeyboardInterrupt
        except KeyboardInterrupt:
            errors.print(
                f"Interrupted after {transfer.offset} of {transfer.length} bytes: "
                "run the same command again to resume."
            )
            raise typer.Exit(INTERRUPTED) from None
        return transfer.video_id


def _print_playback(video: VideoWithJobsResponseSchema, api_url: str) -> None:
    """The signed links a browser opens without headers, when the video has them."""
    links = video.playback
    if links is None or (links.mp4_url is None and links.hls_url is None):
        return
    for name, url in (("MP4", links.mp4_url), ("HLS", links.hls_url)):
        if url is not None:
            console.print(f"{name}: {urljoin(api_url + '/', url)}", soft_wrap=True)
    console.print(f"[dim]links expire at {links.expires_at:%Y-%m-%d %H:%M:%S %Z}[/]")


async def follow_jobs(
    endpoints: config.Endpoints, video_id: UUID, jobs: Sequence[VideoJobResponseSchema]
) -> JobTracker:
    """Watch the video's jobs with one progress bar each, until every one has ended."""
    with JobBoard(console, jobs) as board:
        return await watch_jobs(
            endpoints.notifier_url,
            endpoints.token,
            [job.id for job in jobs],
            video_id=video_id,
            on_update=board.show,
            on_retry=board.note,
        )


@app.command()
def videos(
    cursor: Cursor = None, api_url: ApiUrl = config.DEFAULT_API_URL, access_token: Token = None
) -> None:
    """List your videos, newest first."""
    with _reported_errors():
        endpoints = config.endpoints(api_url, config.DEFAULT_NOTIFIER_URL, access_token)
        with EchoApi(endpoints.api_url, endpoints.token) as api:
            page = api.videos(cursor)
    console.print(videos_table(page.items))
    if page.next_cursor:
        console.print(f"[dim]more: echoctl videos --cursor {page.next_cursor}[/]")


@app.command()
def video(
    video_id: Annotated[UUID, typer.Argument(help="The video's id.")],
    api_url: ApiUrl = config.DEFAULT_API_URL,
    access_token: Token = None,
) -> None:
    """Show one video: its fields, jobs, metadata and renditions."""
    with _reported_errors():
        endpoints = config.endpoints(api_url, config.DEFAULT_NOTIFIER_URL, access_token)
        with EchoApi(endpoints.api_url, endpoints.token) as api:
            details = api.video(video_id)
    for table in video_details(details):
        console.print(table)


@app.command()
def jobs(
    status: Annotated[
        list[ProcessingStatus] | None,
        typer.Option("--status", help="Only jobs in this status (repeatable)."),
    ] = None,
    cursor: Cursor = None,
    api_url: ApiUrl = config.DEFAULT_API_URL,
    access_token: Token = None,
) -> None:
    """List your processing jobs, newest first."""
    with _reported_errors():
        endpoints = config.endpoints(api_url, config.DEFAULT_NOTIFIER_URL, access_token)
        with EchoApi(endpoints.api_url, endpoints.token) as api:
            page = api.jobs(status or (), cursor)
    title = "Jobs" if not status else "Jobs: " + ", ".join(styled(s) for s in status)
    console.print(jobs_table(page.items, title=title))
    if page.next_cursor:
        console.print(f"[dim]more: echoctl jobs --cursor {page.next_cursor}[/]")


@app.command()
def delete(
    video_id: Annotated[UUID, typer.Argument(help="The video's id.")],
    api_url: ApiUrl = config.DEFAULT_API_URL,
    access_token: Token = None,
) -> None:
    """Delete a video: its files, its jobs (those still running are stopped) and its record."""
    with _reported_errors():
        endpoints = config.endpoints(api_url, config.DEFAULT_NOTIFIER_URL, access_token)
        with EchoApi(endpoints.api_url, endpoints.token) as api:
            api.delete_video(video_id)
    console.print(f"Deleted video {video_id}.")


@app.command()
def cancel(
    job_id: Annotated[UUID, typer.Argument(help="The job's id.")],
    api_url: ApiUrl = config.DEFAULT_API_URL,
    access_token: Token = None,
) -> None:
    """Cancel a pending or processing job; `echoctl retry` runs it again."""
    with _reported_errors():
        endpoints = config.endpoints(api_url, config.DEFAULT_NOTIFIER_URL, access_token)
        with EchoApi(endpoints.api_url, endpoints.token) as api:
            job = api.cancel_job(job_id)
    console.print(f"Cancelled {job.kind.value} job {job.id}: now {styled(job.status)}.")


@app.command()
def retry(
    job_id: Annotated[UUID, typer.Argument(help="The job's id.")],
    api_url: ApiUrl = config.DEFAULT_API_URL,
    access_token: Token = None,
) -> None:
    """Run a failed job again (a new attempt of the same job)."""
    with _reported_errors():
        endpoints = config.endpoints(api_url, config.DEFAULT_NOTIFIER_URL, access_token)
        with EchoApi(endpoints.api_url, endpoints.token) as api:
            job = api.retry_job(job_id)
    console.print(f"Retrying {job.kind.value} job {job.id}: now {styled(job.status)}.")


@app.command()
def me(api_url: ApiUrl = config.DEFAULT_API_URL, access_token: Token = None) -> None:
    """Who the token says you are, and what you store against your quota."""
    with _reported_errors():
        endpoints = config.endpoints(api_url, config.DEFAULT_NOTIFIER_URL, access_token)
        with EchoApi(endpoints.api_url, endpoints.token) as api:
            account = api.me()
    console.print(account_details(account))
