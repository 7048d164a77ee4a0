from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Never touch the real home: history, caches and the config file go to a fresh tmp dir per test."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("ASKBRIEF_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("ASKBRIEF_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("ASKBRIEF_CONFIG", str(base / "config" / "config.toml"))
    monkeypatch.delenv("ASKBRIEF_CORPUS", raising=False)
    monkeypatch.delenv("ASKBRIEF_DEBUG", raising=False)
    yield base


@pytest.fixture(scope="session")
def seeds_assistant():
    import askbrief

    return askbrief.load([str(SEEDS)])


def assert_verbatim(answer, brief):
    """Every answer and every quote is an exact substring of the cited paragraph."""
    for c in answer.citations:
        doc = brief.document(c.doc)
        paras = [ch for ch in brief.chunks if ch.doc == c.doc and ch.paragraph == c.paragraph]
        assert paras, c
        para_text = doc.text[paras[0].para_start:paras[0].para_end]
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
    from askbrief.answer import answer_key, quantities, quantity, same_quantity

    key = answer_key(answer, m)
    if key and key in answer_key(quote, m):
        return True
    qa = quantity(answer)
    return bool(qa) and any(same_quantity(qa, qb) for qb in quantities(quote))
