"""The one-shot command, run as a user runs it: a subprocess, its exit code, its bytes."""

import json
import os
import subprocess
import sys

import pytest

from askbrief.models import Answer

from helpers import SEEDS, one_shot_imports


def run(*args, stdin=None, env=None, cwd=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "askbrief", *args], input=stdin, capture_output=True,
                          text=True, env=e, cwd=cwd, timeout=60)


def test_default_command_answers_from_bundled_brief_from_any_directory(tmp_path):
    r = run("Who took Gharyan?", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[0]
    assert "forces" in first.lower()
    assert "[1] " in r.stdout and "Gharyan" in r.stdout  # cited: the source that says who took it
    assert "\x1b" not in r.stdout  # piped: no ANSI codes


def test_json_output_validates_and_quotes_are_verbatim():
    r = run("ask", "When did Bouteflika resign?", "--json", "--corpus", str(SEEDS))
    assert r.returncode == 0, r.stderr
    ans = Answer.model_validate_json(r.stdout)
    assert ans.answer == "Tuesday" and not ans.abstained
    c = ans.citations[0]
    text = (SEEDS / f"{c.doc}.txt").read_text(encoding="utf-8")
    assert c.quote in text and ans.answer in c.quote
    assert set(json.loads(r.stdout)) >= {"question", "answer", "abstained", "confidence", "evidence",
                                         "citations", "retrieved", "elapsed_ms"}


def test_stdin_one_answer_per_line_as_json():
    r = run("ask", "--json", stdin="Who took Gharyan?\n\nWho is Haftar's spokesman?\n")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 2
    answers = [Answer.model_validate_json(line) for line in lines]
    assert answers[1].answer in ("Ahmed Al-Mesmari", "Ahmed al-Mesmari")


def test_off_topic_abstains_with_closest_passages():
    r = run("What is the capital of Egypt?")
    assert r.returncode == 0
    assert r.stdout.startswith("The brief does not say.")


@pytest.mark.parametrize("args,code,message", [
    (["   "], 2, "the question is empty"),
    (["ask", "x", "--corpus", "/no/such/dir"], 2, "corpus path not found: /no/such/dir"),
    (["ask", "--bogus", "x"], 2, "unrecognized arguments: --bogus"),
    (["ask", "x", "--top-k", "0"], 2, "--top-k must be at least 1"),
])
def test_usage_errors_exit_2_with_one_line(args, code, message):
    r = run(*args)
    assert r.returncode == code
    assert r.stderr.count("\n") == 1 and message in r.stderr
    assert "Traceback" not in r.stderr


def test_corpus_without_text_files_exits_1(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    r = run("ask", "Who?", "--corpus", str(tmp_path))
    assert r.returncode == 1
    assert f"no readable documents with text in {tmp_path}" in r.stderr
    assert f"skipped {tmp_path / 'a.pdf'}: damaged or not a PDF" in r.stderr
    assert r.stderr.count("\n") == 1


def test_debug_shows_traceback(tmp_path):
    r = run("ask", "x", "--corpus", str(tmp_path), env={"ASKBRIEF_DEBUG": "1"})
    assert r.returncode == 1 and "Traceback" in r.stderr


def test_document_control_sequences_and_markup_are_printed_as_text(tmp_path):
    (tmp_path / "evil.txt").write_text(
        "The bell \x07 rang in Tripoli \x1b]0;pwned\x07 when \x1b[31mHaftar\x1b[0m [bold]arrived[/] on Monday.\n",
        encoding="utf-8")
    r = run("ask", "When did Haftar arrive in Tripoli?", "--corpus", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout
    assert "[bold]arrived[/]" in r.stdout


def test_environment_corpus(tmp_path):
    (tmp_path / "n.txt").write_text("The meeting in Oslo was held on Friday.", encoding="utf-8")
    r = run("ask", "Where was the meeting held?", "--json", env={"ASKBRIEF_CORPUS": str(tmp_path)})
    ans = Answer.model_validate_json(r.stdout)
    assert ans.answer == "Oslo" and ans.citations[0].doc == "n"


def test_paths_command_uses_overrides(tmp_path):
    r = run("paths", env={"ASKBRIEF_DATA_DIR": str(tmp_path / "d"), "ASKBRIEF_CACHE_DIR": str(tmp_path / "c")})
    assert r.returncode == 0
    assert str(tmp_path / "d") in r.stdout and str(tmp_path / "c") in r.stdout


def test_one_shot_ask_loads_neither_the_chat_nor_the_model_machinery():
    """Start-up (issue 6): a one-shot answer imports no Textual, Rich or pydantic (the latter
    costs ~70 ms, more than answering on the seeds), and still prints the answer."""
    r = one_shot_imports(["ask", "--corpus", str(SEEDS), "Who took Gharyan?"], {"textual", "rich", "pydantic"})
    assert r.returncode == 0, r.stderr
    assert "Haftar's forces" in r.stdout
    assert r.stdout.rstrip().endswith("[]"), r.stdout[-200:]



def test_one_shot_ask_imports_no_other_commands_code():
    """Start-up (issue 16): a one-shot question imports the ask command and the edge helpers, not
    the evaluation, the history search, the chat, the completion scripts nor the other commands."""
    watched = ("askbrief.cli.", "askbrief.evaluate", "askbrief.history.search", "askbrief.tui", "askbrief.config")
    code = ("import sys; from askbrief import cli; status = cli.run(['ask', 'Who took Gharyan?']); "
            "print(sorted(m for m in sys.modules if m.startswith(%r)))" % (watched,))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "Haftar's forces" in r.stdout
    assert r.stdout.rstrip().endswith("['askbrief.cli.ask', 'askbrief.cli.common']"), r.stdout[-300:]


def test_the_command_line_starts_no_blas_thread_pool_unless_asked():
    """Start-up (issue 19): the command line sets OpenBLAS to one thread before NumPy is imported
    (its pool costs a third of the import on two cores); a user's own setting is kept."""
    code = ("import sys, os; from askbrief import cli; assert 'numpy' not in sys.modules; import numpy; "
            "print(os.environ['OPENBLAS_NUM_THREADS'], numpy.__name__)")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 0 and r.stdout.split() == ["1", "numpy"], r.stderr
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={**env, "OPENBLAS_NUM_THREADS": "2"})
    assert r.returncode == 0 and r.stdout.split() == ["2", "numpy"], r.stderr
