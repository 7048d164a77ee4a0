"""Build the word-vector table shipped in ``askbrief/data/`` from wordllama (development only).

    pip install -e '.[vectors]'
    python tools/build_word_vectors.py                      # writes askbrief/data/words.npy, word_vectors.npy
    python tools/build_word_vectors.py --dims 128 --out /tmp/table   # a smaller variant, to measure

askbrief never imports wordllama: importing it costs over a second and pulls in tokenizers and
huggingface_hub, and the one-shot start-up must stay near the cost of importing numpy. So the
vectors are computed here once, for a general English vocabulary, and shipped as two ``.npy``
files that ``askbrief.meaning`` memory-maps:

- the vocabulary: every whole-word token of wordllama's tokenizer ("▁taking") that is lowercase
  ASCII letters, at least ``--min-len`` long, plus the words of Webster's Second word list
  (``--web2``) or of any ``--words`` file (one a line) that the tokenizer cuts into at most
  ``--max-pieces`` pieces (a word cut into many pieces is rare, and its averaged vector
  vague); sorted, fixed-width bytes, so a lookup is one ``np.searchsorted``;
- the vectors: wordllama's embedding of each word (its token embeddings averaged, as wordllama
  embeds any text), unit length, optionally projected on the top ``--dims`` principal axes,
  each row scaled so its largest component is ±127 and rounded to int8 (only directions matter:
  the soft match uses cosines).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def vocabulary(tokenizer, min_len: int, extra: list[str], max_pieces: int) -> list[str]:
    words = {t[1:] for t in tokenizer.get_vocab()
             if t.startswith("▁") and len(t) - 1 >= min_len and _plain(t[1:])}
    extra = sorted({w.strip().lower() for w in extra} - words)
    extra = [w for w in extra if len(w) >= min_len and _plain(w)]
    for i in range(0, len(extra), 4096):
        batch = extra[i:i + 4096]
        for w, enc in zip(batch, tokenizer.encode_batch(batch, add_special_tokens=False)):
            if sum(enc.attention_mask) <= max_pieces:  # ids are padded
                words.add(w)
    return sorted(words)


def _plain(w: str) -> bool:
    return w.isascii() and w.isalpha() and w.islower()


def quantise(vectors: np.ndarray) -> np.ndarray:
    """Each row scaled so its largest |component| is 127, rounded: int8, same directions."""
    peak = np.abs(vectors).max(axis=1, keepdims=True)
    peak[peak == 0] = 1.0
    return np.rint(vectors / peak * 127).astype(np.int8)


def project(vectors: np.ndarray, dims: int) -> np.ndarray:
    """The unit vectors on their top ``dims`` principal axes (uncentred, so dot products are
    kept as well as ``dims`` axes can), unit length again."""
    if dims >= vectors.shape[1]:
        return vectors
    _, _, vt = np.linalg.svd(vectors, full_matrices=False)
    out = vectors @ vt[:dims].T
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(ROOT / "askbrief" / "data"))
    ap.add_argument("--dims", type=int, default=256)
    ap.add_argument("--min-len", type=int, default=3)
    ap.add_argument("--words", action="append", default=[], help="more words, one a line")
    ap.add_argument("--web2", action="store_true",
                    help="more words: Webster's Second International word list (public domain), "
                         "from the english-words package")
    ap.add_argument("--max-pieces", type=int, default=2)
    args = ap.parse_args(argv)

    import wordllama
    from wordllama import WordLlama

    # the wheel ships its weights in its own folder: load them from there, never download
    wl = WordLlama.load(cache_dir=os.path.dirname(wordllama.__file__), disable_download=True)
    extra = [line for f in args.words for line in Path(f).read_text().split()]
    if args.web2:
        from english_words import get_english_words_set

        extra += get_english_words_set(["web2"], lower=True, alpha=True)
    words = vocabulary(wl.tokenizer, args.min_len, extra, args.max_pieces)
    vectors = wl.embed(words, norm=True).astype(np.float32)
    vectors = project(vectors, args.dims)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    width = max(len(w) for w in words)
    np.save(out / "words.npy", np.array([w.encode("ascii") for w in words], dtype=f"S{width}"))
    np.save(out / "word_vectors.npy", quantise(vectors))
    size = sum((out / f).stat().st_size for f in ("words.npy", "word_vectors.npy"))
    print(f"{len(words)} words, {vectors.shape[1]} dims, {size / 1e6:.2f} MB -> {out}"
          f" (wordllama {getattr(wordllama, '__version__', '?')})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
