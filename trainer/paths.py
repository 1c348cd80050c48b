"""Where Level Voice keeps its settings, data and cache.

Every location is a function, so nothing is decided or created at import time.
`LEVELVOICE_HOME` overrides all of them (tests and portable installs use it):
`$LEVELVOICE_HOME/config`, `/data` and `/cache`.

The data folder holds recordings of the therapist and clips from client sessions, so it
is private: folders 0700, files 0600. Use `ensure_private_dir` and `private_open`
(or `write_private_bytes`) for anything written there.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from trainer.errors import DataFolderError

APP_NAME = "levelvoice"
HOME_ENV = "LEVELVOICE_HOME"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
O_BINARY = getattr(os, "O_BINARY", 0)  # Windows opens files as text (CR LF) without it


def _home_override() -> Path | None:
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else None


def config_dir() -> Path:
    """Folder of `config.toml`."""
    home = _home_override()
    if home:
        return home / "config"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The private folder with the history database, takes and imported clips."""
    home = _home_override()
    if home:
        return home / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Throw-away files (logs, warm-up artefacts)."""
    home = _home_override()
    if home:
        return home / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    return config_dir() / "config.toml"


def database_file() -> Path:
    return data_dir() / "history.sqlite3"


def takes_dir() -> Path:
    """Recorded takes (FLAC), one subfolder per day."""
    return data_dir() / "takes"


def imported_drills_dir() -> Path:
    """Drills the therapist imported from their own clips."""
    return data_dir() / "drills"


def log_file() -> Path:
    return cache_dir() / "levelvoice.log"


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) with mode 0700 and make sure it stays 0700."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        if stat.S_IMODE(path.stat().st_mode) != PRIVATE_DIR_MODE:
            path.chmod(PRIVATE_DIR_MODE)
    except OSError as err:
        raise DataFolderError(
            f"Cannot create the private folder {path} ({err.strerror or err}). "
            f"Check that you may write there, or set {HOME_ENV} to a folder you own."
        ) from err
    return path


def ensure_data_dir() -> Path:
    """The data folder, created private if needed."""
    return ensure_private_dir(data_dir())


def make_fd_private(fd: int) -> None:
    """Set an open file to 0600 (Windows before Python 3.13 cannot: its profile folders are private)."""
    if hasattr(os, "fchmod"):
        os.fchmod(fd, PRIVATE_FILE_MODE)


def private_open(path: Path, mode: str = "wb"):
    """Open a file for writing with mode 0600 from the first byte (no umask window)."""
    flags = os.O_WRONLY | os.O_CREAT | O_BINARY
    flags |= os.O_APPEND if "a" in mode else os.O_TRUNC
    ensure_private_dir(path.parent)
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    make_fd_private(fd)
    return os.fdopen(fd, mode)


def write_private_bytes(path: Path, data: bytes) -> None:
    """Write `data` atomically to a private file: a temporary file, then a rename."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with private_open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def make_private(path: Path) -> None:
    """Set an existing file to 0600 (for files other libraries create, e.g. SQLite)."""
    if path.exists() and stat.S_IMODE(path.stat().st_mode) != PRIVATE_FILE_MODE:
        path.chmod(PRIVATE_FILE_MODE)


def check_private(path: Path) -> list[str]:
    """Problems with the privacy of a data folder: group/other permissions anywhere in it.

    Windows has no such permission bits (its files report 0666); there the folder is in the
    user's own profile, which other users cannot read.
    """
    problems: list[str] = []
    if not path.exists() or os.name == "nt":
        return problems
    for entry in [path, *path.rglob("*")]:
        mode = stat.S_IMODE(entry.lstat().st_mode)
        if mode & 0o077:
            problems.append(f"{entry} is readable by others (mode {mode:o})")
    return problems
