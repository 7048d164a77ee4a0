"""Terminal output that reads well: colour control, wrapping, the README's sample, plurals,
batch line numbers and the version. (Exit codes of output files: tests/test_durability.py.)"""

import io
import os
import re
import subprocess
import sys
from importlib.metadata import version

import pytest

from askbrief.cli.common import use_color
from askbrief.render import render_text

from helpers import ROOT, SEEDS

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*args, stdin=None, env=None):
    e = {k: v for k, v in os.environ.items()
         if k not in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "COLUMNS", "TERM")}
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "askbrief", *args], input=stdin, capture_output=True,
                          text=True, env=e, cwd=ROOT, timeout=60)


class _Stream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("env,tty,expected", [
    ({}, True, True),
    ({}, False, False),
    ({"FORCE_COLOR": "1"}, False, True),
    ({"CLICOLOR_FORCE": "1"}, False, True),
    ({"FORCE_COLOR": "0"}, False, False),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),  # NO_COLOR wins
    ({"NO_COLOR": "1"}, True, False),
    ({"TERM": "dumb"}, True, False),
    ({"TERM": "dumb", "CLICOLOR_FORCE": "1"}, False, False),
])
def test_colour_control(monkeypatch, env, tty, expected):
    for name in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert use_color(_Stream(tty)) is expected


def test_force_color_colours_piped_output_and_no_color_wins():
    r = run("Who took Gharyan?", env={"FORCE_COLOR": "1"})
    assert r.returncode == 0 and "\x1b[1mHaftar's forces\x1b[0m" in r.stdout
    r = run("Who took Gharyan?", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert r.returncode == 0 and "\x1b" not in r.stdout


@pytest.mark.parametrize("color", [False, True])
def test_citations_and_evidence_wrap_at_word_boundaries_with_a_hanging_indent(seeds_assistant, color):
    ans = seeds_assistant.ask("Who took Gharyan?")
    text = render_text(ans, color=color, width=60)
    plain = ANSI.sub("", text)
    lines = plain.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert plain == ANSI.sub("", render_text(ans, color=color, width=60))
    # the words are those of the unwrapped output, none cut ("dist|rict")
    assert plain.split() == ANSI.sub("", render_text(ans, color=color)).split()
    blocks = plain.split("\n\n")
    evidence = blocks[1].splitlines()
    assert len(evidence) > 1 and all(line.startswith("  ") and line[2] != " " for line in evidence)
    citations = blocks[2].splitlines()
    assert citations[0].startswith("[1] ")
    starts = [n for n, line in enumerate(citations) if re.match(r"\[\d+\] ", line)]
    assert len(starts) == len(ans.citations) < len(citations)
    for line in (c for n, c in enumerate(citations) if n not in starts):
        assert line.startswith("    ") and line[4] != " "  # under the text after "[n] "
    if color:
        assert "\x1b[1;33mHaftar's\x1b[0m" in text


def test_readme_sample_is_the_real_output():
    """The first sample in the README is what the command prints (at 92 columns)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```\n\$ (askbrief [^\n]+)\n(.*?)```", readme, re.S)
    command, shown = block.group(1), block.group(2)
    assert command == 'askbrief "Who took Gharyan?"'
    r = run("Who took Gharyan?", env={"COLUMNS": "92"})
    assert r.returncode == 0, r.stderr
    assert r.stdout == shown


def test_piped_output_is_not_wrapped():
    r = run("Who took Gharyan?")
    assert r.returncode == 0
    first = r.stdout.splitlines()[2]
    assert first.startswith("  The taking of Gharyan") and first.endswith("stronghold of Benghazi.")


def test_stdin_batch_error_names_the_line_counting_blank_lines():
    long = "why " * 600
    r = run("ask", "--no-history", stdin=f"Who took Gharyan?\n\n   \n{long}\nWho is Haftar's spokesman?\n")
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        "askbrief: error: line 4: the question is too long (2399 characters; at most 2000)"]
    assert r.stdout.count("\n? ") == 1 and "Mesmari" in r.stdout


def test_version_comes_from_the_package_metadata():
    r = run("--version")
    assert r.returncode == 0 and r.stdout == f"askbrief {version('askbrief')}\n"


def test_a_hard_wrapped_answer_reads_as_one_line_and_its_quote_stays_verbatim(tmp_path, capsys):
    import json

    from askbrief import cli

    (tmp_path / "lib.txt").write_text(
        "date 2021-03-01 Dunmore library\n\nThe new library in Dunmore was opened on Saturday by "
        "the retired headmaster Paul\nGrant, who taught in the town for forty years.\n", encoding="utf-8")
    (tmp_path / "w.txt").write_text("date 2021-03-02 Weather\n\nThe weather was cold and dry.\n",
                                    encoding="utf-8")
    argv = ["ask", "Who opened the new library in Dunmore?", "--corpus", str(tmp_path),
            "--no-history", "--min-confidence", "0"]
    assert cli.run(argv + ["--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["answer"] == "Paul Grant"  # was "Paul\nGrant"
    assert out["answer_quote"] == "Paul\nGrant"
    text = (tmp_path / "lib.txt").read_text(encoding="utf-8")
    paragraph = text.split("\n\n")[1]
    c = out["citations"][0]
    assert paragraph[c["start"]:c["end"]] == c["quote"] == out["evidence"]  # verbatim, offsets right
    assert out["answer_quote"] in c["quote"]
    assert cli.run(argv) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("Paul Grant  (1 source") and "Paul\nGrant" not in shown
    from askbrief.render import mark_parts

    assert mark_parts("by Paul\nGrant, who", "Paul Grant") == [("by ", ""), ("Paul\nGrant", "mark"), (", who", "")]


def test_an_answer_saved_before_answer_quote_reads_with_its_answer_as_the_quote(seeds_assistant):
    import json

    from askbrief.models import Answer

    ans = seeds_assistant.ask("Who took Gharyan?")
    old = json.loads(ans.model_dump_json())
    del old["answer_quote"]
    again = Answer.model_validate_json(json.dumps(old))
    assert again.answer_quote == again.answer == ans.answer
