"""The index cache directory: files written whole or not at all, damage reported, old files
collected.

Files are written under a temporary name and renamed (mode 0600, directories 0700), so a crash
never leaves half an index under a real name. A file that is damaged, foreign or unreadable is
reported (one warning) and rebuilt; a directory that cannot be written is done without.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from . import store as S
from .manifest import FORMAT, CacheDamaged, Entry, Summary, code_version, dump_files, parse_files

if TYPE_CHECKING:
    from .cache import Report

_TMP_MAX_AGE = 3600.0


class CacheDir:
    """The index directory; ``writable`` turns False (with one warning) at the first failure."""

    def __init__(self, path: Path):
        self.dir = path
        self.writable = True

    @classmethod
    def open(cls, report: Report) -> CacheDir | None:
        from .errors import LocationError
        from .paths import index_dir

        try:
            return cls(index_dir())
        except LocationError as e:
            report.warnings.append(f"index cache unavailable ({e}); indexing without it")
            return None

    def _damaged(self, name: str, why: BaseException | str, report: Report) -> None:
        if isinstance(why, CacheDamaged):
            report.warnings.append(f"index cache {name} was {why}; rebuilt")
        else:
            report.warnings.append(f"index cache {name} was damaged ({_short(why)}); rebuilt")

    def _read_json(self, name: str, parse: Callable, report: Report):
        path = self.dir / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as e:
            self._damaged(name, e.strerror or str(e), report)
            return None
        try:
            return parse(data)
        except (ValueError, TypeError, KeyError, CacheDamaged) as e:
            self._damaged(name, e, report)
            return None

    def read_summary(self, key: str, report: Report) -> Summary | None:
        return self._read_json(f"brief-{key}.json", Summary.parse, report)

    def write_summary(self, key: str, summary: Summary, report: Report) -> bool:
        data = summary.dump()
        return self._write(f"brief-{key}.json", lambda f: f.write(data), report)

    def read_files(self, key: str, fp: str, report: Report) -> list[Entry] | None:
        return self._read_json(f"files-{key}.json", lambda data: parse_files(data, fp), report)

    def write_files(self, key: str, entries: list[Entry], fp: str, report: Report) -> bool:
        data = dump_files(entries, fp)
        return self._write(f"files-{key}.json", lambda f: f.write(data), report)

    def open_index(self, fp: str, report: Report) -> S.Stored | None:
        path = self.dir / f"index-{fp}"
        try:
            return S.open_stored(path, {"format": FORMAT, "code": code_version(), "fingerprint": fp})
        except FileNotFoundError:
            return None
        except S.Foreign as e:
            self._damaged(path.name, CacheDamaged(str(e)), report)
        except Exception as e:  # noqa: BLE001  (any damage at all means: rebuild)
            self._damaged(path.name, e, report)
        return None

    def write_index(self, fp: str, stored: S.Stored, report: Report) -> bool:
        meta = {"format": FORMAT, "code": code_version(), "fingerprint": fp}
        return self._write(f"index-{fp}", lambda d: S.write_stored(d, stored, meta), report, directory=True)

    def read_map(self, fp: str, fn_key: str, report: Report) -> dict[str, str] | None:
        def parse(data):
            obj = json.loads(data)
            if not (isinstance(obj, dict) and obj.get("format") == FORMAT and obj.get("fingerprint") == fp
                    and isinstance(obj.get("map"), dict)
                    and all(isinstance(k, str) and isinstance(v, str) for k, v in obj["map"].items())):
                raise ValueError("not a term map for this index")
            return obj["map"]

        return self._read_json(f"map-{fp}-{fn_key}.json", parse, report)

    def write_map(self, fp: str, fn_key: str, mapping: dict[str, str], report: Report) -> bool:
        data = json.dumps({"format": FORMAT, "fingerprint": fp, "map": mapping}, ensure_ascii=False)
        return self._write(f"map-{fp}-{fn_key}.json", lambda f: f.write(data.encode("utf-8", "surrogatepass")),
                           report)

    # writing and cleaning

    def _write(self, name: str, fill: Callable, report: Report, directory: bool = False) -> bool:
        """Fill a temporary file (or directory) and rename it to ``name``."""
        if not self.writable:
            return False
        import tempfile

        tmp = None
        try:
            if directory:
                tmp = tempfile.mkdtemp(dir=self.dir, prefix=".tmp-")  # 0700
                fill(Path(tmp))
                self._place(Path(tmp), self.dir / name)
            else:
                fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-", suffix=Path(name).suffix)
                with os.fdopen(fd, "wb") as f:  # mkstemp made it 0600
                    fill(f)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.dir / name)
            return True
        except OSError as e:
            if tmp:
                with contextlib.suppress(OSError):
                    shutil.rmtree(tmp) if directory else os.unlink(tmp)
            self.writable = False
            report.warnings.append(f"cannot write the index cache in {self.dir} ({e.strerror or e}); "
                                   "answering without it")
            return False

    def _place(self, tmp: Path, target: Path) -> None:
        """Rename a finished index directory into place. Another process may have put the
        same content there meanwhile (then ours goes); a damaged one is set aside first."""
        import errno
        import tempfile

        try:
            os.rename(tmp, target)
            return
        except OSError as e:
            if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
        try:
            S.open_stored(target, {"format": FORMAT, "code": code_version()})
            shutil.rmtree(tmp, ignore_errors=True)
            return
        except Exception:  # noqa: BLE001  (damaged: replace it)
            pass
        trash = tempfile.mkdtemp(dir=self.dir, prefix=".tmp-")
        with contextlib.suppress(FileNotFoundError):
            os.rename(target, Path(trash) / "old")
        try:
            os.rename(tmp, target)
        except OSError as e:
            if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
            shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(trash, ignore_errors=True)

    def collect(self) -> None:
        """Remove index files no brief refers to any more, and stale temporary files."""
        keep = set()
        for m in self.dir.glob("brief-*.json"):
            try:
                keep.add(json.loads(m.read_bytes()).get("fingerprint"))
            except (OSError, ValueError, AttributeError):
                continue
        now = time.time()
        for f in self.dir.iterdir():
            name = f.name
            try:
                if name.startswith(("index-", "map-")):
                    if name.split("-")[1].split(".")[0] not in keep:
                        shutil.rmtree(f) if f.is_dir() else f.unlink()
                elif name.startswith(".tmp-") and now - f.stat().st_mtime > _TMP_MAX_AGE:
                    shutil.rmtree(f) if f.is_dir() else f.unlink()
            except OSError:
                continue


def _short(e: BaseException | str) -> str:
    if isinstance(e, str):
        return e
    text = str(e).splitlines()[0] if str(e) else ""
    return f"{type(e).__name__}: {text[:80]}" if text else type(e).__name__

