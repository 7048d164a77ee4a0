"""Bad input never crashes askbrief: odd files, odd questions, generated text."""

import os
import random
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import askbrief
from askbrief import corpus
from askbrief.corpus import load_brief
from askbrief.errors import AskbriefError, UsageError

from helpers import assert_verbatim


def cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "askbrief", *args], input=stdin, capture_output=True,
                          text=True, timeout=120)


# --- briefs --------------------------------------------------------------------------

def test_binary_nul_non_utf8_and_empty_files_are_skipped_or_repaired(tmp_path):
    (tmp_path / "good.txt").write_text("Tripoli is the capital of Libya.", encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    (tmp_path / "latin1.txt").write_bytes("Gharyan est à 50 km de Tripoli.".encode("latin-1"))
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "utf16.txt").write_bytes("Misrata is a city.".encode("utf-16"))
    (tmp_path / "mixed.txt").write_bytes(b"Sirte \x81\xff is a city.")  # neither UTF-8 nor Windows-1252
    brief = load_brief([tmp_path])
    ids = sorted(d.id for d in brief.documents)
    assert ids == ["good", "latin1", "mixed", "utf16"]
    assert brief.document("latin1").text == "Gharyan est à 50 km de Tripoli."
    assert "\ufffd" in brief.document("mixed").text
    warnings = "\n".join(brief.warnings)
    assert "image.txt: binary file" in warnings
    assert "latin1.txt: not UTF-8, read as Windows-1252" in warnings
    assert "mixed.txt: not valid UTF-8, undecodable bytes replaced" in warnings
    assert "empty.md: no text" in warnings


def test_symlink_loop_and_dangling_link_do_not_hang(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "note.txt").write_text("Benghazi is in the east.", encoding="utf-8")
    os.symlink(tmp_path / "a", tmp_path / "a" / "loop")
    os.symlink(tmp_path / "nowhere.txt", tmp_path / "a" / "dangling.txt")
    brief = load_brief([tmp_path])
    assert [d.id for d in brief.documents] == ["a/note"]
    assert any("dangling.txt" in w for w in brief.warnings)


