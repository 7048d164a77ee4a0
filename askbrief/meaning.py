"""Matching by meaning: word vectors and the soft match of a question's unmatched words.

People word questions their own way: "Who captured Gharyan?" of a sentence about "the taking
of Gharyan". BM25 only counts shared terms; the soft match adds, for every question word with
no exact partner in a sentence, its idf times its best cosine to any of the sentence's words
(kept above a threshold). Whole-sentence embeddings lose to BM25 on this data; the word-level
soft match lifts the sentence choice on freely worded questions from 55.4% to 66.2% top-1, and
leaves it as it was on questions in the article's own words (``tools/measure_sentence_choice.py``,
docs/quality.md).

The vectors are a table shipped inside the package (``askbrief/data/``, built by
``tools/build_word_vectors.py`` from wordllama's static token embeddings): a sorted vocabulary
of general English words and their int8 unit vectors, memory-mapped and opened on first use,
so no model is loaded or downloaded at run time and importing askbrief costs nothing more.
Vectors are for surface words, lowercased; a word the table lacks ("resigned") falls back to a
stem the table has ("resign") by removing a common inflection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import AskbriefError
from .text import fold, term

DATA_DIR = Path(__file__).resolve().parent / "data"
WORDS_FILE = "words.npy"
VECTORS_FILE = "word_vectors.npy"
# a cosine below this is no evidence of related meaning (tuned on the training questions)
THRESHOLD = 0.4

# inflections tried, in order, for a word the table lacks: (suffix, replacement)
_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"),
             ("es", ""), ("s", ""), ("ly", ""))


def _forms(word: str) -> Iterable[str]:
    """The word, then the stems it may be an inflection of ("stopped" -> "stopp", "stop")."""
    w = word[:-2] if word.endswith("'s") else word
    w = w.replace("'", "")
    yield w
    for suffix, repl in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            base = w[: len(w) - len(suffix)] + repl
            yield base
            if not repl and base[-1] == base[-2] and base[-1] not in "aeiouls":
                yield base[:-1]


class WordVectors:
    """The shipped table: ``vector(word)`` is a unit float32 vector, or None for an unknown word."""

    def __init__(self, directory: Path | str = DATA_DIR, inflections: bool = True):
        """``inflections``: look a word the table lacks up by its stems too."""
        directory = Path(directory)
        self.inflections = inflections
        try:
            # plain ndarray views of the mapped files: np.memmap's subclass hooks slow every gather
            self.words = np.asarray(np.load(directory / WORDS_FILE, mmap_mode="r"))
            self.table = np.asarray(np.load(directory / VECTORS_FILE, mmap_mode="r"))
            sound = (self.words.dtype.kind == "S" and self.table.dtype == np.int8
                     and self.table.ndim == 2 and len(self.table) == len(self.words))
        except (OSError, ValueError) as e:
            raise AskbriefError(f"cannot read the word vectors in {directory}: "
                                f"{getattr(e, 'strerror', None) or e}; reinstall askbrief") from None
        if not sound:
            raise AskbriefError(f"the word vectors in {directory} are damaged; reinstall askbrief")
        self.dims = self.table.shape[1]
        self._width = self.words.dtype.itemsize
        self._cache: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.words)

    def row(self, key: str) -> int | None:
        """The table row of a lowercase word, exactly as spelled."""
        b = key.encode("ascii", "ignore")
        if not b or len(b) > self._width or len(b) != len(key):
            return None
        i = int(np.searchsorted(self.words, b))
        return i if i < len(self.words) and self.words[i] == b else None

    def row_of(self, word: str) -> int:
        """The table row of a word as written (case, accents, "'s" and inflections looked
        through), -1 when the table lacks it; remembered per process."""
        r = self._cache.get(word)
        if r is None:
            w = fold(word)
            r = self._cache.get(w)
            if r is None:
                forms = _forms(w) if self.inflections else (w,)
                r = next((j for f in forms if (j := self.row(f)) is not None), -1)
                self._cache[w] = r
            self._cache[word] = r
        return r

    def rows(self, rows: Sequence[int]) -> np.ndarray:
        """Unit float32 vectors of table rows, one a row: a single gather from the mapped file."""
        if not len(rows):
            return np.empty((0, self.dims), dtype=np.float32)
        m = self.table[np.asarray(rows)].astype(np.float32)
        m /= np.sqrt(np.einsum("ij,ij->i", m, m))[:, None]
        return m

    def vector(self, word: str) -> np.ndarray | None:
        r = self.row_of(word)
        return None if r < 0 else self.rows([r])[0]

    def matrix(self, words: Iterable[str]) -> np.ndarray:
        """The unit vectors of the words the table knows, one a row (0 rows if none)."""
        return self.rows([r for w in words if (r := self.row_of(w)) >= 0])


@lru_cache(maxsize=1)
def word_vectors() -> WordVectors:
    """The shipped table, opened once per process on first use."""
    return WordVectors()


def similarity(a: str, b: str, vectors: WordVectors | None = None) -> float:
    """Cosine of two words' vectors; 0.0 when the table knows either word not."""
    vectors = vectors or word_vectors()
    va, vb = vectors.vector(a), vectors.vector(b)
    if va is None or vb is None:
        return 0.0
    return float(va @ vb)


