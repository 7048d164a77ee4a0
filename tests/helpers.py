"""Paths and checks the test modules share (``pythonpath`` in pyproject.toml makes this
importable as ``helpers``); the fixtures are in conftest.py."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = ROOT / "tests" / "data"


def assert_verbatim(answer, brief):
    """Every answer and every quote is an exact substring of the cited paragraph."""
    for c in answer.citations:
        para_text = brief.paragraph(c.doc, c.paragraph)
        assert para_text is not None, c
        assert para_text[c.start:c.end] == c.quote
    if not answer.abstained:
        assert answer.answer and answer.citations
        assert answer.answer in answer.evidence
        assert answer.answer in answer.citations[0].quote
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