def test_fifo_is_skipped_not_read(tmp_path):
    (tmp_path / "ok.txt").write_text("Zawiya is a coastal town.", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    brief = load_brief([tmp_path])
    assert [d.id for d in brief.documents] == ["ok"]
    assert any("pipe.txt: not a regular file" in w for w in brief.warnings)


def test_unreadable_file_is_skipped_with_a_warning(tmp_path, monkeypatch):
    (tmp_path / "ok.txt").write_text("Zawiya is a coastal town.", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("hidden", encoding="utf-8")
    real_open = open

    def guarded(path, *a, **k):  # root can read anything: simulate EACCES
        if str(path).endswith("secret.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr(corpus, "open", guarded, raising=False)
    brief = load_brief([tmp_path])
    assert [d.id for d in brief.documents] == ["ok"]
    assert any("secret.txt: Permission denied" in w for w in brief.warnings)


def test_huge_file_is_read_in_bounded_memory(tmp_path):
    line = ("Haftar's forces advanced on Tripoli from Gharyan on Thursday, 50 km away. " * 10 + "\n\n").encode()
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        for _ in range(50 * 2**20 // len(line) + 1):
            f.write(line)
    assert big.stat().st_size >= 50 * 2**20
    code = ("import resource, askbrief; a = askbrief.load([%r]); a.ask('Who advanced on Tripoli?'); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)") % str(big)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    peak_mb = int(r.stdout.split()[-1]) / 1024
    assert peak_mb < 600, peak_mb


def test_directory_without_text_exits_1_naming_it(tmp_path):
    (tmp_path / "x.bin").write_bytes(b"\0\1")
    r = cli("ask", "Who?", "--corpus", str(tmp_path))
    assert r.returncode == 1 and str(tmp_path) in r.stderr and "Traceback" not in r.stderr


# --- questions -----------------------------------------------------------------------

def test_megabyte_question_is_refused_quickly(seeds_assistant):
    with pytest.raises(UsageError, match="too long"):
        seeds_assistant.ask("Who took Gharyan? " * 60_000)
    r = cli("ask", stdin="x" * 1_000_000 + "\n")
    assert r.returncode == 2 and "too long" in r.stderr and r.stderr.count("\n") == 1


@pytest.mark.parametrize("question", ["what is it?", "Who?", "?!?", "Кто взял Гарьян?", "谁占领了加里延？",
                                      "مَن استولى على غريان؟"])
def test_stopword_and_foreign_questions_abstain_without_error(seeds_assistant, question):
    ans = seeds_assistant.ask(question)
    assert ans.abstained and ans.answer is None
    assert_verbatim(ans, seeds_assistant.brief)


def test_control_characters_in_question(seeds_assistant):
    ans = seeds_assistant.ask("Who\x00 took\x1b[31m Gharyan\x07?")
    assert_verbatim(ans, seeds_assistant.brief)
    r = cli("ask", stdin="When did Bouteflika\x1b]0;x\x07 resign?\n")
    assert r.returncode == 0 and "\x1b" not in r.stdout and "\x07" not in r.stdout


# --- generated input -----------------------------------------------------------------

_WORDS = ["Tripoli", "Gharyan", "Haftar", "forces", "took", "the", "town", "on", "Thursday", "50", "km",
          "from", "said", "al-Hassi", "because", "of", "war", "2019", "April", "more", "than", "100", "men",
          "[bold]", "[/]", "é", "\x1b[2J", "“quoted”", "U.N.", "Mr.", "—", "-", "(31 miles)", "\t"]
_sentence = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=25).map(" ".join)
_doc = st.lists(_sentence.map(lambda s: s + "."), min_size=1, max_size=6).map(" ".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(docs=st.lists(st.lists(_doc, min_size=1, max_size=4).map("\n\n".join), min_size=1, max_size=4),
       questions=st.lists(st.tuples(st.sampled_from(["Who", "When", "Where", "How many", "What", "Why"]),
                                    _sentence).map(lambda t: f"{t[0]} {t[1]}?"), min_size=1, max_size=5))
def test_generated_briefs_and_questions_give_verbatim_answers(tmp_path, docs, questions):
    for i, text in enumerate(docs):
        (tmp_path / f"d{i}.txt").write_text(text, encoding="utf-8")
    for extra in tmp_path.glob("d*.txt"):
        if int(extra.stem[1:]) >= len(docs):
            extra.unlink()
    try:
        assistant = askbrief.load([tmp_path])
    except AskbriefError:
        return
    for q in questions:
        ans = assistant.ask(q)
        assert_verbatim(ans, assistant.brief)


def test_fuzz_twelve_hundred_questions_against_the_seeds(seeds_assistant):
    rng = random.Random(7)
    vocab = sorted({w for d in seeds_assistant.brief.documents for w in d.text.split()})
    noise = ["?", "!", "...", "'", '"', "[", "]", "(", "\\", "—", "é", "ß", "Ж", "中", "ع", "🙂", "\x00", "\t"]
    starts = ["Who", "When", "Where", "How many", "How far", "What", "Which", "Why", "", "Is"]
    for _ in range(1200):  # 2,000 took 38 s once answers read meaning: the suite stays near 3 minutes
        words = [rng.choice(vocab if rng.random() < 0.8 else noise) for _ in range(rng.randint(1, 12))]
        q = f"{rng.choice(starts)} {' '.join(words)}{rng.choice(['?', '', '??', ' ?'])}"
        try:
            ans = seeds_assistant.ask(q)
        except UsageError:
            assert not q.strip()
            continue
        if not ans.abstained:
            assert (ans.answer or ans.highlight or ans.evidence) in ans.evidence  # short or sentence
            for c in ans.citations:
                assert c.quote in seeds_assistant.brief.document(c.doc).text