def soft_match(question_words: Sequence[str], sentence_words: Sequence[str],
               idf: Callable[[str], float], threshold: float = THRESHOLD,
               key: Callable[[str], str] = term, vectors=None) -> float:
    """Σ idf(term) × best cosine to any sentence word, over the question's content words whose
    term the sentence lacks, each term counted once; a best cosine at or below ``threshold``
    adds nothing. Words are surface words as written ("captured"); ``idf`` takes a term.

    ``key`` maps a word to its term ('' for a stopword): pass the index's variant map composed
    with ``text.term`` so that "Hifter" counts as an exact partner of "Haftar"."""
    return sum((i * best for i, best in partners(question_words, sentence_words, idf, key, vectors)
                if best > threshold), 0.0)


def partners(question_words: Sequence[str], sentence_words: Sequence[str],
             idf: Callable[[str], float], key: Callable[[str], str] = term,
             vectors=None) -> list[tuple[float, float]]:
    """(idf, best cosine to any sentence word) of each question term the sentence lacks and the
    table knows: what ``soft_match`` sums, kept apart so a threshold can be tuned on it."""
    vectors = vectors or word_vectors()
    have = set()
    content = []
    for w in sentence_words:
        k = key(w)
        if k:
            have.add(k)
            content.append(w)
    missing = {}
    for w in question_words:
        k = key(w)
        if k and k not in have and k not in missing:
            missing[k] = w
    if not missing or not content:
        return []
    found = [(k, r) for k, w in missing.items() if (r := vectors.row_of(w)) >= 0]
    m = vectors.matrix(content)
    if not found or not len(m):
        return []
    best = (vectors.rows([r for _, r in found]) @ m.T).max(axis=1)
    return [(idf(k), float(b)) for (k, _), b in zip(found, best)]


def soft_scores(question_words: Sequence[str], sentences: Sequence[Sequence[str]],
                idf: Callable[[str], float], threshold: float = THRESHOLD,
                key: Callable[[str], str] = term, vectors=None) -> np.ndarray:
    """``soft_match`` of one question against many sentences (word lists), equal to calling it
    for each, but with every cosine from one matrix product: the form for choosing among a
    question's candidate sentences."""
    vectors = vectors or word_vectors()
    out = np.zeros(len(sentences))
    asked: dict[str, int] = {}
    for w in question_words:
        k = key(w)
        if k and k not in asked:
            asked[k] = vectors.row_of(w)
    asked = {k: r for k, r in asked.items() if r >= 0}
    if not asked:
        return out
    column: dict[int, int] = {}
    per_sentence = []
    for words_ in sentences:
        keys, cols = set(), []
        for w in words_:
            k = key(w)
            if k:
                keys.add(k)
                r = vectors.row_of(w)
                if r >= 0:
                    cols.append(column.setdefault(r, len(column)))
        per_sentence.append((keys, cols))
    if not column:
        return out
    cos = vectors.rows(list(asked.values())) @ vectors.rows(list(column)).T
    weights = np.array([idf(k) for k in asked])
    names = list(asked)
    for i, (keys, cols) in enumerate(per_sentence):
        if not cols:
            continue
        best = cos[:, cols].max(axis=1)
        keep = (best > threshold) & np.array([k not in keys for k in names])
        out[i] = float(weights[keep] @ best[keep])
    return out
