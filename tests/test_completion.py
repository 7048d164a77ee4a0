"""Shell completion: static scripts, printed by `askbrief completion SHELL`, up to date with the parser."""

import shutil
import subprocess
import sys

import pytest

from helpers import ROOT

SCRIPTS = ROOT / "askbrief" / "completions"


def run(*args):
    return subprocess.run([sys.executable, "-m", "askbrief", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_the_committed_script(shell):
    r = run("completion", shell)
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout == (SCRIPTS / f"askbrief.{shell}").read_text(encoding="utf-8")
    for word in ("history", "completion", "corpus", "na-probs", "search"):
        assert word in r.stdout


def test_scripts_are_up_to_date_with_the_parser():
    pytest.importorskip("shtab")
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_completions.py"), "--check"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_printing_a_script_loads_nothing_else():
    code = ("import sys, io; from askbrief import cli; sys.stdout = io.StringIO(); cli.run(['completion', 'fish']); "
            "sys.stdout = sys.__stdout__; print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'shtab', 'textual', 'pydantic', 'numpy', 'platformdirs'}))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash")
def test_bash_completes_commands_actions_and_choices():
    script = SCRIPTS / "askbrief.bash"

    def complete(*words: str) -> list[str]:
        line = " ".join(f'"{w}"' for w in words)
        r = subprocess.run(["bash", "-c", f'source "{script}"; COMP_WORDS=(askbrief {line}); '
                                          f'COMP_CWORD={len(words)}; _shtab_askbrief; '
                                          'printf "%s\\n" "${COMPREPLY[@]}"'],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        return r.stdout.split()

    assert complete("hi") == ["history"]
    assert complete("history", "") == ["list", "show", "export", "delete", "search"]
    assert complete("completion", "") == ["bash", "zsh", "fish"]
    assert complete("eval", "x.json", "--na") == ["--na-probs"]
    assert complete("history", "export", "3", "--format", "") == ["md", "json"]


def test_unknown_shell_and_other_tools_spelling_are_usage_errors():
    r = run("completion", "powershell")
    assert r.returncode == 2 and "invalid choice: 'powershell'" in r.stderr and r.stderr.count("\n") == 1
    r = run("--install-completion")
    assert r.returncode == 2 and r.stderr == (
        "askbrief: error: completion scripts: askbrief completion bash|zsh|fish "
        "(see 'askbrief completion --help')\n")


@pytest.mark.skipif(not shutil.which("fish"), reason="needs fish")
def test_fish_completes_commands_actions_and_choices():
    script = SCRIPTS / "askbrief.fish"

    def complete(line: str) -> list[str]:
        r = subprocess.run(["fish", "-c", f"source {script}; complete -C '{line}'"],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        return [row.split("\t")[0] for row in r.stdout.splitlines()]

    assert complete("askbrief hist") == ["history"]
    assert complete("askbrief history ") == ["delete", "export", "list", "search", "show"]
    assert complete("askbrief completion ") == ["bash", "fish", "zsh"]
    assert complete("askbrief eval x.json --na") == ["--na-probs"]
    assert complete("askbrief history export 3 --format ") == ["json", "md"]


@pytest.mark.skipif(not shutil.which("zsh"), reason="needs zsh")
def test_zsh_script_parses():
    r = subprocess.run(["zsh", "-n", str(SCRIPTS / "askbrief.zsh")], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and r.stderr == ""
