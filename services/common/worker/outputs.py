"""A job's outputs, staged by its work and made visible by the kit, or removed.

The work writes each output to a hidden `.partial` file (or folder, for an output made of
many files such as an HLS ladder) beside its target. Nothing is renamed into place
until the kit has checked, after the work returned, that the job was
not cancelled meanwhile; so a cancelled job never leaves a visible output, and a failed,
handed-back or cancelled one leaves no partial file either.

Staging never re-creates a deleted video: it creates folders only below the video's own
folder (which holds the upload), and refuses to write when that folder is gone.
"""

import contextlib
import logging
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from contracts.enums import JobErrorCode
from contracts.events import JobRequestedCommand
from services.common.blobs import BlobWriter, LocalBlobStore, source_key
from services.common.media import MediaError

logger = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".partial"


class StagedOutputs:
    """The outputs one delivery of a job staged; thread-safe (work thread and loop).

    `deferred` (the kit's runs): staged files wait for `commit`. Otherwise (a work
    function called on its own, in a benchmark or a test) each one is put in place as
    soon as it is written in full.
    """

    def __init__(
        self,
        store: LocalBlobStore,
        command: JobRequestedCommand,
        check_cancelled: Callable[[], None],
        *,
        deferred: bool,
    ) -> None:
        self._store = store
        self._deferred = deferred
        self._check_cancelled = check_cancelled
        self._video_folder = store.path(source_key(command.owner_id, command.video_id)).parent
        self._lock = threading.Lock()
        self._closed = False
        self._staged: dict[Path, Path] = {}
        """Staged file -> its target, once its writer finished cleanly."""
        self._open: set[Path] = set()
        self._created: list[Path] = []
        self._folders: set[Path] = set()

    @contextlib.contextmanager
    def staged_file(self, key: str) -> Iterator[Path]:
        """A hidden path to write `key` to with any library. It becomes `key` only when
        the kit commits the job's outputs; it is removed if the block raises."""
        target = self._store.path(key)
        temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}{PARTIAL_SUFFIX}")
        with self._lock:
            self._check_cancelled()
            if self._closed:
                raise RuntimeError("the job's outputs were already committed or discarded")
            self._make_folder(target.parent)
            self._folders.add(target.parent)
            self._open.add(temp)
        try:
            yield temp
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        finally:
            with self._lock:
                self._open.discard(temp)
        with self._lock:
            if self._closed:  # discarded while the work was still writing it
                temp.unlink(missing_ok=True)
                self._check_cancelled()
                raise RuntimeError("the job's outputs were discarded while being written")
            if self._deferred:
                self._staged[temp] = target
            else:
                os.replace(temp, target)

    @contextlib.contextmanager
    def staged_folder(self, key: str) -> Iterator[Path]:
        """A hidden path, not yet existing, to create `key`'s folder at, with every file of
        a many-file output (an HLS ladder) inside. At commit it replaces `key`'s folder in
        one rename, so a reader sees the old folder or the whole new one, never a playlist
        naming a missing segment. Its files are synced to disk when the block ends.
        Folders staged for `key` by killed attempts are removed first: this delivery owns
        the job now. Removed if the block raises."""
        target = self._store.path(key)
        with self._lock:
            self._check_cancelled()
            if self._closed:
                raise RuntimeError("the job's outputs were already committed or discarded")
            self._make_folder(target.parent)
            self._folders.add(target.parent)
            _remove_abandoned(target)
            temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}{PARTIAL_SUFFIX}")
            self._open.add(temp)
        try:
            yield temp
            if not temp.is_dir():
                raise RuntimeError(f"the work created no folder for {key}")
            _sync_tree(temp)
        except BaseException:
            _remove(temp)
            raise
        finally:
            with self._lock:
                self._open.discard(temp)
        with self._lock:
            if self._closed:  # discarded while the work was still writing it
                _remove(temp)
                self._check_cancelled()
                raise RuntimeError("the job's outputs were discarded while being written")
            if self._deferred:
                self._staged[temp] = target
            else:
                _replace_folder(temp, target)

    @contextlib.contextmanager
    def writer(self, key: str) -> Iterator[BlobWriter]:
        """Stream `key`'s bytes into a staged file, synced to disk when the block ends."""
        with self.staged_file(key) as temp, temp.open("wb") as file:
            writer = BlobWriter(file)
            yield writer
            file.flush()
            os.fsync(file.fileno())

    def commit(self) -> None:
        """Rename every staged output into place (the job is reported completed next)."""
        with self._lock:
            self._closed = True
            staged, self._staged = self._staged, {}
        for temp, target in staged.items():
            if temp.is_dir():
                _replace_folder(temp, target)
            else:
                os.replace(temp, target)

    def discard(self, *, video_deleted: bool = False) -> None:
        """Remove every staged or half-written file, and the folders staging created if
        they are empty. With `video_deleted`, also every empty folder it wrote in, up to
        the video's own: a deletion that raced with staging leaves nothing behind.
        Idempotent; never creates anything."""
        with self._lock:
            self._closed = True
            doomed = [*self._staged, *self._open]
            self._staged = {}
            folders = list(reversed(self._created))
            if video_deleted:
                folders += self._upward(self._folders)
        for temp in doomed:
            _remove(temp)
        for folder in folders:
            with contextlib.suppress(OSError):  # not empty, or already deleted
                folder.rmdir()
        if doomed:
            logger.info("removed %d staged output(s)", len(doomed))

    def _upward(self, folders: set[Path]) -> list[Path]:
        """`folders` and their parents up to the video folder, deepest first."""
        chain = {
            parent
            for folder in folders
            for parent in (folder, *folder.parents)
            if parent.is_relative_to(self._video_folder)
        }
        return sorted(chain, key=lambda path: len(path.parts), reverse=True)

    def _make_folder(self, folder: Path) -> None:
        if not folder.is_relative_to(self._video_folder):
            raise ValueError(f"{folder} is outside the job's video folder")
        if not self._video_folder.is_dir():
            raise MediaError(
                JobErrorCode.SOURCE_MISSING,
                "The video's folder is gone (it was deleted). Upload the video again.",
            )
        missing = []
        for parent in (folder, *folder.parents):
            if parent == self._video_folder or parent.is_dir():
                break
            missing.append(parent)
        for parent in reversed(missing):
            # `exist_ok` without `parents`: it fails rather than re-create a deleted video.
            parent.mkdir(exist_ok=True)
            self._created.append(parent)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _sync_tree(folder: Path) -> None:
    # As `writer` does for one file: a completed job's outputs survive a power loss.
    for path in sorted(folder.rglob("*"), key=lambda path: len(path.parts), reverse=True):
        _fsync(path)
    _fsync(folder)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_abandoned(target: Path) -> None:
    # Staged and swapped-out copies of `target` from attempts that were killed, and what
    # their work staged beside them under a name of its own (`.<staged name>.*`): they
    # will never be finished.
    leftovers = [
        *target.parent.glob(f".{target.name}.*"),
        *target.parent.glob(f"..{target.name}.*"),
    ]
    for leftover in leftovers:
        logger.info("removing abandoned staged output %s", leftover.name)
        _remove(leftover)


def _replace_folder(staged: Path, target: Path) -> None:
    """Put `staged` at `target`; an earlier `target` is moved aside first, then removed."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.{uuid.uuid4().hex}.old")
        target.rename(old)
    staged.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
