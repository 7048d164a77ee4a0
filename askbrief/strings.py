"""A table of strings as two flat arrays (UTF-8 bytes and offsets): the index's vocabulary
and the brief's texts on disk, memory-mapped, read one string or one passage at a time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


class Strings(Sequence):
    """A table of strings kept as UTF-8 bytes end to end plus byte offsets: two flat arrays
    that can be memory-mapped, so a million strings cost nothing until one is read."""

    def __init__(self, blob: np.ndarray, ptr: np.ndarray):
        self.blob, self.ptr = blob, ptr
        # memoryviews: a binary search indexes them ~20 times, and they cost a tenth of NumPy's
        self._blob, self._ptr = memoryview(blob), memoryview(ptr)

    @classmethod
    def of(cls, strings: Iterable[str]) -> Strings:
        return cls.of_bytes([s.encode("utf-8", "surrogatepass") for s in strings])

    @classmethod
    def of_bytes(cls, data: list[bytes]) -> Strings:
        ptr = np.zeros(len(data) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in data], out=ptr[1:])
        return cls(np.frombuffer(b"".join(data), dtype=np.uint8), ptr)

    def __len__(self) -> int:
        return len(self.ptr) - 1

    def _bytes(self, a: int, b: int):
        """Bytes ``a:b`` of the blob (a memoryview; ``store.BlockTexts`` reads them from its file)."""
        return self._blob[a:b]

    def raw(self, i: int) -> bytes:
        return bytes(self._bytes(self._ptr[i], self._ptr[i + 1]))

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self.raw(i).decode("utf-8", "surrogatepass")

    def part(self, i: int, start: int, end: int) -> str:
        """Bytes ``start:end`` of string i, decoded (a passage of a document's text)."""
        a = self._ptr[i]
        return str(self._bytes(a + start, a + end), "utf-8", "surrogatepass")

    def __iter__(self):
        read, bounds = self._bytes, self._ptr
        for i in range(len(self)):
            yield str(read(bounds[i], bounds[i + 1]), "utf-8", "surrogatepass")

    def find(self, s: str, order: np.ndarray | None = None) -> int:
        """Position of ``s`` in a table sorted by UTF-8 bytes (or in the order ``order``
        gives), -1 when absent: a binary search, about 20 reads for a million strings."""
        key = s.encode("utf-8", "surrogatepass")
        lo, hi = 0, len(self)
        while lo < hi:
            mid = (lo + hi) // 2
            j = mid if order is None else int(order[mid])
            if self.raw(j) < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self):
            j = lo if order is None else int(order[lo])
            if self.raw(j) == key:
                return j
        return -1


def byte_order(strings: Sequence[str]) -> list[int]:
    """Positions of ``strings`` in the order ``Strings.find`` searches (UTF-8 byte order)."""
    return sorted(range(len(strings)), key=lambda i: strings[i].encode("utf-8", "surrogatepass"))
