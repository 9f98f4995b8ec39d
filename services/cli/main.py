"""`echoctl`: the command line for people.

TOKEN=$(echoctl token)            a dev token for the embedded default
echoctl upload clip.mp4           upload, then watch every job to its end
echoctl videos | video ID | jobs  what Echo holds
"""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated
from uuid import UUID

import httpx
import typer
from rich.console import Console
from rich.markup import escape

from contracts.enums import ProcessingStatus
from contracts.rest import VideoUploadResponseSchema
from services.cli import config
from services.cli.client import ApiError, EchoApi
from services.cli.multipart import FileChangedError, MultipartFile
from services.cli.problems import hint
from services.cli.progress import (
    JobBoard,
    jobs_table,
    styled,
    upload_progress,
    video_details,
    videos_table,
)
from services.cli.watch import JobTracker, WatchError, watch_jobs

app = typer.Typer(
    name="echoctl",
    help="Upload videos to Echo, watch their processing live, and list what Echo holds.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
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
    api_url: ApiUrl = config.DEFAULT_API_URL,
    notifier_url: NotifierUrl = config.DEFAULT_NOTIFIER_URL,
    access_token: Token = None,
) -> None:
    """Upload a video, then follow each of its jobs until it completes or fails.

    Exits 0 only when every job completed."""
    with _reported_errors():
        endpoints = config.endpoints(api_url, notifier_url, access_token)
        body = MultipartFile.of(file, {"title": title} if title else {})
        with (
            EchoApi(endpoints.api_url, endpoints.token) as api,
            upload_progress(console, file.name, body.content_length) as on_sent,
        ):
            result = api.upload(body, on_sent)
        console.print(f"Uploaded [bold]{escape(result.video.title)}[/] as video {result.video.id}")
        if no_wait or not result.jobs:
            return
        tracker = asyncio.run(follow_jobs(endpoints, result))
    for failure in tracker.failures:
        errors.print(
            f"[bold red]{failure.kind.value} failed[/] ({failure.error_code or 'no code'}): "
            f"{escape(failure.error_message or 'no reason given')}"
        )
    if tracker.exit_code == 0:
        console.print(f"Video {result.video.id} is [green]completed[/].")
    raise typer.Exit(tracker.exit_code)


async def follow_jobs(endpoints: config.Endpoints, result: VideoUploadResponseSchema) -> JobTracker:
    """Watch the upload's jobs with one progress bar each, until every one has ended."""
    with JobBoard(console, result.jobs) as board:
        return await watch_jobs(
            endpoints.notifier_url,
            endpoints.token,
            [job.id for job in result.jobs],
            video_id=result.video.id,
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
