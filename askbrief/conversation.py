"""Conversations: follow-up questions resolved against earlier turns, and the saved history.

Follow-ups. A question that leans on the conversation ("How far is it from Tripoli?" after
"Who took Gharyan?") is resolved with the entities of the previous turn: the capitalised
name runs of its question, of its answer and of its evidence. A pronoun is matched by type:
he/she/his/her want a person, it/there/"the town" a place or thing, and a name the question
already contains is never its own referent. The referent's index terms are added to the
retrieval query and to answer scoring; the answer records what the reference was taken to mean.

History. One SQLite file (standard-library ``sqlite3``, WAL) holds conversations and their
turns, each turn with the full answer JSON. The schema is a list of numbered migrations;
``PRAGMA user_version`` records how many were applied, and opening the store applies the
rest in one transaction. Every write is one ``BEGIN IMMEDIATE`` transaction committed at
once, so several processes can write together (they wait for each other up to
``BUSY_TIMEOUT_S``) and a killed process loses only the turn it had not committed. A file
that is not a database, or fails SQLite's quick check, is never written to: opening it
raises HistoryError naming it, and the caller answers without saving.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ValidationError

from .errors import HistoryDamaged, HistoryError
from .models import Answer, Conversation, ConversationSummary, Turn
from .text import STOPWORDS, fold, tokenize

# --- follow-up resolution ----------------------------------------------------------

PERSON, PLACE, THING, GROUP = "person", "place", "thing", "group"

# reference word -> the kind of thing it can stand for
_PRONOUNS = {
    "he": PERSON, "him": PERSON, "his": PERSON, "himself": PERSON,
    "she": PERSON, "her": PERSON, "hers": PERSON, "herself": PERSON,
    "it": THING, "its": THING, "itself": THING,
    "there": PLACE,
    "they": GROUP, "them": GROUP, "their": GROUP, "theirs": GROUP, "themselves": GROUP,
}
_POSSESSIVES = {"his", "her", "hers", "its", "their", "theirs"}
# "the town", "this man", "that group": a demonstrative and a noun naming a kind
_KIND_NOUNS = {
    # not "the capital" or "the country": those name one place of their own
    PLACE: "town city village region area place district province port airport base".split(),
    PERSON: "man woman president leader minister commander general spokesman spokeswoman official "
            "envoy aide premier prime king prince marshal".split(),
    GROUP: "group forces army militia militias government party force troops side".split(),
    THING: "conference meeting offensive attack operation plan deal agreement talks event "
           "report statement war campaign".split(),
}
_NOUN_KIND = {noun: kind for kind, nouns in _KIND_NOUNS.items() for noun in nouns}
_DEMONSTRATIVE_RE = re.compile(r"\b(the|this|that|these|those)\s+([a-z]+)\b", re.I)
_REFERENCE_RE = re.compile(r"\b(" + "|".join(sorted(_PRONOUNS, key=len, reverse=True)) + r")\b", re.I)
# "it" and "there" that stand for nothing: "how long did it take", "is there a ..."
_DUMMY_IT_RE = re.compile(r"\bit\s+(?:take|takes|took|taken|rain\w*|seem\w*|appear\w*|matter\w*|mean|means)\b"
                          r"|\b(?:is|was)\s+it\s+(?:true|possible|likely|known|clear)\b"
                          r"|\bit\s+(?:is|was)\s+(?:true|possible|likely|known|clear|said|reported|believed)\b",
                          re.I)
_BE = r"(?:is|are|was|were|be|been|has|have|had|will|would|could|might|may|should|seem\w*|appear\w*)"
_DUMMY_THERE_RE = re.compile(rf"\bthere\s+{_BE}\b|\b{_BE}\s+there\s+\w", re.I)
_ELLIPSIS_RE = re.compile(r"^\s*(?:and|but|also|what about|how about|what of|and what about)\b", re.I)

_WH_KIND = [(re.compile(r"\b(?:who|whom|whose)\b", re.I), PERSON),
            (re.compile(r"\bwhere\b|\b(?:what|which) (?:city|town|country|place|region)\b", re.I), PLACE)]

# capitalised words that start no name, and titles that mark a person
_NOT_NAMES = {w.capitalize() for w in STOPWORDS} | {
    "The", "A", "An", "How", "Who", "What", "When", "Where", "Why", "Which", "Did", "Do", "Does",
    "Is", "Are", "Was", "Were", "Has", "Have", "Can", "Could", "Will", "Would", "Should", "And",
    "But", "Or", "If", "In", "On", "At", "To", "From", "By", "For", "With", "Of", "As", "After",
    "Before", "Since", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"}
_TITLES = {"president", "prime", "minister", "mr", "mrs", "ms", "dr", "gen", "general", "marshal",
           "field", "king", "queen", "prince", "princess", "sheikh", "colonel", "col", "commander",
           "lt", "sgt", "capt", "maj", "spokesman", "spokeswoman", "secretary-general", "envoy",
           "ambassador", "sen", "senator", "gov", "governor", "pope", "sir", "lady", "lord",
           "judge", "chancellor", "premier", "emir", "sultan", "ayatollah", "chief"}
_PARTICLES = {"al", "el", "bin", "ibn", "abu", "de", "da", "di", "du", "van", "von", "der", "la",
              "le", "of", "for", "and"}
_NAME_WORD_RE = re.compile(r"[^\W\d_][\w'’.\-]*(?<![.\-])", re.UNICODE)
_PLACE_BEFORE = {"in", "at", "from", "to", "near", "into", "toward", "towards", "outside", "inside",
                 "around", "across", "through", "via", "reach", "reached", "entered", "capital"}
_PLACE_NOUN_OF_RE = re.compile(r"\b(?:town|city|village|capital|region|province|country|port) of\s*$", re.I)
_PERSON_AFTER = {"said", "says", "told", "announced", "added", "resigned", "declared", "warned",
                 "insisted", "urged", "wrote", "tweeted", "ordered", "met", "spoke", "vowed"}
_PERSON_POSSESSED = {"forces", "troops", "men", "army", "fighters", "spokesman", "aide", "aides",
                     "wife", "son", "father", "brother", "office", "supporters", "loyalists"}
MAX_LOOKBACK = 3
CORPUS_SAMPLES = 8


@dataclass
class Resolution:
    """What a follow-up question leans on: terms to add, and what each reference meant."""

    extra_terms: list[str] = field(default_factory=list)
    resolved: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.extra_terms or self.resolved)


@dataclass
class _Entity:
    name: str        # as shown: "Abdelaziz Bouteflika" (titles dropped)
    terms: frozenset[str]
    titled: bool     # preceded or led by a person's title ("President ...")
    start: int = 0   # position in the text it came from


def entities(text: str) -> list[_Entity]:
    """Runs of capitalised words (with name particles inside) in text, in order."""
    out: list[_Entity] = []
    words = [(m.start(), m.end(), m.group()) for m in _NAME_WORD_RE.finditer(text)]
    i = 0
    while i < len(words):
        start, end, w = words[i]
        if not _capital(w) or w.rstrip("'’s") in _NOT_NAMES and not _possessive(w):
            i += 1
            continue
        run = [(start, end, w)]
        k = i + 1
        while k < len(words) and not _possessive(run[-1][2]):
            gap = text[run[-1][1]:words[k][0]]
            nxt = words[k][2]
            if gap not in (" ", "-"):
                break
            if _capital(nxt) and nxt not in _NOT_NAMES:
                run.append(words[k])
            elif nxt.lower() in _PARTICLES and k + 1 < len(words) and _capital(words[k + 1][2]):
                run.append(words[k])
            else:
                break
            k += 1
        i = k
        # "UN Secretary-General Antonio Guterres": the name is what follows the last title
        last_title = max((n for n, r in enumerate(run) if _title_word(r[2])), default=-1)
        titled = last_title >= 0
        run = run[last_title + 1:]
        if not run:
            continue
        name = text[run[0][0]:run[-1][1]]
        name = re.sub(r"['’]s$", "", name)
        before = text[max(0, run[0][0] - 40):run[0][0]].split()
        if before and _title_word(before[-1]):
            titled = True
        terms = frozenset(tokenize(name))
        if terms and sum(c.isalnum() for c in name) >= 2:  # not "N" of a broken "U.N."
            out.append(_Entity(name, terms, titled, run[0][0]))
    return out


def _title_word(word: str) -> bool:
    w = word.lower().rstrip(".")
    return w in _TITLES or w.rsplit("-", 1)[-1] in _TITLES


def _capital(word: str) -> bool:
    return word[:1].isupper() or word[:3].lower() in ("al-", "el-")


def _possessive(word: str) -> bool:
    return word.endswith(("'s", "’s"))


def _kind(entity: _Entity, texts: Sequence[str]) -> str | None:
    """PERSON or PLACE from how the name is used in texts; None when they do not say."""
    if entity.titled:
        return PERSON
    person = place = 0
    pattern = re.compile(r"(?<![\w-])" + re.escape(entity.name) + r"(?:['’]s)?(?![\w-])")
    for text in texts:
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 40):m.start()]
            prev = before.split()[-1].lower().rstrip(".,") if before.split() else ""
            after = text[m.end():m.end() + 30].split()
            nxt = after[0].lower().strip(".,;:") if after else ""
            possessive = m.group().endswith(("'s", "’s"))
            if prev in _TITLES:
                person += 2
            if nxt in _PERSON_AFTER:
                person += 1
            if possessive and nxt in _PERSON_POSSESSED:
                person += 1
            if not possessive and (prev in _PLACE_BEFORE or _PLACE_NOUN_OF_RE.search(before)):
                place += 2 if _PLACE_NOUN_OF_RE.search(before) else 1
    if person > place:
        return PERSON
    if place > person:
        return PLACE
    return None


def _fits(want: str, kind: str | None) -> bool:
    if want == PERSON:
        return kind == PERSON
    if want == PLACE:
        return kind in (PLACE, None)
    if want == GROUP:
        return kind is None
    return kind != PERSON  # it, "this offensive": not a person


def _references(question: str) -> list[tuple[str, str, int]]:
    """(reference as written, wanted kind, position) for each reference in the question."""
    dummies = [m.span() for m in _DUMMY_IT_RE.finditer(question)]
    dummies += [m.span() for m in _DUMMY_THERE_RE.finditer(question)]
    refs = []
    for m in _REFERENCE_RE.finditer(question):
        if any(a <= m.start() < b for a, b in dummies):
            continue
        refs.append((m.group(1), _PRONOUNS[m.group(1).lower()], m.start()))
    for m in _DEMONSTRATIVE_RE.finditer(question):
        kind = _NOUN_KIND.get(m.group(2).lower())
        # "the militias" is content; "the town", "the president", "this offensive" point back
        if kind in (GROUP, THING) and m.group(1).lower() == "the":
            continue
        if kind and not _names_after(question, m.end()):
            refs.append((m.group(0), kind, m.start()))
    return sorted(refs, key=lambda r: r[2])


def _names_after(question: str, pos: int) -> bool:
    """'the town of Gharyan', 'the city Tripoli': the noun is followed by its own name."""
    rest = question[pos:pos + 40]
    return bool(re.match(r"\s+(?:of\s+)?[A-Z]", rest))


def _wh_kind(question: str) -> str:
    for rx, kind in _WH_KIND:
        if rx.search(question):
            return kind
    return THING


def _spelled_out(answer: Answer) -> str:
    """The previous question with its own references replaced by what they meant."""
    q = answer.question
    for ref, meaning in answer.resolved.items():
        if ref in _PRONOUNS or _DEMONSTRATIVE_RE.fullmatch(ref):
            q = re.sub(rf"\b{re.escape(ref)}\b", meaning, q, count=1, flags=re.I)
    return q


def _candidates(answer: Answer, want: str) -> list[_Entity]:
    """Entities of one earlier turn in order of preference for a reference of kind ``want``.

    The answer to a "who" question is the first choice for a person; for anything else the
    question's own entities come first (the thing it asked about), then the answer's, then
    those of the evidence.
    """
    question = _spelled_out(answer)
    from_question = entities(question)
    from_answer = entities(answer.answer or "") if not answer.abstained else []
    from_evidence = entities(answer.evidence or "") if not answer.abstained else []
    asked = _wh_kind(answer.question)
    if want == PERSON and asked == PERSON:
        return from_answer + from_question + from_evidence
    if want == GROUP:
        # "they": who did it, or a group the question named; not any name of the evidence
        whole = []
        if asked == PERSON and answer.answer and not answer.abstained:
            whole = [_Entity(answer.answer, frozenset(tokenize(answer.answer)), False)]
        return whole + from_question
    if want == PERSON:
        return from_question + from_answer + from_evidence
    # a place or a thing: what the question was about, then what it was answered with
    answers_thing = asked in (PLACE, THING)
    return from_question + (from_answer if answers_thing else []) + from_evidence


def _context_texts(context: Sequence[Answer]) -> list[str]:
    texts = []
    for a in context[-MAX_LOOKBACK:]:
        texts.append(a.question)
        texts.extend(c.quote for c in a.citations)
    return texts


def _corpus_texts(name: str, index) -> list[str]:
    """A few passages of the brief that use the name, to tell a person from a place."""
    if index is None:
        return []
    from .retrieve import search

    hits = search(index, tokenize(name), CORPUS_SAMPLES)
    return [index.brief.chunks[h.chunk].text for h in hits]


def resolve(question: str, context: Sequence[Answer], index=None) -> Resolution:
    """What a follow-up question refers to in the conversation so far (oldest first).

    A self-contained question resolves to nothing. ``index`` (the brief's), when given, lets
    the resolver see how a name is used in the brief (person or place).
    """
    res = Resolution()
    if not context:
        return res
    own_terms = set(tokenize(question))
    own_entities = entities(question)
    kinds: dict[str, str | None] = {}
    base_texts = _context_texts(context)

    def kind_of(e: _Entity) -> str | None:
        if e.name not in kinds:
            kinds[e.name] = _kind(e, base_texts + _corpus_texts(e.name, index))
        return kinds[e.name]

    taken: set[frozenset[str]] = set()
    for ref, want, pos in _references(question):
        if ref.lower() in res.resolved or ref in res.resolved:
            continue
        # "Did Haftar say he would stop?": a fitting name before the pronoun is its referent
        before = [e for e in own_entities if e.start < pos]
        if want == PERSON and any(kind_of(e) == PERSON for e in before):
            continue
        if ref.lower() in _POSSESSIVES and want != PERSON and any(kind_of(e) != PERSON for e in before):
            continue
        choice = None
        for earlier in reversed(context[-MAX_LOOKBACK:]):
            for e in _candidates(earlier, want):
                if e.terms <= own_terms or e.terms in taken:
                    continue
                kind = kind_of(e)
                if not _answer_fits(earlier, e, want, kind) and not _fits(want, kind):
                    continue
                choice = e
                break
            if choice:
                break
        if choice is None:
            continue
        taken.add(choice.terms)
        res.resolved[ref] = choice.name
        for t in tokenize(choice.name):
            if t not in own_terms and t not in res.extra_terms:
                res.extra_terms.append(t)
    if not res.resolved and (_ELLIPSIS_RE.match(question) or not own_terms):
        # "And Tripoli?", "Why?": the previous question, minus what this one replaces
        prev = context[-1]
        replaced: set[str] = set()
        if own_entities:
            for e in entities(_spelled_out(prev)):
                replaced |= e.terms
        extra = [t for t in dict.fromkeys(tokenize(_spelled_out(prev)))
                 if t not in own_terms and t not in replaced]
        if extra:
            res.extra_terms = extra
            res.resolved["context"] = prev.question
    return res


def _answer_fits(answer: Answer, e: _Entity, want: str, kind: str | None) -> bool:
    """The answer to a "who" question is a person (or a group), unless the brief uses the
    name as a place."""
    if answer.abstained or not answer.answer or e.name not in answer.answer:
        return False
    return want in (PERSON, GROUP) and _wh_kind(answer.question) == PERSON and kind != PLACE


# --- history store -----------------------------------------------------------------

BUSY_TIMEOUT_S = 10.0
TITLE_MAX = 200

# Each entry moves the schema one version up; never edit one that has shipped, add another.
MIGRATIONS: list[tuple[str, ...]] = [
    # 1: the first schema
    (
        """CREATE TABLE conversations (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               title TEXT NOT NULL,
               created TEXT NOT NULL)""",
        """CREATE TABLE turns (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
               question TEXT NOT NULL,
               answer_json TEXT NOT NULL,
               fingerprint TEXT NOT NULL,
               time TEXT NOT NULL)""",
    ),
    # 2: conversations know when they last changed (newest-first lists without a scan)
    (
        "ALTER TABLE conversations ADD COLUMN updated TEXT",
        """UPDATE conversations SET updated = coalesce(
               (SELECT max(time) FROM turns WHERE turns.conversation_id = conversations.id), created)""",
        "CREATE INDEX turns_by_conversation ON turns(conversation_id, id)",
        "CREATE INDEX conversations_by_updated ON conversations(updated)",
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _title(question: str) -> str:
    t = " ".join(question.split())
    return t if len(t) <= TITLE_MAX else t[: TITLE_MAX - 1].rstrip() + "…"


def _touch_private(path: Path) -> None:
    """Create the file owner-only (0600) if it is missing; tighten it if it exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as e:
        raise HistoryError(f"cannot create the history file {path}: {e.strerror or e}") from e
    _chmod_private(path)


def _chmod_private(path: Path) -> None:
    try:
        if path.exists() and (path.stat().st_mode & 0o077):
            os.chmod(path, 0o600)
    except OSError:
        pass


class HistoryStore:
    """Saved conversations in one SQLite file (default: ``paths.history_path()``)."""

    def __init__(self, path: Path | str | None = None):
        if path is None:
            from .paths import history_path

            path = history_path()
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        if self.path.is_dir():
            raise HistoryError(f"the history file {self.path} is a directory")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _touch_private(self.path)
        try:
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._db.create_function("askbrief_fold", 1, _fold_sql, deterministic=True)
            self._check()
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except HistoryError:
            self.close()
            raise
        except sqlite3.Error as e:
            self.close()
            raise self._error(e) from e
        for suffix in ("-wal", "-shm"):
            _chmod_private(self.path.with_name(self.path.name + suffix))

    # -- opening ------------------------------------------------------------------

    def _error(self, e: sqlite3.Error) -> HistoryError:
        msg = str(e)
        if isinstance(e, sqlite3.OperationalError) and "locked" in msg:
            return HistoryError(f"the history file {self.path} stayed locked by another process "
                                f"for {BUSY_TIMEOUT_S:.0f} s")
        if isinstance(e, sqlite3.OperationalError) and not _damage(msg):
            return HistoryError(f"the history file {self.path} cannot be used: {msg}")
        return HistoryDamaged(f"the history file {self.path} is damaged ({msg}); it was kept as is",
                              self.path)

    def _check(self) -> None:
        """Read-only checks before anything is written: a database, sound, not from the future."""
        db = self._db
        assert db is not None
        version = db.execute("PRAGMA user_version").fetchone()[0]  # reads the header
        if version > SCHEMA_VERSION:
            raise HistoryDamaged(f"the history file {self.path} was written by a newer askbrief "
                                 f"(schema {version}; this one knows {SCHEMA_VERSION}); it was kept as is",
                                 self.path)
        rows = db.execute("PRAGMA quick_check(1)").fetchall()
        if rows != [("ok",)]:
            raise sqlite3.DatabaseError(f"quick_check: {rows[0][0] if rows else 'no result'}")
        # one read transaction, so a migration committed meanwhile is seen whole or not at all
        db.execute("BEGIN")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            self._refuse_foreign(version)
        finally:
            db.execute("COMMIT")

    def _refuse_foreign(self, version: int) -> None:
        """An unversioned database with tables was written by something else: leave it be."""
        if version:
            return
        tables = {r[0] for r in self._conn().execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
        if tables:
            raise HistoryDamaged(f"the history file {self.path} is a database askbrief did not "
                                 f"write (tables: {', '.join(sorted(tables))}); it was kept as is",
                                 self.path)

    def _migrate(self) -> None:
        db = self._db
        assert db is not None
        if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            # another process may have migrated while we waited for the lock
            version = db.execute("PRAGMA user_version").fetchone()[0]
            self._refuse_foreign(version)
            for n in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[n]:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {n + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @property
    def version(self) -> int:
        return self._conn().execute("PRAGMA user_version").fetchone()[0]

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise HistoryError(f"the history file {self.path} is closed")
        return self._db

    # -- writing --------------------------------------------------------------------

    def add_turn(self, conversation_id: int | None, answer: Answer, fingerprint: str) -> int:
        """Save one turn, committed before returning; a new conversation when the id is None.
        Returns the conversation's id."""
        db = self._conn()
        now = _now()
        payload = answer.model_dump_json()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                if conversation_id is None:
                    cur = db.execute("INSERT INTO conversations (title, created, updated) VALUES (?, ?, ?)",
                                     (_title(answer.question), now, now))
                    conversation_id = int(cur.lastrowid)
                elif db.execute("UPDATE conversations SET updated = ? WHERE id = ?",
                                (now, conversation_id)).rowcount == 0:
                    raise HistoryError(f"no conversation {conversation_id}")
                db.execute("INSERT INTO turns (conversation_id, question, answer_json, fingerprint, time) "
                           "VALUES (?, ?, ?, ?, ?)",
                           (conversation_id, answer.question, payload, fingerprint, now))
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as e:
            raise self._error(e) from e
        return conversation_id

    def delete(self, conversation_id: int) -> None:
        db = self._conn()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM turns WHERE conversation_id = ?", (conversation_id,))
                gone = db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,)).rowcount
                if not gone:
                    raise HistoryError(f"no conversation {conversation_id}")
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as e:
            raise self._error(e) from e

    # -- reading --------------------------------------------------------------------

    _SUMMARY = """SELECT c.id, c.title, count(t.id), c.created, coalesce(c.updated, c.created)
                  FROM conversations c LEFT JOIN turns t ON t.conversation_id = c.id"""
    _NEWEST = " GROUP BY c.id ORDER BY coalesce(c.updated, c.created) DESC, c.id DESC"

    def _summaries(self, sql: str, params: tuple = ()) -> list[ConversationSummary]:
        try:
            rows = self._conn().execute(sql, params).fetchall()
        except sqlite3.Error as e:
            raise self._error(e) from e
        out = []
        for cid, title, turns, created, updated in rows:
            try:
                out.append(ConversationSummary(id=cid, title=title, turns=turns,
                                               created=created, updated=updated))
            except ValidationError:
                continue  # a row we cannot read is left out of lists, never a crash
        return out

    def conversations(self, limit: int | None = None) -> list[ConversationSummary]:
        """Saved conversations, most recently updated first."""
        sql = self._SUMMARY + self._NEWEST
        if limit is not None:
            return self._summaries(sql + " LIMIT ?", (max(0, int(limit)),))
        return self._summaries(sql)

    def search(self, text: str) -> list[ConversationSummary]:
        """Conversations whose title, questions, answers or evidence contain ``text``
        (case, accents and curly quotes ignored)."""
        needle = fold(" ".join(text.split()))
        if not needle:
            return []
        sql = (self._SUMMARY + """ WHERE c.id IN (
                   SELECT conversation_id FROM turns
                   WHERE instr(askbrief_fold(question), ?1)
                      OR instr(askbrief_fold(json_extract(answer_json, '$.answer')), ?1)
                      OR instr(askbrief_fold(json_extract(answer_json, '$.evidence')), ?1))
                   OR instr(askbrief_fold(c.title), ?1)"""
               + self._NEWEST)
        return self._summaries(sql, (needle,))

    def conversation(self, conversation_id: int) -> Conversation:
        """One conversation with its turns, oldest first. Unreadable turns are skipped and
        listed in ``notes``."""
        db = self._conn()
        try:
            head = db.execute("SELECT id, title, created, coalesce(updated, created) FROM conversations "
                              "WHERE id = ?", (conversation_id,)).fetchone()
            if head is None:
                raise HistoryError(f"no conversation {conversation_id}")
            rows = db.execute("SELECT id, question, answer_json, fingerprint, time FROM turns "
                              "WHERE conversation_id = ? ORDER BY id", (conversation_id,)).fetchall()
        except sqlite3.Error as e:
            raise self._error(e) from e
        turns, notes = [], []
        for n, (tid, question, payload, fingerprint, time) in enumerate(rows, 1):
            try:
                answer = Answer.model_validate_json(payload)
                turns.append(Turn(question=question, answer=answer, fingerprint=fingerprint, time=time))
            except (ValidationError, ValueError, TypeError) as e:
                first = str(e).splitlines()[0][:160]
                notes.append(f"turn {n} of conversation {conversation_id} could not be read ({first}); skipped")
        try:
            return Conversation(id=head[0], title=head[1], created=head[2], updated=head[3],
                                turns=turns, notes=notes)
        except ValidationError as e:
            raise HistoryError(f"conversation {conversation_id} in {self.path} is damaged: "
                               f"{str(e).splitlines()[0]}") from e

    def last_id(self) -> int | None:
        """The most recently updated conversation, or None when there is none."""
        try:
            row = self._conn().execute("SELECT id FROM conversations ORDER BY coalesce(updated, created) "
                                       "DESC, id DESC LIMIT 1").fetchone()
        except sqlite3.Error as e:
            raise self._error(e) from e
        return row[0] if row else None

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            finally:
                self._db = None

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _fold_sql(value) -> str:
    return fold(value) if isinstance(value, str) else ""


def _damage(message: str) -> bool:
    m = message.lower()
    return any(w in m for w in ("not a database", "malformed", "corrupt", "quick_check", "disk image"))
