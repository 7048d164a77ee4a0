"""The history store: schema and migrations, damaged and locked files, concurrent writers,
and the `askbrief history` commands."""

import json
import multiprocessing
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time

import pytest

from askbrief.history import SCHEMA_VERSION, HistoryStore
from askbrief.errors import HistoryDamaged, HistoryError
from askbrief.render import to_json, to_markdown

from helpers import ROOT


@pytest.fixture
def libya_answer(make_answer, make_citation):
    """``libya_answer(question, answer, quote)``: an answer quoting one paragraph of an article."""
    def build(question="Who took Gharyan?", answer="Haftar's forces", quote=None):
        quote = quote or f"{answer} took over the town of Gharyan, 50 km from Tripoli."
        return make_answer(question, answer, make_citation(quote, "000_doc", 3, title="Libya", date="2019-04-04"),
                           confidence=0.8)
    return build


class _Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def cli(*args, stdin=None, env=None, timeout=60):
    """Run `python -m askbrief ...` in a fresh process (the tests' ASKBRIEF_* env applies)."""
    return subprocess.run([sys.executable, "-m", "askbrief", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=timeout, env={**os.environ, **(env or {})})


def run(capsys, *args):
    """askbrief in this process (faster than a subprocess): (exit code, stdout, stderr)."""
    from askbrief.cli import main

    with pytest.raises(SystemExit) as e:
        main(list(args))
    out = capsys.readouterr()
    return e.value.code, out.out, out.err


# --- schema ------------------------------------------------------------------------------

def test_blank_database_is_created_private_and_current(tmp_path):
    path = tmp_path / "sub" / "h.db"
    with HistoryStore(path) as store:
        assert store.version == SCHEMA_VERSION
        assert store.conversations() == [] and store.last_id() is None
        assert store.search("anything") == []
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_default_path_follows_data_dir(isolated_user_dirs):
    with HistoryStore() as store:
        assert store.path == isolated_user_dirs / "data" / "history.db"


def test_opens_and_migrates_the_first_schema(tmp_path, libya_answer):
    """A v1 file (no 'updated' column, no indexes), written by hand as v1 wrote it."""
    path = tmp_path / "v1.db"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE conversations (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL,
                                    created TEXT NOT NULL);
        CREATE TABLE turns (id INTEGER PRIMARY KEY AUTOINCREMENT,
                            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                            question TEXT NOT NULL, answer_json TEXT NOT NULL,
                            fingerprint TEXT NOT NULL, time TEXT NOT NULL);
        PRAGMA user_version = 1;
    """)
    old = libya_answer()
    old_json = old.model_dump_json(exclude={"resolved", "alternatives"})  # v1 answers lacked them
    db.execute("INSERT INTO conversations VALUES (1, 'Who took Gharyan?', '2024-01-01T10:00:00+00:00')")
    db.execute("INSERT INTO turns VALUES (1, 1, 'Who took Gharyan?', ?, 'fp1', '2024-01-01T10:00:00+00:00')",
               (old_json,))
    db.execute("INSERT INTO turns VALUES (2, 1, 'How far is it?', ?, 'fp1', '2024-01-01T10:05:00+00:00')",
               (libya_answer("How far is it?", "50 km").model_dump_json(exclude={"resolved", "alternatives"}),))
    db.commit()
    db.close()

    with HistoryStore(path) as store:
        assert store.version == SCHEMA_VERSION
        [summary] = store.conversations()
        assert (summary.id, summary.turns) == (1, 2)
        assert summary.updated.isoformat() == "2024-01-01T10:05:00+00:00"  # backfilled from the turns
        conv = store.conversation(1)
        assert [t.question for t in conv.turns] == ["Who took Gharyan?", "How far is it?"]
        assert conv.turns[0].answer.answer == "Haftar's forces" and conv.notes == []
        assert store.add_turn(1, libya_answer("And then?"), "fp2") == 1
        assert store.last_id() == 1 and store.conversation(1).turns[-1].fingerprint == "fp2"
    db = sqlite3.connect(path)
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "turns_by_conversation" in names
    db.close()


def test_newer_schema_is_refused_and_kept(tmp_path):
    path = tmp_path / "future.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="newer askbrief"):
        HistoryStore(path)
    assert path.read_bytes() == before


def test_foreign_database_is_refused_and_kept(tmp_path):
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (x TEXT)")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(HistoryDamaged, match="did not write"):
        HistoryStore(path)
    assert path.read_bytes() == before


# --- reading and writing -----------------------------------------------------------------

def test_turns_conversations_search_delete(store, libya_answer):
    first = store.add_turn(None, libya_answer(), "fp")
    assert store.add_turn(first, libya_answer("How far is it from Tripoli?", "50 km"), "fp") == first
    second = store.add_turn(None, libya_answer("Who resigned in Algeria?", "Abdelaziz Bouteflika",
                                               "President Abdelaziz Bouteflika resigned on Tuesday."), "fp")
    assert second != first
    assert [s.id for s in store.conversations()] == [second, first]  # newest first
    assert [s.id for s in store.conversations(limit=1)] == [second]
    assert store.last_id() == second
    conv = store.conversation(first)
    assert conv.title == "Who took Gharyan?" and len(conv.turns) == 2
    assert conv.turns[1].answer.answer == "50 km"
    assert [h.conversation.id for h in store.search("TRIPOLI")] == [first]       # question text
    assert [h.conversation.id for h in store.search("bouteflika")] == [second]   # answer text
    assert [h.conversation.id for h in store.search("tuesday")] == [second]      # evidence
    assert store.search("percent%_") == [] and store.search("  ") == []
    assert store.search('NEAR "AND" * (OR') == []  # FTS5 syntax in the text is just words
    store.delete(first)
    assert [s.id for s in store.conversations()] == [second]
    with pytest.raises(HistoryError, match=f"^no conversation {first}$") as e:
        store.conversation(first)
    assert e.value.exit_code == 1
    with pytest.raises(HistoryError, match="no conversation"):
        store.delete(first)
    with pytest.raises(HistoryError, match="no conversation"):
        store.add_turn(first, libya_answer(), "fp")


def test_unreadable_turn_is_skipped_with_a_note(tmp_path, libya_answer):
    path = tmp_path / "h.db"
    with HistoryStore(path) as store:
        cid = store.add_turn(None, libya_answer(), "fp")
        store.add_turn(cid, libya_answer("Second?"), "fp")
    db = sqlite3.connect(path)
    db.execute("UPDATE turns SET answer_json = '{\"not\": \"an answer\"' WHERE id = 1")
    db.commit()
    db.close()
    with HistoryStore(path) as store:
        conv = store.conversation(cid)
        assert [t.question for t in conv.turns] == ["Second?"]
        assert len(conv.notes) == 1 and "turn 1" in conv.notes[0]
        assert to_markdown(conv)  # still exportable


def test_markdown_and_json_export(store, libya_answer):
    cid = store.add_turn(None, libya_answer(), "fp")
    follow = libya_answer("How far is it from Tripoli?", "50 km").model_copy(
        update={"resolved": {"it": "Gharyan"}})
    store.add_turn(cid, follow, "fp")
    conv = store.conversation(cid)
    md = to_markdown(conv)
    assert md.startswith("# Who took Gharyan?")
    assert "## 2. How far is it from Tripoli?" in md and "**50 km**" in md
    assert "(it = Gharyan)" in md
    assert "1. 000_doc ¶3 · 2019-04-04 · \"" in md
    data = json.loads(to_json(conv))
    assert data["id"] == cid and data["turns"][1]["answer"]["resolved"] == {"it": "Gharyan"}


# --- damaged, locked, concurrent, killed -----------------------------------------------------

def test_garbage_file_is_kept_byte_for_byte(tmp_path):
    path = tmp_path / "history.db"
    garbage = b"this is not an SQLite file\x00\xff" * 300
    path.write_bytes(garbage)
    with pytest.raises(HistoryDamaged) as e:
        HistoryStore(path)
    assert str(path) in str(e.value) and "damaged" in str(e.value)
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.db"]


def test_corrupted_database_is_kept_byte_for_byte(tmp_path, libya_answer):
    path = tmp_path / "history.db"
    with HistoryStore(path) as store:
        for n in range(200):
            store.add_turn(None, libya_answer(f"Question {n}?", quote="x" * 500), "fp")
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 8 * page
    data[3 * page: 6 * page] = b"\xa5" * (3 * page)  # scribble over b-tree pages
    path.write_bytes(bytes(data))
    with pytest.raises(HistoryDamaged, match="damaged"):
        HistoryStore(path)
    assert path.read_bytes() == bytes(data)


def _hold_lock(path, seconds):
    code = ("import sqlite3, sys, time\n"
            "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "db.execute('BEGIN EXCLUSIVE')\n"
            "print('locked', flush=True)\n"
            "time.sleep(float(sys.argv[2]))\n"
            "db.execute('COMMIT')\n")
    return subprocess.Popen([sys.executable, "-c", code, str(path), str(seconds)],
                            stdout=subprocess.PIPE, text=True)


def test_locked_database_is_waited_for(tmp_path, libya_answer):
    path = tmp_path / "h.db"
    store = HistoryStore(path)
    holder = _hold_lock(path, 1.5)
    try:
        assert holder.stdout.readline().strip() == "locked"
        t0 = time.monotonic()
        cid = store.add_turn(None, libya_answer(), "fp")
        waited = time.monotonic() - t0
    finally:
        holder.wait(timeout=10)
    assert waited > 0.8  # it waited for the other process instead of failing
    assert store.conversation(cid).turns
    store.close()


def _writer(path, n, turns, make):
    with HistoryStore(path) as store:
        cid = None
        for k in range(turns):
            cid = store.add_turn(cid, make(f"Writer {n} question {k}?"), f"fp{n}")


def test_concurrent_writers_lose_nothing(tmp_path, libya_answer):
    path = tmp_path / "h.db"  # not created beforehand: the writers race to create it too
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(path, n, 5, libya_answer)) for n in range(12)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0] * 12
    with HistoryStore(path) as store:
        summaries = store.conversations()
        assert len(summaries) == 12 and all(s.turns == 5 for s in summaries)
        assert sorted(s.title for s in summaries) == sorted(f"Writer {n} question 0?" for n in range(12))


def test_killed_writer_loses_nothing_committed(tmp_path, libya_answer):
    path = tmp_path / "h.db"
    code = ("import sys\n"
            "from askbrief.history import HistoryStore\n"
            "from askbrief.models import Answer\n"
            "answer = Answer.model_validate_json(sys.argv[2])\n"
            "store = HistoryStore(sys.argv[1])\n"
            "cid = None\n"
            "for n in range(100000):\n"
            "    cid = store.add_turn(cid, answer.model_copy(update={'question': f'Q{n}?'}), 'fp')\n"
            "    print(n, flush=True)\n")
    answer = libya_answer("Q?", quote="y" * 2000).model_dump_json()
    proc = subprocess.Popen([sys.executable, "-c", code, str(path), answer], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)
    done = [proc.stdout.readline() for _ in range(40)]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert done[-1].strip() == "39"
    with HistoryStore(path) as store:
        [summary] = store.conversations()
        assert summary.turns >= 40
        turns = store.conversation(summary.id).turns
        assert [t.question for t in turns[:40]] == [f"Q{n}?" for n in range(40)]


# --- the command line --------------------------------------------------------------------

def test_each_ask_is_its_own_conversation_unless_no_history(isolated_user_dirs, capsys):
    code, out, err = run(capsys, "ask", "Who took Gharyan?")
    assert code == 0 and out.strip() and err == ""
    assert run(capsys, "Who resigned in Algeria?")[0] == 0
    assert run(capsys, "ask", "--no-history", "Who is Haftar's spokesman?")[0] == 0
    code, out, _ = run(capsys, "history", "list", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [c["title"] for c in listed] == ["Who resigned in Algeria?", "Who took Gharyan?"]
    assert all(c["turns"] == 1 for c in listed) and set(listed[0]) == {"id", "title", "turns", "created",
                                                                         "updated"}
    path = isolated_user_dirs / "data" / "history.db"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_continue_appends_and_resolves_follow_ups(isolated_user_dirs):
    assert cli("ask", "Who took Gharyan?").returncode == 0
    r = cli("ask", "--continue", "--json", "How far is it from Tripoli?")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["resolved"] == {"it": "Gharyan"}
    r = cli("ask", "-c", stdin="Who resigned in Algeria?\nWhen did he resign?\n")
    assert r.returncode == 0 and "(he = Abdelaziz Bouteflika)" in r.stdout
    [conv] = json.loads(cli("history", "list", "--json").stdout)
    assert conv["turns"] == 4
    shown = json.loads(cli("history", "show", str(conv["id"]), "--json").stdout)
    assert [t["answer"]["resolved"] for t in shown["turns"]] == [
        {}, {"it": "Gharyan"}, {}, {"he": "Abdelaziz Bouteflika"}]


def test_history_commands(isolated_user_dirs, tmp_path, capsys, libya_answer):
    from askbrief.history import HistoryStore as Store

    with Store() as store:
        a = store.add_turn(None, libya_answer(), "fp")
        store.add_turn(a, libya_answer("How far is it from Tripoli?", "50 km",
                                      "Gharyan, 50 km from Tripoli \x1b]0;pwned\x07\x1b[2J."), "fp")
        b = store.add_turn(None, libya_answer("Who resigned in Algeria?", "Abdelaziz Bouteflika"), "fp")
    r = _Result(*run(capsys, "history", "list"))
    lines = r.stdout.splitlines()
    assert r.returncode == 0 and len(lines) == 2
    assert lines[0].split()[0] == str(b) and "Who resigned in Algeria?" in lines[0]
    assert "2 turns" in lines[1]
    r = _Result(*run(capsys, "history"))  # no action: list
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 2

    r = _Result(*run(capsys, "history", "show", str(a)))
    assert r.returncode == 0 and "? How far is it from Tripoli?" in r.stdout and "50 km" in r.stdout
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout  # document text made safe
    assert json.loads(run(capsys, "history", "show", str(a), "--json")[1])["id"] == a

    r = _Result(*run(capsys, "history", "export", str(a)))
    assert r.returncode == 0 and r.stdout.startswith("# Who took Gharyan?") and "\x1b" not in r.stdout
    out = tmp_path / "conv.json"
    r = _Result(*run(capsys, "history", "export", str(a), "--format", "json", "-o", str(out)))
    assert r.returncode == 0 and json.loads(out.read_text())["title"] == "Who took Gharyan?"

    r = _Result(*run(capsys, "history", "search", "algeria", "--json"))
    assert [c["id"] for c in json.loads(r.stdout)] == [b]
    r = _Result(*run(capsys, "history", "search", "nothing like this"))
    assert r.returncode == 0 and r.stdout == ""

    r = _Result(*run(capsys, "history", "delete", str(b)))
    assert r.returncode == 0 and f"deleted conversation {b}" in r.stdout
    for args in (("show", str(b)), ("delete", str(b)), ("export", "999")):
        r = _Result(*run(capsys, "history", *args))
        assert r.returncode == 1 and r.stdout == ""
        assert r.stderr.strip().count("\n") == 0 and "no conversation" in r.stderr
    for args in (("show", "x"), ("bogus",), ("export", str(a), "--format", "pdf"), ("show",),
                 ("list", "--limit", "-1")):
        r = _Result(*run(capsys, "history", *args))
        assert r.returncode == 2 and r.stderr.strip().count("\n") == 0, (args, r.stderr)


def test_damaged_history_still_answers_and_is_kept(isolated_user_dirs):
    data = isolated_user_dirs / "data"
    data.mkdir(parents=True, exist_ok=True)
    path = data / "history.db"
    garbage = b"\x00garbage, not sqlite\n" * 500
    path.write_bytes(garbage)
    r = cli("ask", "Who resigned in Algeria?")
    assert r.returncode == 0 and "Bouteflika" in r.stdout
    [warning] = r.stderr.splitlines()
    assert str(path) in warning and "damaged" in warning and "without saving" in warning
    assert warning.endswith(f"(to start a new history, move it aside: mv '{path}' '{path}.damaged')")
    r = cli("ask", "--continue", "When did he resign?")
    assert r.returncode == 0 and r.stdout.strip() and len(r.stderr.splitlines()) == 1
    r = cli("history", "list")
    assert r.returncode == 1 and str(path) in r.stderr
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in data.iterdir()) == ["history.db"]


def test_sixteen_processes_asking_at_once(isolated_user_dirs):
    procs = [subprocess.Popen([sys.executable, "-m", "askbrief", "ask", f"Who took Gharyan? ({n})"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in range(16)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 16, [e for _, e in results]
    assert all(out.strip() and not err for out, err in results)
    listed = json.loads(cli("history", "list", "--json").stdout)
    assert sorted(c["title"] for c in listed) == sorted(f"Who took Gharyan? ({n})" for n in range(16))


# --- full-text search ---------------------------------------------------------------------

def test_search_is_ranked_finds_abstentions_and_marks_the_words(tmp_path, libya_answer, make_answer):
    from askbrief.history.search import MARK_END, MARK_START

    with HistoryStore(tmp_path / "h.db") as store:
        evidence_only = store.add_turn(None, libya_answer(
            "Who spoke?", "Mesmari", "Mesmari said the forces entered Gharyan on Wednesday."), "fp")
        in_question = store.add_turn(None, libya_answer("Who took Gharyan?"), "fp")
        off_topic = store.add_turn(None, make_answer("What is the capital of Egypt?", None), "fp")
        store.add_turn(off_topic, libya_answer("Who is Haftar?", "a commander", "Haftar is a commander."), "fp")
        # the question counts most: found first although the other was saved later
        hits = store.search("gharyan")
        assert [h.conversation.id for h in hits] == [in_question, evidence_only]
        assert hits[0].snippet.count(MARK_START) >= 1 and f"{MARK_START}Gharyan{MARK_END}" in hits[0].snippet
        assert ("Gharyan", "mark") in hits[1].parts()
        [hit] = store.search("does not say")
        assert hit.conversation.id == off_topic and hit.conversation.turns == 2
        assert hit.parts() == [("The brief ", ""), ("does", "mark"), (" ", ""), ("not", "mark"),
                               (" ", ""), ("say", "mark"), (".", "")]
        assert [h.conversation.id for h in store.search("ghary")] == [in_question, evidence_only]  # word starts
        assert [h.conversation.id for h in store.search("GHARYÁN wednesday")] == [evidence_only]  # every word
        assert len(store.search("gharyan", limit=1)) == 1
        store.delete(in_question)
        assert [h.conversation.id for h in store.search("gharyan")] == [evidence_only]


def test_second_schema_migrates_in_place_and_its_turns_are_searchable(tmp_path, libya_answer, make_answer):
    """A v2 file, as v2 wrote it (its migrations, by hand), with an abstention and a damaged turn."""
    path = tmp_path / "v2.db"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE conversations (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL,
                                    created TEXT NOT NULL, updated TEXT);
        CREATE TABLE turns (id INTEGER PRIMARY KEY AUTOINCREMENT,
                            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                            question TEXT NOT NULL, answer_json TEXT NOT NULL,
                            fingerprint TEXT NOT NULL, time TEXT NOT NULL);
        CREATE INDEX turns_by_conversation ON turns(conversation_id, id);
        CREATE INDEX conversations_by_updated ON conversations(updated);
        PRAGMA user_version = 2;
    """)
    t = "2024-01-01T10:00:00+00:00"
    db.execute("INSERT INTO conversations VALUES (1, 'Who took Gharyan?', ?, ?)", (t, t))
    db.execute("INSERT INTO conversations VALUES (2, 'What is the capital of Egypt?', ?, ?)", (t, t))
    db.execute("INSERT INTO turns VALUES (1, 1, 'Who took Gharyan?', ?, 'fp', ?)", (libya_answer().model_dump_json(), t))
    db.execute("INSERT INTO turns VALUES (2, 2, 'What is the capital of Egypt?', ?, 'fp', ?)",
               (make_answer("What is the capital of Egypt?", None).model_dump_json(), t))
    db.execute("INSERT INTO turns VALUES (3, 2, 'And Peru?', '{\"not json', 'fp', ?)", (t,))
    db.commit()
    db.close()

    with HistoryStore(path) as store:
        assert store.version == SCHEMA_VERSION == 3
        assert [h.conversation.id for h in store.search("haftar's forces")] == [1]
        assert [h.conversation.id for h in store.search("does not say")] == [2]
        assert [h.conversation.id for h in store.search("peru")] == [2]  # its question, though unreadable
        new = store.add_turn(None, libya_answer("Where is Benghazi?", "in the east", "Benghazi is in the east."), "fp")
        assert [h.conversation.id for h in store.search("benghazi")] == [new]
    db = sqlite3.connect(path)
    db.execute("UPDATE turns SET question = 'What is the capital of Misrata?' WHERE id = 2")  # any client may write
    db.commit()
    db.close()
    with HistoryStore(path) as store:
        assert [h.conversation.id for h in store.search("misrata")] == [2]
        assert store.search("egypt") == []  # the old question left the index


def test_history_search_command_highlights_and_ranks(isolated_user_dirs, libya_answer, make_answer):
    with HistoryStore() as store:
        a = store.add_turn(None, libya_answer("Who spoke?", "Mesmari", "Mesmari said Gharyan fell."), "fp")
        b = store.add_turn(None, libya_answer(), "fp")
        store.add_turn(None, make_answer("What is the capital of Egypt?", None), "fp")
    r = cli("history", "search", "Gharyan", env={"FORCE_COLOR": "1"})
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split()[0] == str(b) and lines[2].split()[0] == str(a)
    assert lines[1] == "       Who took \x1b[1;33mGharyan\x1b[0m?"
    assert lines[3] == "       Mesmari said \x1b[1;33mGharyan\x1b[0m fell."
    r = cli("history", "search", "does", "not", "say")
    assert r.returncode == 0 and r.stdout.splitlines()[1] == "       The brief does not say."
    found = json.loads(cli("history", "search", "gharyan", "--json").stdout)
    assert [c["id"] for c in found] == [b, a] and found[1]["match"] == "Mesmari said Gharyan fell."
