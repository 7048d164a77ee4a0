"""Where askbrief keeps its files.

One function per location, each with an environment override; directories are made when a
location is asked for, never at import. Only the levels askbrief creates are made owner-only
(0700): a directory that already exists is never chmod'ed (``ASKBRIEF_CACHE_DIR=/tmp`` must
not lock ``/tmp``). A location that cannot be made raises LocationError, which callers turn
into "answering without saving" or "indexing without a cache", never a crash.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import LocationError

APP = "askbrief"
_SURROGATE = re.compile("[\ud800-\udfff]")


def ensure_dir(path: Path, what: str = "folder") -> Path:
    """``path``, with every missing level created 0700; existing levels are left as they are."""
    missing = []
    p = path
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    try:
        for level in reversed(missing):
            try:
                os.mkdir(level, 0o700)
            except FileExistsError:
                continue  # made meanwhile by another process: not ours to chmod
            os.chmod(level, 0o700)  # the umask may have taken bits away; 0700 exactly
        if not path.is_dir():
            raise NotADirectoryError(20, "Not a directory", str(path))
    except OSError as e:
        raise LocationError(f"cannot use the {what} {fs_text(str(path))}: {e.strerror or e}") from e
    return path


def _location(env: str, default, what: str, create: bool) -> Path:
    value = os.environ.get(env)
    try:
        path = Path(value).expanduser() if value else Path(default())
    except (RuntimeError, KeyError) as e:  # platformdirs: no HOME and no passwd entry
        raise LocationError(f"no home directory to keep the {what} in; set {env}") from e
    if not path.is_absolute():
        raise LocationError(f"no home directory to keep the {what} in ({path}); set {env}")
    return ensure_dir(path, what) if create else path


def _user_data() -> str:
    import platformdirs

    return platformdirs.user_data_dir(APP, appauthor=False)


def _user_cache() -> str:
    import platformdirs

    return platformdirs.user_cache_dir(APP, appauthor=False)


def data_dir(create: bool = True) -> Path:
    """User data: the history database. ``ASKBRIEF_DATA_DIR`` overrides."""
    return _location("ASKBRIEF_DATA_DIR", _user_data, "data folder", create)


def cache_dir(create: bool = True) -> Path:
    """Index caches, safe to delete. ``ASKBRIEF_CACHE_DIR`` overrides."""
    return _location("ASKBRIEF_CACHE_DIR", _user_cache, "cache folder", create)


def index_dir(create: bool = True) -> Path:
    """The index cache (``askbrief index``): inside the cache directory."""
    path = cache_dir(create) / "index"
    return ensure_dir(path, "cache folder") if create else path


def _user_config() -> str:
    import platformdirs

    return platformdirs.user_config_dir(APP, appauthor=False)


def config_path() -> Path:
    """The config file (TOML; it may not exist). ``ASKBRIEF_CONFIG`` names another file.
    Nothing is created here: the chat makes the folder when it first saves a setting."""
    env = os.environ.get("ASKBRIEF_CONFIG")
    if env:
        return Path(env).expanduser()
    return _location("ASKBRIEF_CONFIG", _user_config, "config file", create=False) / "config.toml"


def history_path(create: bool = True) -> Path:
    return data_dir(create) / "history.db"


def fs_text(name: str) -> str:
    """A file name as text that any encoder accepts, losslessly.

    Python decodes a name that is not valid UTF-8 with ``surrogateescape``: byte 0xE9 of
    ``caf\\xe9.txt`` becomes the lone surrogate U+DCE9, which UTF-8 (JSON, SQLite, a UTF-8
    terminal) refuses. Such a byte is written ``\\xe9`` instead, so the name still says which
    file it is."""
    if name.isascii():
        return name
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file name decodes to (U+D800): escaped as such
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def fs_json(document: str) -> str:
    """A JSON text with every lone surrogate (inside its strings) written as ``\\xe9``:
    the value it decodes to is what ``fs_text`` shows, and UTF-8 accepts it."""
    if document.isascii() or not _SURROGATE.search(document):
        return document
    return _SURROGATE.sub(lambda m: "\\" + fs_text(m.group()), document)


def seeds_dir() -> Path:
    """The bundled brief: inside the installed package, or the checkout's ``seeds/``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "seeds", here.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    from .errors import CorpusError

    raise CorpusError("the bundled brief is missing from this installation (no seeds/ folder)")
