"""Fixtures every test module may use: isolated user directories (autouse), the bundled
brief loaded once, a history store, and the one builder of answers and citations."""

import pytest

from helpers import SEEDS


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


@pytest.fixture
def history_clock():
    """The history store's clock; a module whose pictures need fixed times overrides it."""
    from askbrief.history import utc_now

    return utc_now


@pytest.fixture
def store(tmp_path, history_clock):
    """A history store in a fresh file, closed after the test."""
    from askbrief.history import HistoryStore

    st = HistoryStore(tmp_path / "history.db", clock=history_clock)
    yield st
    st.close()


def _citation(quote: str, doc: str = "d", paragraph: int = 0, start: int = 0, *, title: str = "t",
              date: str | None = None):
    from askbrief.models import Citation

    return Citation(doc=doc, title=title, date=date, paragraph=paragraph, start=start,
                    end=start + len(quote), quote=quote)


def _answer(question: str, answer: str | None, *citations, confidence: float | None = None,
            retrieved=(), resolved=None):
    """An Answer as the assistant gives one: abstained when ``answer`` is None, its evidence
    the first citation's quote, confidence 0.9 (0.1 for an abstention) unless given."""
    from askbrief.models import Answer, Retrieved

    return Answer(question=question, answer=answer, abstained=answer is None,
                  confidence=(0.9 if answer is not None else 0.1) if confidence is None else confidence,
                  evidence=citations[0].quote if answer is not None and citations else None,
                  citations=list(citations),
                  retrieved=[Retrieved(doc=d, paragraph=p, score=1.0) for d, p in retrieved],
                  elapsed_ms=1.0, resolved=dict(resolved or {}))


@pytest.fixture
def make_citation():
    """``make_citation(quote, doc, paragraph, start, title=, date=)``: a Citation of ``quote``."""
    return _citation


@pytest.fixture
def make_answer():
    """``make_answer(question, answer_or_None, *citations, confidence=, retrieved=[(doc, ¶)],
    resolved=)``: an Answer without running the assistant."""
    return _answer
