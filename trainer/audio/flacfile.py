"""Streaming a take to a private FLAC file that survives a crash.

libsndfile encodes and writes each FLAC frame (about 85 ms at 48 kHz) as soon as it is
complete; `sync()` also forces the data to the disk, so a crash or power cut loses at
most the time since the last sync. Writes go through a small file object of our own so
that a full disk is recognised by its `errno` and reported as `DiskFullError`.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np

from trainer import paths
from trainer.errors import DiskFullError, TrainerError

FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class _File:
    """A raw file for libsndfile's virtual I/O that remembers the first write error."""

    def __init__(self, fd: int) -> None:
        self.raw = os.fdopen(fd, "r+b", buffering=0)
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        if self.error is not None:
            return 0
        view = memoryview(data)
        done = 0
        try:
            while done < len(view):  # a nearly full disk takes part of a write, then refuses
                written = self.raw.write(view[done:])
                if not written:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                done += written
        except OSError as err:
            self.error = err
        return done

    def read(self, count: int) -> bytes:
        return self.raw.read(count)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()


def full_disk_message(path: Path, seconds: float) -> str:
    return (f"The disk is full, so recording stopped after {seconds:.1f} s; what was recorded is kept in {path}. "
            "Free some space and record again.")


class FlacWriter:
    """Append mono float32 blocks to `path` (created 0600 in a 0700 folder)."""

    def __init__(self, path: Path, rate: int) -> None:
        import soundfile as sf

        self.path = path
        self.rate = rate
        self.frames = 0
        paths.ensure_private_dir(path.parent)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC | paths.O_BINARY, paths.PRIVATE_FILE_MODE)
        except OSError as err:
            raise self._error(err) from err
        paths.make_fd_private(fd)
        self._file = _File(fd)
        try:
            self._sound = sf.SoundFile(self._file, "w", samplerate=rate, channels=1, format="FLAC",
                                       subtype="PCM_16")
        except Exception as err:
            self._file.raw.close()
            raise self._error(self._file.error or err) from err

    def _error(self, err: BaseException) -> TrainerError:
        if isinstance(err, OSError) and err.errno in FULL_ERRNOS:
            return DiskFullError(full_disk_message(self.path, self.frames / self.rate))
        return TrainerError(f"Cannot write the recording to {self.path} ({err}). Check the folder and the disk.")

    def write(self, block: np.ndarray) -> None:
        """Encode and write; raises DiskFullError (or TrainerError) when the disk refuses."""
        try:
            self._sound.write(block)
        except Exception as err:
            raise self._error(self._file.error or err) from err
        if self._file.error is not None:
            raise self._error(self._file.error)
        self.frames += len(block)

    def sync(self) -> None:
        """Push everything encoded so far to the disk."""
        if self._file.error is None:
            self._sound.flush()
            try:
                os.fsync(self._file.raw.fileno())
            except OSError:
                pass

    def close(self) -> bool:
        """Finish the file (header with the length); False when the disk did not let it finish."""
        try:
            self._sound.close()
        except Exception:
            pass
        clean = self._file.error is None
        try:
            os.fsync(self._file.raw.fileno())
        except OSError:
            pass
        self._file.raw.close()
        return clean


def write_flac(path: Path, samples: np.ndarray, rate: int) -> None:
    """Write a whole take atomically: a hidden temporary file, then a rename."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        writer = FlacWriter(tmp, rate)
        writer.write(np.asarray(samples, dtype=np.float32))
        if not writer.close():
            raise writer._error(writer._file.error)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
