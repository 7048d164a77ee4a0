"""Nothing shown is ever lost, nothing outside the brief is read (issue 18).

Each test drives askbrief the way a user meets the problem: a real process whose pipe closes
early or that is killed right after its first output byte, a real non-UTF-8 file name, a file
standing where a folder should be, real symbolic links, a real full or read-only filesystem
(tmpfs, when this runs as root; skipped otherwise).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from askbrief.history import HistoryStore

from helpers import ROOT, SEEDS

QUESTION = "Who took Gharyan?"


def askbrief(*args, stdin=None, env=None, cwd=None, umask=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "askbrief", *args], input=stdin, capture_output=True,
                          env=e, cwd=cwd or ROOT, timeout=60,
                          preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)


def inproc(capsys, *args):
    """askbrief in this process (faster than a subprocess): (exit code, stdout, stderr)."""
    from askbrief.cli import main

    with pytest.raises(SystemExit) as e:
        main(list(args))
    out = capsys.readouterr()
    return e.value.code, out.out, out.err


@contextlib.contextmanager
def umask(value: int):
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def popen(*args, env=None, **kw):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.Popen([sys.executable, "-m", "askbrief", *args], env=e, cwd=ROOT, **kw)


def saved_questions(path: Path | None = None) -> list[str]:
    with HistoryStore(path) as store:
        return [t.question for s in store.conversations() for t in store.conversation(s.id).turns]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    """A cache directory holding the seeds' index, so each one-shot run starts warm."""
    cache = tmp_path_factory.mktemp("warm-cache")
    r = askbrief("index", "--corpus", str(SEEDS), env={"ASKBRIEF_CACHE_DIR": str(cache)})
    assert r.returncode == 0, r.stderr
    return {"ASKBRIEF_CACHE_DIR": str(cache)}


@pytest.fixture
def tmpfs(tmp_path):
    """A mount point for a small tmpfs (root only); unmounted afterwards."""
    point = tmp_path / "mnt"
    point.mkdir()
    mounted = []

    def mount(size: str = "256k") -> Path:
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(point)],
                           capture_output=True, text=True)
        if r.returncode:
            pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for p in mounted:
        subprocess.run(["umount", "-l", str(p)], capture_output=True)


def fill(fs: Path) -> None:
    """Use up every free byte of a (tmpfs) filesystem."""
    with open(fs / "filler", "wb", buffering=0) as f:
        with contextlib.suppress(OSError):
            while True:
                f.write(b"x" * 4096)


# --- 1: save before show -----------------------------------------------------------

