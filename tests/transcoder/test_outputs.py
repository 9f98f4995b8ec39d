"""What a transcode job's result says of each output, through the worker kit on a real
nats-server: every rung ready or skipped with its reason, the audio rendition, the
download, the master playlist; audio-only and silent sources; a hostile playlist."""

import socket
from pathlib import Path

import m3u8
import pytest
from faststream.asgi import AsgiFastStream
from nats.js import JetStreamContext

from contracts.enums import JobErrorCode, JobKind, RenditionKind
from contracts.events import JobCompletedEvent, JobFailedEvent, TranscodeResult
from contracts.outputs import OutputKind, OutputStatus, TranscodeOutput
from services.common.blobs import LocalBlobStore
from tests.support.ladder import check_stored_ladder, join_rendition
from tests.support.media import decode_fully
from tests.support.workers import publish_command, settled, terminal_events
from tests.transcoder.support import partial_files, upload

KIND = JobKind.TRANSCODE
NOT_UPSCALED = "The source is 240p; renditions are never upscaled."


async def transcoded(
    jetstream: JetStreamContext, store: LocalBlobStore, source: Path
) -> TranscodeResult:
    """Run `source` through the worker; the completed job's result."""
    command = upload(store, source)
    sequence = await publish_command(jetstream, command)
    events = await terminal_events(jetstream, command.job_id)
    await settled(jetstream, KIND, sequence)
    completed = events[-1]
    assert isinstance(completed, JobCompletedEvent), events
    assert isinstance(completed.result, TranscodeResult)
    return completed.result


def by_name(result: TranscodeResult) -> dict[str, TranscodeOutput]:
    return {output.name: output for output in result.outputs}


def check_ready_files(store: LocalBlobStore, result: TranscodeResult) -> None:
    """Every ready output names its stored file, with its exact size; others name none."""
    for output in result.outputs:
        if output.status is not OutputStatus.READY:
            assert output.file is None
            assert output.reason
            continue
        assert output.file is not None
        assert store.path(output.file.key).stat().st_size == output.file.size_bytes
        assert output.size_bytes >= output.file.size_bytes
        assert output.duration_seconds is not None
        assert abs(output.duration_seconds - 2.0) <= 0.05


async def test_a_video_gets_its_rungs_the_audio_and_the_download(
    worker: AsgiFastStream,
    jetstream: JetStreamContext,
    blob_root: Path,
    sample_video: Path,
    tmp_path: Path,
) -> None:
    store = LocalBlobStore(blob_root)

    result = await transcoded(jetstream, store, sample_video)

    outputs = by_name(result)
    assert {name: o.status for name, o in outputs.items()} == {
        "240p": OutputStatus.READY,
        "audio": OutputStatus.READY,
        "download": OutputStatus.READY,
        "1080p": OutputStatus.SKIPPED,
        "720p": OutputStatus.SKIPPED,
        "480p": OutputStatus.SKIPPED,
        "360p": OutputStatus.SKIPPED,
    }
    assert {outputs[name].reason for name in ("1080p", "720p", "480p", "360p")} == {NOT_UPSCALED}
    check_ready_files(store, result)
    rung, audio, download = outputs["240p"], outputs["audio"], outputs["download"]
    assert (rung.kind, rung.width, rung.height, rung.frame_rate) == (
        OutputKind.HLS_VIDEO,
        320,
        240,
        25.0,
    )
    assert rung.codecs is not None
    assert rung.codecs.startswith("avc1.")
    assert rung.segment_count == 1
    assert rung.peak_bitrate is not None
    assert rung.average_bitrate is not None
    assert (audio.kind, audio.codecs) == (OutputKind.HLS_AUDIO, "mp4a.40.2")
    assert download.kind is OutputKind.MP4
    assert result.segment_seconds == 4.0
    assert result.duration_seconds == pytest.approx(2.0, abs=0.05)
    # The master playlist parses and names the rung with the audio group.
    assert result.master_playlist is not None
    assert result.master_playlist.key.endswith("/transcode/hls/master.m3u8")
    assert result.master_playlist.content_type == "application/vnd.apple.mpegurl"
    folder = store.path(result.master_playlist.key).parent
    master = check_stored_ladder(folder)
    (variant,) = master.playlists
    assert variant.stream_info.resolution == (320, 240)
    assert variant.stream_info.codecs == f"{rung.codecs},mp4a.40.2"
    assert rung.file is not None
    assert folder / variant.uri == store.path(rung.file.key)
    decoded = decode_fully(join_rendition(folder, variant.uri, tmp_path / "240p.mp4").path)
    assert (decoded.width, decoded.height, decoded.video_frames) == (320, 240, 50)
    # The download is still listed as the one rendition the gateway serves today.
    (rendition,) = result.renditions
    assert download.file == rendition.file
    assert (rendition.name, rendition.kind, rendition.audio_codec) == (
        "mp4-240p",
        RenditionKind.VIDEO,
        "aac",
    )


