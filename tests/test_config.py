"""The config file: where it is, what it sets, the order of precedence, and its errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from askbrief.config import Config, load_config, save_theme
from askbrief.errors import ConfigError

from helpers import ROOT, SEEDS


def run(*args, env=None, stdin=None):
    return subprocess.run([sys.executable, "-m", "askbrief", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=ROOT, input=stdin, timeout=60)


@pytest.fixture
def config_file():
    path = Path(os.environ["ASKBRIEF_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def oslo(tmp_path):
    brief = tmp_path / "brief"
    brief.mkdir()
    (brief / "n.txt").write_text("The meeting in Oslo was held on Friday.", encoding="utf-8")
    return brief


def test_missing_file_is_the_defaults_and_costs_no_import():
    assert load_config() == Config()
    code = ("import sys; from askbrief import cli; cli.run(['ask', '--no-history', '--corpus', %r, "
            "'Who took Gharyan?']); print(sorted({'tomllib', 'askbrief.config'} & set(sys.modules)))" % str(SEEDS))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "[]"


def test_every_key_is_read_and_relative_corpus_paths_are_from_the_file(config_file):
    config_file.write_text('# mine\ncorpus = ["brief", "~/notes.md"]\ntop_k = 7\nmin_confidence = 0.5\n'
                           '\n[chat]\ntheme = "nord"\n', encoding="utf-8")
    c = load_config()
    assert c == Config(path=config_file, corpus=(str(config_file.parent / "brief"),
                                                 str(Path("~/notes.md").expanduser())),
                       top_k=7, min_confidence=0.5, theme="nord")


@pytest.mark.parametrize("text,message", [
    ("top_k = 3\ntopk = 4\n", ":2: unknown key 'topk' (known: corpus, top_k, min_confidence, min_sentence_confidence, chat.theme)"),
    ("[chat]\ntheme = 'x'\ncolour = 'red'\n", ":3: unknown key 'chat.colour'"),
    ("chat.font = 'x'\n", ":1: unknown key 'chat.font'"),
    ("top_k = 3\n[display]\nwidth = 80\n", ":2: unknown key 'display'"),
    ("top_k = 3\ntop_k == 3\n", ":2: invalid value (column 8)"),
    ("corpus = [\"a\",\n", ":1: "),
    ("top_k = \"ten\"\n", ":1: top_k must be a whole number from 1 to 1000, not 'ten'"),
    ("\n\nmin_confidence = 1.5\n", ":3: min_confidence must be a number from 0 to 1, not 1.5"),
    ("corpus = []\n", ":1: corpus must be a path or a list of paths, not []"),
    ("chat = 3\n", ":1: chat must be a table ([chat])"),
])
def test_malformed_files_are_named_with_line_and_reason(config_file, text, message):
    config_file.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config()
    assert str(e.value).startswith(f"{config_file}{message}")


def test_a_bad_file_exits_2_with_one_line(config_file):
    config_file.write_text("top_k = 3\ntopk = 4\n", encoding="utf-8")
    r = run("Who took Gharyan?")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.splitlines() == [
        f"askbrief: error: {config_file}:2: unknown key 'topk' (known: corpus, top_k, min_confidence, min_sentence_confidence, chat.theme)"]
    config_file.write_text("corpus = 'nowhere'\n", encoding="utf-8")
    r = run("Who took Gharyan?")
    assert r.returncode == 2 and r.stderr.splitlines() == [
        f"askbrief: error: {config_file}: corpus path not found: {config_file.parent / 'nowhere'}"]


def test_flags_beat_environment_beat_file_beat_defaults(config_file, oslo):
    def ask(*args, env=None):
        r = run("ask", "--json", "--no-history", *args, "Where was the meeting held?", env=env)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    a = ask()
    assert len(a["retrieved"]) > 4 and a["citations"][0]["doc"] != "n"  # defaults: the seeds
    config_file.write_text(f"corpus = {json.dumps(str(oslo))}\ntop_k = 1\nmin_confidence = 1.0\n"
                           "min_sentence_confidence = 1.0\n", encoding="utf-8")
    a = ask()
    assert a["abstained"] and a["citations"][0]["doc"] == "n"  # the file's brief and thresholds
    a = ask("--min-confidence", "0")
    assert a["answer"] == "Oslo" and len(a["retrieved"]) == 1  # a flag beats the file
    a = ask(env={"ASKBRIEF_CORPUS": str(SEEDS)})
    assert a["citations"][0]["doc"] != "n" and len(a["retrieved"]) == 1  # the environment beats the file
    a = ask("--corpus", str(SEEDS), "--top-k", "4")
    assert a["citations"][0]["doc"] != "n" and len(a["retrieved"]) == 4


def test_paths_shows_the_config_file(config_file):
    r = run("paths")
    assert f"config:  {config_file} (not present)" in r.stdout.splitlines()
    config_file.write_text("top_k = 5\n", encoding="utf-8")
    assert f"config:  {config_file}" in run("paths").stdout.splitlines()


def test_save_theme_keeps_the_rest_of_the_file(config_file):
    import stat

    config_file.parent.rmdir()
    save_theme("nord")
    assert config_file.read_text() == '[chat]\ntheme = "nord"\n'
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(config_file.parent.stat().st_mode) == 0o700
    assert [p.name for p in config_file.parent.iterdir()] == ["config.toml"]  # no temporary file left
    config_file.write_text("# my settings\ntop_k = 5  # fewer\n", encoding="utf-8")
    save_theme("gruvbox")
    assert config_file.read_text() == '# my settings\ntop_k = 5  # fewer\n\n[chat]\ntheme = "gruvbox"\n'
    save_theme('odd "one"')
    assert config_file.read_text() == ('# my settings\ntop_k = 5  # fewer\n\n[chat]\n'
                                       'theme = "odd \\"one\\""\n')
    assert load_config().theme == 'odd "one"'
    config_file.write_text('[chat]\n# dark\n\n[other]\n', encoding="utf-8")
    with pytest.raises(ConfigError):  # an unknown table: the file is not rewritten
        save_theme("nord")
    assert config_file.read_text() == '[chat]\n# dark\n\n[other]\n'
    config_file.write_text('top_k = 2\n[chat]\n# dark\n', encoding="utf-8")
    save_theme("nord")
    assert config_file.read_text() == 'top_k = 2\n[chat]\ntheme = "nord"\n# dark\n'