def test_answer_is_saved_when_the_reader_closes_the_pipe_first(warm):
    proc = popen(QUESTION, env=warm, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # `askbrief ... | head -0`: nobody will read the answer
    proc.wait(timeout=60)
    assert saved_questions() == [QUESTION]


def test_batch_answers_are_saved_when_the_reader_goes_away(warm):
    # head -1 reads the first answer's first line and leaves; the first answer was shown
    proc = popen("ask", env=warm, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(f"{QUESTION}\nWho is Haftar's spokesman?\n".encode())
    proc.stdin.close()
    first = proc.stdout.readline()
    proc.stdout.close()
    proc.wait(timeout=60)
    assert first.startswith(b"? Who took Gharyan?")
    assert QUESTION in saved_questions()


def test_killed_right_after_the_first_byte_loses_nothing_shown(warm):
    for n in range(3):
        question = f"{QUESTION} ({n})"
        proc = popen(question, env=warm, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        first = proc.stdout.read(1)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert first  # the answer began to show
        assert question in saved_questions()


# --- 2: any file name --------------------------------------------------------------

@pytest.fixture
def latin1_brief(tmp_path):
    brief = tmp_path / "brief"
    brief.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")  # not UTF-8: Python holds it as "caf\udce9.txt"
    (brief / name).write_text("Cafe news\n\nThe cafe was opened by Marco Rossi in 1990.\n", encoding="utf-8")
    return brief


def test_non_utf8_file_name_is_answered_saved_and_shown(latin1_brief, tmp_path):
    r = askbrief("ask", "Who opened the cafe?", "--json", "--corpus", str(latin1_brief))
    assert r.returncode == 0, r.stderr
    ans = json.loads(r.stdout)
    assert ans["answer"] == "Marco Rossi"
    assert ans["citations"][0]["doc"] == "caf\\xe9"  # the byte, escaped: still names the file
    assert saved_questions() == ["Who opened the cafe?"]
    shown = askbrief("history", "show", "1")
    assert shown.returncode == 0 and b"caf\\xe9.txt \xc2\xb61" in shown.stdout  # the file, as citations name it
    qs = tmp_path / "q.jsonl"
    qs.write_text('{"id": "q1", "question": "Who opened the cafe?", "answers": ["Marco Rossi"]}\n')
    details = tmp_path / "details.jsonl"
    r = askbrief("eval", str(qs), "--corpus", str(latin1_brief), "--details", str(details))
    assert r.returncode == 0, r.stderr
    assert b" \xc2\xb7 1 question\n" in r.stdout  # one question, not "1 questions"
    assert json.loads(details.read_text(encoding="utf-8"))["citations"][0]["doc"] == "caf\\xe9"


def test_history_stores_text_utf8_refuses(tmp_path, seeds_assistant):
    ans = seeds_assistant.ask(QUESTION)
    odd = ans.model_copy(update={"question": "caf\udce9?"})
    with HistoryStore(tmp_path / "h.db") as store:
        cid = store.add_turn(None, odd, "fp")
        turn = store.conversation(cid).turns[0]
    assert turn.question == "caf\\xe9?" and turn.answer.question == "caf\\xe9?"


# --- 4, 5: data and cache folders ----------------------------------------------------

def test_data_folder_under_a_file_still_answers_every_question(tmp_path, warm):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    env = {**warm, "ASKBRIEF_DATA_DIR": str(blocker / "askbrief")}
    r = askbrief("ask", stdin=f"{QUESTION}\nWho is Haftar's spokesman?\n".encode(), env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count(b"\n? ") == 1 and b"Mesmari" in r.stdout
    err = r.stderr.decode().splitlines()
    assert err == [f"askbrief: warning: cannot use the data folder {blocker / 'askbrief'}: "
                   "Not a directory; answering without saving"]
    r = askbrief("paths", env=env)
    assert r.returncode == 0 and f"history: {blocker / 'askbrief' / 'history.db'}".encode() in r.stdout
    r = askbrief("history", "list", env=env)
    assert r.returncode == 1
    assert r.stderr.decode().splitlines() == [f"askbrief: error: cannot use the data folder "
                                              f"{blocker / 'askbrief'}: Not a directory"]


def test_user_without_a_home_gets_answers_and_one_warning(tmp_path, warm):
    # a uid with no passwd entry and no HOME (a container user): expanduser leaves "~" as it is
    code = ("import os, pwd, sys\n"
            f"sys.path.insert(0, {str(ROOT)!r})\n"
            "def nobody(uid): raise KeyError(uid)\n"
            "pwd.getpwuid = nobody\n"
            "from askbrief.cli import main\n"
            "main(sys.argv[1:])\n")
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "ASKBRIEF_DATA_DIR", "XDG_DATA_HOME")}
    env.update(warm)
    r = subprocess.run([sys.executable, "-c", code, QUESTION], capture_output=True, env=env,
                       cwd=tmp_path, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(b"Haftar's forces")
    assert r.stderr.decode().splitlines() == [
        "askbrief: warning: no home directory to keep the data folder in; set ASKBRIEF_DATA_DIR; "
        "answering without saving"]
    assert not (tmp_path / "~").exists()  # no folder named "~" made in the current directory


def test_existing_folders_keep_their_mode_and_new_levels_are_private(tmp_path, warm):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    for args in (["paths"], [QUESTION]):
        r = askbrief(*args, env={"ASKBRIEF_CACHE_DIR": str(shared), "ASKBRIEF_DATA_DIR": str(shared)})
        assert r.returncode == 0, r.stderr
        assert mode(shared) == 0o755
    os.chmod(tmp_path, 0o751)
    deep = tmp_path / "a" / "b" / "c"
    r = askbrief(QUESTION, env={**warm, "ASKBRIEF_DATA_DIR": str(deep)}, umask=0)
    assert r.returncode == 0, r.stderr
    assert [mode(p) for p in (tmp_path / "a", tmp_path / "a" / "b", deep)] == [0o700] * 3
    assert mode(deep / "history.db") == 0o600
    assert mode(tmp_path) == 0o751


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to mount a read-only filesystem")
def test_history_on_a_read_only_filesystem_is_read_and_answers_go_on(tmpfs, warm, seeds_assistant):
    fs = tmpfs("1m")
    with HistoryStore(fs / "history.db") as store:
        store.add_turn(None, seeds_assistant.ask(QUESTION), "fp")
    r = subprocess.run(["mount", "-o", "remount,ro", str(fs)], capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"cannot remount read-only: {r.stderr.strip()}")
    env = {**warm, "ASKBRIEF_DATA_DIR": str(fs)}
    r = askbrief("history", "list", env=env)
    assert r.returncode == 0, r.stderr
    assert b"Who took Gharyan?" in r.stdout and r.stderr == b""
    r = askbrief("history", "show", "1", env=env)
    assert r.returncode == 0 and b"Haftar's forces" in r.stdout
    r = askbrief("Who is Haftar's spokesman?", env=env)
    assert r.returncode == 0 and b"Mesmari" in r.stdout
    assert b"answering without saving" in r.stderr and len(r.stderr.splitlines()) == 1


# --- 6: links out of the brief -------------------------------------------------------

@pytest.fixture
def linked_brief(tmp_path):
    outside = tmp_path / "private"
    (outside / "etc").mkdir(parents=True)
    (outside / "secret.txt").write_text("Secrets\n\nThe vault code is held by Zebulon Quartz.\n")
    (outside / "etc" / "shadow.txt").write_text("Shadow\n\nThe root password was set by Yolanda Pike.\n")
    brief = tmp_path / "brief"
    (brief / "sub").mkdir(parents=True)
    (brief / "news.txt").write_text("News\n\nThe harbour was closed by Admiral Nkemelu on Monday.\n")
    (brief / "sub" / "more.txt").write_text("More\n\nThe bridge was built by Ines Varga.\n")
    (brief / "passwd.txt").symlink_to(outside / "secret.txt")
    (brief / "etc").symlink_to(outside / "etc")
    (brief / "inside.txt").symlink_to(brief / "sub" / "more.txt")  # inside the brief: read
    (brief / "subdir").symlink_to(brief / "sub")
    return brief, outside


def test_links_out_of_the_brief_are_skipped_and_named(linked_brief):
    brief, outside = linked_brief
    r = askbrief("ask", "Who holds the vault code?", "--json", "--corpus", str(brief))
    assert r.returncode == 0, r.stderr
    ans = json.loads(r.stdout)
    assert "Zebulon" not in r.stdout.decode() and ans["abstained"]
    err = r.stderr.decode()
    assert f"skipped {brief / 'passwd.txt'}: a link to {outside / 'secret.txt'}, outside" in err
    assert f"skipped {brief / 'etc'}: a link to {outside / 'etc'}, outside" in err
    assert "inside.txt" not in err and "subdir" not in err
    r = askbrief("ask", "Who holds the vault code?", "--json", "--corpus", str(brief), "--follow-links")
    assert r.returncode == 0 and json.loads(r.stdout)["answer"] == "Zebulon Quartz"
    assert b"skipped" not in r.stderr


def test_links_out_are_skipped_by_the_library_and_the_index(linked_brief):
    import askbrief as ab
    from askbrief.corpus import discover

    brief, _ = linked_brief
    files, warnings = discover([str(brief)])
    assert sorted(i for i, _ in files) == ["inside", "news", "sub/more"]  # subdir: sub, once
    assert len(warnings) == 2
    assistant = ab.load([str(brief)])
    assert "Zebulon" not in " ".join(d.text for d in assistant.brief.documents)
    assert "Yolanda" not in str(assistant.ask("Who set the root password?"))
    assert assistant.ask("Who built the bridge?").answer == "Ines Varga"
    followed = ab.load([str(brief)], follow_links=True).brief  # a cache entry of its own
    assert any("Zebulon" in d.text for d in followed.documents)


# --- 7: owner-only outputs -------------------------------------------------------------

def test_exports_and_eval_outputs_are_owner_only_even_under_umask_0(tmp_path, seeds_assistant, capsys):
    with HistoryStore() as store:
        store.add_turn(None, seeds_assistant.ask(QUESTION), "fp")
    existing = tmp_path / "old.md"
    existing.write_text("old")
    os.chmod(existing, 0o666)
    qs = tmp_path / "q.jsonl"
    qs.write_text('{"id": "q1", "question": "Who took Gharyan?", "answers": ["Haftar\'s forces"]}\n')
    preds, details = tmp_path / "p.json", tmp_path / "d.jsonl"
    with umask(0):
        for out in (tmp_path / "conv.md", existing):
            code, _, err = inproc(capsys, "history", "export", "1", "-o", str(out))
            assert code == 0, err
            assert mode(out) == 0o600 and out.read_text().startswith("# Who took Gharyan?")
        code, _, err = inproc(capsys, "eval", str(qs), "--corpus", str(SEEDS), "--predictions", str(preds),
                              "--details", str(details))
    assert code == 0, err
    assert mode(preds) == mode(details) == 0o600
    assert json.loads(preds.read_text()) == {"q1": "Haftar's forces"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conv.md", "d.jsonl", "old.md", "p.json", "q.jsonl"]


# --- 8: a full disk ----------------------------------------------------------------

@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to mount a small tmpfs")
def test_full_disk_leaves_no_half_file_and_still_prints_the_eval_report(tmpfs, warm, seeds_assistant,
                                                                        tmp_path):
    fs = tmpfs("256k")
    with HistoryStore(fs / "history.db") as store:
        store.add_turn(None, seeds_assistant.ask(QUESTION), "fp")
    (fs / "old.md").write_text("old export\n")
    fill(fs)
    env = {**warm, "ASKBRIEF_DATA_DIR": str(fs)}
    r = askbrief("history", "export", "1", "-o", str(fs / "old.md"), env=env)
    assert r.returncode == 1
    assert r.stderr.decode().splitlines() == [
        f"askbrief: error: cannot write {fs / 'old.md'}: the disk is full; nothing was written there"]
    assert (fs / "old.md").read_text() == "old export\n"
    qs = tmp_path / "q.jsonl"
    qs.write_text("".join(f'{{"id": "q{n}", "question": "Who took Gharyan? {n}", "answers": ["Haftar"]}}\n'
                          for n in range(30)))
    r = askbrief("eval", str(qs), "--details", str(fs / "d.jsonl"), "--predictions", str(tmp_path / "p.json"),
                 env=env)
    assert r.returncode == 1
    assert b"30 questions" in r.stdout and b"HasAns" in r.stdout  # the report is printed
    assert r.stderr.decode().splitlines() == [
        f"askbrief: error: cannot write {fs / 'd.jsonl'}: the disk is full; nothing was written there"]
    assert len(json.loads((tmp_path / "p.json").read_text())) == 30  # the other output is whole
    assert sorted(p.name for p in fs.iterdir() if not p.name.startswith("history.db")) == ["filler", "old.md"]
    r = askbrief("ask", "Who is Haftar's spokesman?", env=env)
    assert r.returncode == 0 and b"Mesmari" in r.stdout
    assert r.stderr.decode().splitlines() == [
        f"askbrief: warning: the disk holding the history file {fs / 'history.db'} is full; "
        "answering without saving"]


def test_full_disk_during_an_output_write_is_one_line_not_a_traceback(tmp_path, capsys, monkeypatch,
                                                                      seeds_assistant):
    """Where no tmpfs can be mounted: ENOSPC injected at the write layer."""
    import errno

    import askbrief.outputs as outputs

    with HistoryStore() as store:
        store.add_turn(None, seeds_assistant.ask(QUESTION), "fp")

    class Full:
        def __init__(self, f):
            self.f = f

        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.f, name)

    real = outputs.os.fdopen
    monkeypatch.setattr(outputs.os, "fdopen", lambda *a, **k: Full(real(*a, **k)))
    code, out, err = inproc(capsys, "history", "export", "1", "-o", str(tmp_path / "c.md"))
    assert code == 1
    assert err.splitlines() == [f"askbrief: error: cannot write {tmp_path / 'c.md'}: the disk is full; "
                                "nothing was written there"]
    assert list(tmp_path.iterdir()) == []


# --- 9, 10, 11: question files ---------------------------------------------------------

def test_tags_ids_and_names_from_a_question_file_cannot_drive_the_terminal(tmp_path, capsys):
    qs = tmp_path / "q\x1b]0;pwned\x07.jsonl"
    qs.write_text(json.dumps({"id": "q\x1b[2J1", "question": "Who took Gharyan?", "answers": ["Haftar"],
                              "tags": ["\x1b[2Jclear", "\x1b]0;title\x07", "ok\x9b31m"]}) + "\n")
    code, out, err = inproc(capsys, "eval", str(qs), "--corpus", str(SEEDS))
    assert code == 0, err
    assert not any(c in out + err for c in "\x1b\x07\x9b")
    assert "  clear " in out and "  ok 31m " in out


@pytest.mark.parametrize("content,line,reason", [
    ("[" * 100_000 + "]" * 100_000, 1, "malformed JSON: nested more than 200 levels deep"),
    ('{"id": "a", "question": "Who took Gharyan?"}\n{"id": "b", "question": "x", "answers": ['
     + "9" * 5000 + "]}\n", 2, "malformed JSON line: a number with too many digits"),
    ('{"id": "a", "question": "Who?", "tags": ' + "[" * 5000 + "]" * 5000 + "}\n", 1,
     "malformed JSON: nested more than 200 levels deep"),
    ('{"data": [{"title": "t", "paragraphs": [{"context": "c", "qas": [{"id": "1", "question": "q", '
     '"answers": [{"text": "x", "answer_start": ' + "1" * 5000 + '}]}]}]}]}', 1,
     "malformed JSON: a number with too many digits"),
], ids=["deep-array", "jsonl-huge-integer", "jsonl-deep-tags", "squad-huge-integer"])
def test_json_the_parser_rejects_is_a_usage_error_with_its_line(tmp_path, capsys, content, line, reason):
    qs = tmp_path / "q.json"
    qs.write_text(content)
    code, out, err = inproc(capsys, "eval", str(qs))
    assert code == 2 and out == ""
    assert err.splitlines() == [f"askbrief: error: {qs}:{line}: {reason}"]


def test_sigterm_stops_eval_like_ctrl_c_and_keeps_what_was_finished(tmp_path, warm):
    qs = tmp_path / "q.jsonl"
    qs.write_text("".join(f'{{"id": "q{n}", "question": "Who took Gharyan? {n}", "answers": ["Haftar"]}}\n'
                          for n in range(2000)))
    preds, details = tmp_path / "p.json", tmp_path / "d.jsonl"
    proc = popen("eval", str(qs), "--predictions", str(preds), "--details", str(details), env=warm,
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the details are written as questions finish
        tmp = [p for p in tmp_path.iterdir() if p.name.startswith(".d.jsonl.")]
        if tmp and tmp[0].read_bytes().count(b"\n") >= 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"questions (interrupted)" in out and b"HasAns" in out
    assert b"interrupted:" in err and b"Traceback" not in err
    done = json.loads(preds.read_text())
    assert 3 <= len(done) < 2000
    assert [json.loads(line)["id"] for line in details.read_text().splitlines()] == list(done)


# --- crash consistency -------------------------------------------------------------------

_KILLER = r'''
import json, os, random, select, signal, sys, time

corpus, runs, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
from askbrief.cli import main
import askbrief
askbrief.load([corpus]).ask("Who opened the cafe?")  # imports and warms what the ask path uses


def one(question, delay, nbytes=None):
    """Fork the one-shot ask (fork: no interpreter start-up per run); SIGKILL it after
    ``delay`` seconds or once ``nbytes`` of its output arrived (None: no limit). Returns what
    reached its stdout."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.dup2(w, 1)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        sys.stdout = os.fdopen(1, "w", closefd=False)
        try:
            main(["ask", question, "--corpus", corpus])
        finally:
            os._exit(0)
    os.close(w)
    got, start = b"", time.monotonic()
    while delay is None or time.monotonic() - start < delay:
        wait = None if delay is None else max(0.0, delay - (time.monotonic() - start))
        if not select.select([r], [], [], wait)[0]:
            break
        chunk = os.read(r, 65536)
        if not chunk:
            break
        got += chunk
        if nbytes is not None and len(got) >= nbytes:
            break
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    while chunk := os.read(r, 65536):  # written before the kill: it reached stdout too
        got += chunk
    os.close(r)
    return got


t0 = time.monotonic()
size = len(one("Who opened the cafe? (warm-up)", None))
full = time.monotonic() - t0
rng = random.Random(seed)
# half killed at a random time (before the answer, or while it prints), half at a random byte
# of the answer: however loaded the machine, many kills land after something was shown
out = [(f"Who opened the cafe? ({n})",
        len(one(f"Who opened the cafe? ({n})", rng.uniform(0, 1.3 * full)) if n % 2 else
            one(f"Who opened the cafe? ({n})", None, rng.randint(1, size))))
       for n in range(runs)]
print(json.dumps({"full_s": full, "runs": out}))
'''

_WRITER = r'''
import os, sys, time
from askbrief.history import HistoryStore
from askbrief.models import Answer

stop = sys.argv[1]
with HistoryStore() as store:
    n = 0
    while not os.path.exists(stop):
        ans = Answer(question=f"writer {os.getpid()} {n}", answer=None, abstained=True, confidence=0.0,
                     evidence=None, citations=[], retrieved=[], elapsed_ms=0.0)
        store.add_turn(None, ans, "w")
        n += 1
        time.sleep(0.02)
'''


def test_killing_the_one_shot_ask_at_random_points_loses_no_answer_shown(tmp_path):
    brief = tmp_path / "brief"
    brief.mkdir()
    (brief / "cafe.txt").write_text("Cafe news\n\nThe cafe was opened by Marco Rossi in 1990.\n\n"
                                    "It closed in 2004 after a fire.\n")
    stop = tmp_path / "stop"
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(stop)], cwd=ROOT) for _ in range(2)]
    try:
        r = subprocess.run([sys.executable, "-c", _KILLER, str(brief), "50", "18"], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    finally:
        stop.touch()
        for w in writers:
            w.wait(timeout=30)
    assert r.returncode == 0, r.stderr
    runs = json.loads(r.stdout)["runs"]
    saved = set(saved_questions())
    shown = [q for q, n in runs if n]
    assert len(shown) >= 25  # every kill at a byte, and the timed ones that came late enough
    assert [q for q in shown if q not in saved] == []
    assert any(q.startswith("writer ") for q in saved)  # the other writers did write meanwhile