async def test_audio_only_gives_an_audio_rendition_and_an_m4a(
    worker: AsgiFastStream,
    jetstream: JetStreamContext,
    blob_root: Path,
    sample_audio_only: Path,
    tmp_path: Path,
) -> None:
    store = LocalBlobStore(blob_root)

    result = await transcoded(jetstream, store, sample_audio_only)

    outputs = by_name(result)
    ready = {name for name, o in outputs.items() if o.status is OutputStatus.READY}
    assert ready == {"audio", "download"}
    assert {o.reason for o in outputs.values() if o.kind is OutputKind.HLS_VIDEO} == {
        "The source has no video."
    }
    check_ready_files(store, result)
    assert outputs["download"].kind is OutputKind.M4A
    assert result.master_playlist is not None
    folder = store.path(result.master_playlist.key).parent
    (variant,) = check_stored_ladder(folder).playlists
    assert variant.stream_info.codecs == "mp4a.40.2"
    audio = decode_fully(join_rendition(folder, variant.uri, tmp_path / "audio.mp4").path)
    assert (audio.video_frames, audio.audio_codec) == (0, "aac")
    (rendition,) = result.renditions
    assert (rendition.name, rendition.kind, rendition.container) == (
        "m4a-audio",
        RenditionKind.AUDIO_ONLY,
        "m4a",
    )
    m4a = decode_fully(store.path(rendition.file.key))
    assert (m4a.video_frames, m4a.audio_codec) == (0, "aac")


async def test_a_silent_video_gives_renditions_without_audio(
    worker: AsgiFastStream,
    jetstream: JetStreamContext,
    blob_root: Path,
    sample_silent_video: Path,
) -> None:
    store = LocalBlobStore(blob_root)

    result = await transcoded(jetstream, store, sample_silent_video)

    outputs = by_name(result)
    assert outputs["audio"].status is OutputStatus.SKIPPED
    assert outputs["audio"].reason == "The source has no audio."
    check_ready_files(store, result)
    assert result.master_playlist is not None
    master = check_stored_ladder(store.path(result.master_playlist.key).parent)
    assert master.media == m3u8.MediaList()
    assert all(variant.stream_info.audio is None for variant in master.playlists)
    assert outputs["240p"].codecs == master.playlists[0].stream_info.codecs
    download = decode_fully(store.path(result.renditions[0].file.key))
    assert download.audio_codec is None
    assert download.video_frames > 0
    assert result.renditions[0].audio_codec is None


async def test_a_hostile_playlist_fails_as_not_media_and_reads_nothing(
    worker: AsgiFastStream, jetstream: JetStreamContext, blob_root: Path, tmp_path: Path
) -> None:
    # An upload that is a playlist naming a local secret and a listening local server.
    secret = tmp_path / "secret.ts"
    secret.write_bytes(b"\x47" * 188 * 10)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        hostile = tmp_path / "upload.m3u8"
        hostile.write_text(
            "#EXTM3U\n#EXT-X-TARGETDURATION:1\n"
            f"#EXTINF:1,\nfile://{secret}\n#EXTINF:1,\nhttp://127.0.0.1:{port}/s.ts\n"
            "#EXT-X-ENDLIST\n"
        )
        store = LocalBlobStore(blob_root)
        command = upload(store, hostile)

        sequence = await publish_command(jetstream, command)
        events = await terminal_events(jetstream, command.job_id)
        await settled(jetstream, KIND, sequence)

        with pytest.raises(BlockingIOError):
            listener.accept()
    failed = events[-1]
    assert isinstance(failed, JobFailedEvent)
    assert failed.error.code is JobErrorCode.NOT_MEDIA
    assert list(blob_root.rglob("transcode/*")) == []
    assert partial_files(blob_root) == []
