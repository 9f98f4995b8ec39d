"""Staged folders of the worker kit: a many-file output (an HLS ladder) appears whole,
only on commit, replaces an earlier one whole, and leaves nothing when dropped."""

import shutil
from pathlib import Path

import pytest

from contracts.enums import JobErrorCode, JobKind
from contracts.events import JobRequestedCommand
from services.common.blobs import LocalBlobStore, output_key
from services.common.media import MediaError
from services.common.worker import JobCancelledError
from services.common.worker.outputs import StagedOutputs
from tests.support.workers import job_context, stage_upload, video_folder

KIND = JobKind.TRANSCODE


@pytest.fixture
def store(blob_root: Path) -> LocalBlobStore:
    return LocalBlobStore(blob_root)


@pytest.fixture
def command(store: LocalBlobStore, sample_not_media: Path) -> JobRequestedCommand:
    # The kit never opens the source; any file stands for the upload.
    return stage_upload(store, sample_not_media, KIND)


def key_of(command: JobRequestedCommand, name: str = "hls") -> str:
    return output_key(command.owner_id, command.video_id, KIND, name)


def write_ladder(folder: Path, *names: str) -> None:
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(name)


def stage_then_stop(outputs: StagedOutputs, key: str) -> None:
    with outputs.staged_folder(key) as folder:
        write_ladder(folder, "master.m3u8")
        raise JobCancelledError


def tree(folder: Path) -> list[str]:
    """Every file and folder under `folder`, hidden ones included, relative to it."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def test_a_staged_folder_appears_whole_only_on_commit(
    store: LocalBlobStore, command: JobRequestedCommand
) -> None:
    context = job_context(store, command, deferred=True)
    jobs = video_folder(store, command) / KIND.value

    with context.outputs.staged_folder(key_of(command)) as folder:
        assert not folder.exists()
        write_ladder(folder, "720p/index.m3u8", "720p/seg_00000.m4s", "master.m3u8")
    assert not store.path(key_of(command)).exists()
    assert [path.name.endswith(".partial") for path in jobs.iterdir()] == [True]

    context.outputs.commit()

    assert tree(jobs) == [
        "hls",
        "hls/720p",
        "hls/720p/index.m3u8",
        "hls/720p/seg_00000.m4s",
        "hls/master.m3u8",
    ]


def test_a_rerun_replaces_the_folder_whole_and_removes_what_a_killed_attempt_left(
    store: LocalBlobStore, command: JobRequestedCommand
) -> None:
    first = job_context(store, command)
    with first.outputs.staged_folder(key_of(command)) as folder:
        write_ladder(folder, "1080p/index.m3u8", "master.m3u8")
    jobs = video_folder(store, command) / KIND.value
    # A killed attempt's staged folder, and what its work staged beside it.
    (jobs / ".hls.dead.partial").mkdir()
    (jobs / "..hls.dead.partial.x.staging").mkdir()

    second = job_context(store, command, deferred=True)
    with second.outputs.staged_folder(key_of(command)) as folder:
        write_ladder(folder, "720p/index.m3u8", "master.m3u8")
    second.outputs.commit()

    assert tree(jobs) == ["hls", "hls/720p", "hls/720p/index.m3u8", "hls/master.m3u8"]


@pytest.mark.parametrize("ending", ["raises", "discarded"])
def test_a_dropped_staged_folder_leaves_nothing(
    store: LocalBlobStore, command: JobRequestedCommand, ending: str
) -> None:
    context = job_context(store, command, deferred=True)

    if ending == "raises":
        with pytest.raises(JobCancelledError):
            stage_then_stop(context.outputs, key_of(command))
    else:
        with context.outputs.staged_folder(key_of(command)) as folder:
            write_ladder(folder, "master.m3u8")
    context.outputs.discard()

    assert not (video_folder(store, command) / KIND.value).exists()


def test_a_staged_folder_the_work_never_created_is_an_error(
    store: LocalBlobStore, command: JobRequestedCommand
) -> None:
    context = job_context(store, command, deferred=True)

    with (
        pytest.raises(RuntimeError, match="no folder"),
        context.outputs.staged_folder(key_of(command)),
    ):
        pass


def test_a_staged_folder_never_recreates_a_deleted_video_folder(
    store: LocalBlobStore, command: JobRequestedCommand
) -> None:
    context = job_context(store, command, deferred=True)
    shutil.rmtree(video_folder(store, command))

    with (
        pytest.raises(MediaError) as raised,
        context.outputs.staged_folder(key_of(command)),
    ):
        pass

    assert raised.value.error.code is JobErrorCode.SOURCE_MISSING
    assert not video_folder(store, command).exists()
