"""The user's config file: defaults for the command line and the chat.

TOML at ``paths.config_path()`` (``ASKBRIEF_CONFIG`` moves it), read with the standard
library's ``tomllib``::

    corpus = ["~/briefs/libya", "notes.md"]   # default brief; relative paths: from this file
    top_k = 20                                # passages retrieved per question
    min_confidence = 0.3                      # no short answer below this confidence
    min_sentence_confidence = 0.5             # nor a sentence answer below this one: abstain

    [chat]
    theme = "gruvbox"                         # saved when changed in the chat

Flags win over the environment (``ASKBRIEF_CORPUS``), which wins over this file, which wins
over the built-in defaults. A file that is missing costs one ``stat``: nothing is imported.
A malformed file, a value of the wrong type or an unknown key is a ``ConfigError`` naming the
file and line (exit 2): a typo must not be silently ignored. The values are checked by hand,
not by pydantic, because the one-shot path reads this file and must not pay pydantic's import.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

# key -> what it must be, for the messages; "chat" is a table of its own
TOP_KEYS = {"corpus": "a path or a list of paths", "top_k": "a whole number from 1 to 1000",
            "min_confidence": "a number from 0 to 1", "min_sentence_confidence": "a number from 0 to 1",
            "chat": "a table ([chat])"}
CHAT_KEYS = {"theme": "a theme name"}


@dataclass(frozen=True, slots=True)
class Config:
    """What the config file sets; None where it says nothing (the default applies)."""

    path: Path | None = None
    corpus: tuple[str, ...] | None = None
    top_k: int | None = None
    min_confidence: float | None = None
    min_sentence_confidence: float | None = None
    theme: str | None = None


def load_config(path: Path | None = None) -> Config:
    """The config at ``path`` (default: ``paths.config_path()``); an empty Config when the file
    does not exist."""
    if path is None:
        from .paths import config_path

        path = config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a config file") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot be read: {e.strerror or e}") from None
    return parse_config(raw, path)


def parse_config(raw: bytes, path: Path) -> Config:
    import tomllib

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(_toml_message(str(e), path, text)) from None
    where = _Locator(path, text)
    for key in data:
        if key not in TOP_KEYS:
            raise ConfigError(f"{where(key)}: unknown key '{key}' (known: {_known()})")
    chat = data.get("chat", {})
    if not isinstance(chat, dict):
        raise ConfigError(f"{where('chat')}: chat must be {TOP_KEYS['chat']}")
    for key in chat:
        if key not in CHAT_KEYS:
            raise ConfigError(f"{where(key, 'chat')}: unknown key 'chat.{key}' (known: {_known()})")
    return Config(path=path, corpus=_corpus(data, path, where), top_k=_top_k(data, where),
                  min_confidence=_threshold(data, "min_confidence", where),
                  min_sentence_confidence=_threshold(data, "min_sentence_confidence", where),
                  theme=_theme(chat, where))


def _known() -> str:
    return ", ".join([k for k in TOP_KEYS if k != "chat"] + [f"chat.{k}" for k in CHAT_KEYS])


def _corpus(data: dict[str, Any], path: Path, where: _Locator) -> tuple[str, ...] | None:
    value = data.get("corpus")
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(p, str) and p.strip() for p in items):
        raise ConfigError(f"{where('corpus')}: corpus must be {TOP_KEYS['corpus']}, not {value!r}")
    base = path.parent
    return tuple(str(base / Path(p).expanduser()) for p in items)


def _top_k(data: dict[str, Any], where: _Locator) -> int | None:
    value = data.get("top_k")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise ConfigError(f"{where('top_k')}: top_k must be {TOP_KEYS['top_k']}, not {value!r}")
    return value


def _threshold(data: dict[str, Any], key: str, where: _Locator) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value)
            or not 0 <= value <= 1):
        raise ConfigError(f"{where(key)}: {key} must be {TOP_KEYS[key]}, not {value!r}")
    return float(value)


def _theme(chat: dict[str, Any], where: _Locator) -> str | None:
    value = chat.get("theme")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where('theme', 'chat')}: chat.theme must be {CHAT_KEYS['theme']}, not {value!r}")
    return value.strip()


class _Locator:
    """``path:line`` of a key (tomllib keeps no positions: the key's line is looked up)."""

    def __init__(self, path: Path, text: str):
        self.path, self.lines = path, text.splitlines()

    def __call__(self, key: str, table: str | None = None) -> str:
        current = None
        key_re = re.compile(rf"\s*(?:([\w-]+)\s*\.\s*)?{re.escape(key)}\s*[=.]")
        for n, line in enumerate(self.lines, 1):
            header = _HEADER.match(line)
            if header:
                current = header.group(1).replace(" ", "")
                if table is None and current.split(".")[0] == key:
                    return f"{self.path}:{n}"
                continue
            m = key_re.match(line)
            if m and (m.group(1) or current) == table:
                return f"{self.path}:{n}"
        return str(self.path)


_HEADER = re.compile(r"\s*\[+\s*([\w.\- ]+?)\s*\]")


def _toml_message(message: str, path: Path, text: str) -> str:
    """tomllib's "Reason (at line 3, column 7)" as "path:3: reason (column 7)"."""
    m = re.match(r"(.*?)\s*\(at line (\d+), column (\d+)\)$", message)
    if m:
        reason, line, column = m.groups()
        return f"{path}:{line}: {reason[:1].lower() + reason[1:]} (column {column})"
    m = re.match(r"(.*?)\s*\(at end of document\)$", message)
    if m:
        reason = m.group(1)
        return f"{path}:{max(1, len(text.splitlines()))}: {reason[:1].lower() + reason[1:]} (at the end)"
    return f"{path}: {message}"


def save_theme(theme: str, path: Path | None = None) -> Path:
    """Record the chat's theme in the config file, keeping everything else in it as written
    (comments too): the ``theme`` line of ``[chat]`` is replaced, or added. Written to a
    temporary file and renamed into place."""
    if path is None:
        from .paths import config_path

        path = config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot be read: {getattr(e, 'strerror', None) or e}") from None
    if text.strip():
        parse_config(text.encode("utf-8"), path)  # never rewrite a file we cannot read
    line = f"theme = {_toml_string(theme)}"
    new = _set_chat_theme(text, line)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            mode = path.stat().st_mode & 0o777  # a file the user made keeps its mode
        except FileNotFoundError:
            mode = 0o600
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(new)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise ConfigError(f"{path}: cannot be written: {e.strerror or e}") from None
    return path


def _set_chat_theme(text: str, line: str) -> str:
    lines = text.splitlines()
    current = None
    for n, existing in enumerate(lines):
        header = _HEADER.match(existing)
        if header:
            current = header.group(1).replace(" ", "")
            continue
        if current is None and re.match(r"\s*chat\s*\.\s*theme\s*=", existing):
            lines[n] = "chat." + line
            return "\n".join(lines) + "\n"
        if current == "chat" and re.match(r"\s*theme\s*=", existing):
            lines[n] = line
            return "\n".join(lines) + "\n"
    for n, existing in enumerate(lines):
        if re.match(r"\s*\[\s*chat\s*\]", existing):
            lines.insert(n + 1, line)
            return "\n".join(lines) + "\n"
    if lines and lines[-1].strip():
        lines.append("")
    return "\n".join(lines + ["[chat]", line]) + "\n"


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped) + '"'
