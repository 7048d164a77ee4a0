"""Paths and checks the test modules share (``pythonpath`` in pyproject.toml makes this
importable as ``helpers``); the fixtures are in conftest.py."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = ROOT / "tests" / "data"


def brief_of(tmp_path, files: dict[str, str]):
    """An assistant on a brief of the given files (name -> text) written to ``tmp_path``."""
    import askbrief

    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return askbrief.load([str(tmp_path)], use_cache=False)


def assert_verbatim(answer, brief):
    """Every answer and every quote is an exact substring of the cited paragraph."""
    for c in answer.citations:
        para_text = brief.paragraph(c.doc, c.paragraph)
        assert para_text is not None, c
        assert para_text[c.start:c.end] == c.quote
    if answer.grade == "sentence":  # the sentence quoted whole, its marked span inside it
        assert answer.answer is None and answer.citations[0].quote == answer.evidence
        assert answer.highlight is None or answer.highlight in answer.evidence
    elif not answer.abstained:
        assert answer.answer and answer.citations
        # the span verbatim in the quotes; the answer is it with its whitespace folded
        assert answer.answer_quote in answer.evidence
        assert answer.answer_quote in answer.citations[0].quote
        assert answer.answer == " ".join(answer.answer_quote.split())
        for c in answer.citations[1:]:
            assert states_same(answer.answer, c.quote, _variants(brief)), (answer.answer, c.quote)


_VARIANTS: dict = {}


def _variants(brief):
    from askbrief.variants import term_map

    key = brief.fingerprint
    if key not in _VARIANTS:
        _VARIANTS[key] = term_map(brief)
    return _VARIANTS[key]


def states_same(answer: str, quote: str, m: dict) -> bool:
    """A corroborating quote states the answer: verbatim, in another spelling of the same name
    (name variants folded), or as the same quantity in other units."""
    if answer in quote:
        return True
    from askbrief.answer.quantities import answer_key, quantities, quantity, same_quantity

    key = answer_key(answer, m)
    if key and key in answer_key(quote, m):
        return True
    qa = quantity(answer)
    return bool(qa) and any(same_quantity(qa, qb) for qb in quantities(quote))


def one_shot_imports(argv: list[str], watched: set[str]):
    """Run ``askbrief ARGV`` in a fresh interpreter; its output ends with the sorted list of
    the modules it imported whose top-level name (or, for ``askbrief.x``, whose package) is in
    ``watched``: the start-up tests assert that list is empty."""
    import subprocess
    import sys

    code = ("import sys; from askbrief import cli; status = cli.run(%r); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in %r or m.rpartition('.')[0] in %r))"
            % (argv, watched, watched))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
