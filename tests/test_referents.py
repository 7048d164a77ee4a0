"""askbrief eval scores follow-up referents: conversations written on a small brief of their own
(tests/data/eval/dam, not the seeds), the report, and the field's errors."""

import json
import os
import subprocess
import sys

import pytest

import askbrief
from askbrief import referents
from askbrief.errors import QuestionFileError
from askbrief.evaluate import read_questions
from askbrief.records import EvalReport

from helpers import DATA, ROOT

DAM = DATA / "eval" / "dam"
CONVERSATIONS = DATA / "eval" / "referents.jsonl"


@pytest.fixture(scope="module")
def dam():
    return askbrief.load([str(DAM)], use_cache=False)


def _conversations():
    return [json.loads(line) for line in CONVERSATIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("conv", _conversations(), ids=lambda c: c["id"])
def test_each_reference_resolves_as_a_reader_takes_it(dam, conv):
    # she/he: the person a "who" question was answered with, or the one it asked about; it: the
    # village a "which village" question was answered with, the ceremony a "where" question
    # asked about; they: the farmers, not one person; nothing from an off-topic turn
    context = []
    for q in conv["turns"]:
        context.append(dam.ask(q, context=list(context)))
    refs = referents.score(conv["referents"], conv["turns"], context[-1].resolved, dam.index.map_term,
                           context[:-1])
    assert all(r.right for r in refs), [(r.expression, r.resolved, r.gold) for r in refs]


def test_a_resolution_names_the_gold_by_its_last_name():
    fold = {"hifter": "haftar"}.get
    assert referents.names_gold("Guterres", "Antonio Guterres")
    assert referents.names_gold("Khalifa Hifter", "Haftar", lambda t: fold(t, t))
    assert referents.names_gold("armed groups from Misrata", "Armed groups from the western Libyan city of Misrata")
    assert not referents.names_gold("Haftar", "Serraj and Haftar")  # both, for a "they" of two
    assert not referents.names_gold("Libyan", "Armed groups from the western Libyan city of Misrata")


def test_eval_reports_referents_by_kind_and_role():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    run = [sys.executable, "-m", "askbrief", "eval", str(CONVERSATIONS), "--corpus", str(DAM)]
    p = subprocess.run(run + ["--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    report = EvalReport.model_validate_json(p.stdout)
    ref = report.referents
    assert (ref.n, ref.right) == (8, 100.0)
    assert {k: s.n for k, s in ref.by_kind.items()} == {"person": 4, "group": 1, "place": 1, "thing": 2}
    assert {k: s.n for k, s in ref.by_role.items()} == {"subject": 3, "answer": 4, "none": 1}
    assert report.overall.n == 8  # the answers are scored as for any conversation file
    p = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert "  referents   100.0% of 8 references resolved as a reader would" in p.stdout
    assert "by kind: person 100.0% (4) · group 100.0% (1) · place 100.0% (1) · thing 100.0% (2)" in p.stdout


def test_a_file_without_referents_reports_none(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"id": "c", "turns": ["Who opened the dam?", "Who did he thank?"]}) + "\n")
    assert read_questions(path).cases[0].referents is None


@pytest.mark.parametrize("item,message", [
    ({"turns": ["Who opened the dam?", "Who did he thank?"], "referents": {"she": "Clara Voss"}},
     "referents: 'she' is not in the last turn"),
    ({"turns": ["Who opened the dam?", "Who did he thank?"], "referents": {"Reyes": "Tomas Reyes"}},
     "referents: 'Reyes' is not a referring expression (he, it, there, that town, ...)"),
    ({"question": "Who did he thank?", "referents": {"he": "Tomas Reyes"}},
     "'referents' belongs to a conversation ('turns', two or more)"),
    ({"turns": ["Who opened the dam?", "Who did he thank?"], "referents": {"he": 3}},
     "'referents.he': input should be a valid string"),
])
def test_referents_errors_name_the_line(tmp_path, item, message):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"id": "q1", "question": "Who opened the dam?"}) + "\n"
                    + json.dumps({"id": "c", **item}) + "\n")
    with pytest.raises(QuestionFileError) as e:
        read_questions(path)
    assert str(e.value) == f"{path}:2: {message}"


def _answered_from(brief, question, answer, sentence):
    """A turn answered with ``answer`` from ``sentence`` of the dam brief, cited where it is."""
    from askbrief.models import Answer, Citation

    for doc, n in brief.paragraph_keys():
        text = brief.paragraph(doc, n) or ""
        if (at := text.find(sentence)) >= 0:
            cited = Citation(doc=doc, title="t", date=None, paragraph=n, start=at, end=at + len(sentence),
                             quote=sentence)
            return Answer(question=question, answer=answer, abstained=False, confidence=0.6, evidence=sentence,
                          citations=[cited], retrieved=[], elapsed_ms=1.0)
    raise AssertionError(sentence)


def test_she_is_the_answer_the_brief_goes_on_calling_she(dam):
    # "Engineer Clara Voss designed the Merrow dam, ... She spent four years on the plans.": no
    # title the brief knows, but the sentence after the answer's calls its subject "she"
    sentence = "Engineer Clara Voss designed the Merrow dam, which stands near the village of Aldwick."
    first = _answered_from(dam.brief, "Which engineer designed the Merrow dam?", "Engineer Clara Voss", sentence)
    follow = dam.ask("How long did she spend on the plans?", context=[first])
    assert referents.names_gold(follow.resolved.get("she", ""), "Clara Voss")
    # the village of the same sentence is no "she"
    first = _answered_from(dam.brief, "Which settlement stands near the dam?", "Aldwick", sentence)
    assert "she" not in dam.ask("What did she plan?", context=[first]).resolved
