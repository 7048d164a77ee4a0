"""Where askbrief keeps its files.

One function per location, each with an environment override; directories are made
(owner-only) when a location is asked for, never at import.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "askbrief"


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return path


def data_dir() -> Path:
    """User data: the history database. ``ASKBRIEF_DATA_DIR`` overrides."""
    env = os.environ.get("ASKBRIEF_DATA_DIR")
    if env:
        return _ensure(Path(env).expanduser())
    import platformdirs

    return _ensure(Path(platformdirs.user_data_dir(APP, appauthor=False)))


def cache_dir() -> Path:
    """Index caches, safe to delete. ``ASKBRIEF_CACHE_DIR`` overrides."""
    env = os.environ.get("ASKBRIEF_CACHE_DIR")
    if env:
        return _ensure(Path(env).expanduser())
    import platformdirs

    return _ensure(Path(platformdirs.user_cache_dir(APP, appauthor=False)))


def index_dir() -> Path:
    """The index cache (``askbrief index``): inside the cache directory."""
    return _ensure(cache_dir() / "index")


def config_path() -> Path:
    """The config file (TOML; it may not exist). ``ASKBRIEF_CONFIG`` names another file.
    Nothing is created here: the chat makes the folder when it first saves a setting."""
    env = os.environ.get("ASKBRIEF_CONFIG")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / "config.toml"


def history_path() -> Path:
    return data_dir() / "history.db"


def seeds_dir() -> Path:
    """The bundled brief: inside the installed package, or the checkout's ``seeds/``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "seeds", here.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    from .errors import CorpusError

    raise CorpusError("the bundled brief is missing from this installation (no seeds/ folder)")
