"""The library is typed: ``py.typed`` ships, and user code of the public API passes ``mypy --strict``.

mypy is in the test extras (``pip install ".[test]"``), so CI runs it.
"""

import subprocess
import sys

import pytest

from helpers import ROOT

USER_CODE = '''
import askbrief
from askbrief import Answer, Assistant, AskbriefError, Citation, Settings


def main() -> None:
    assistant: Assistant = askbrief.load(["seeds"], settings=Settings(top_k=10))
    answer: Answer = assistant.ask("Who took Gharyan?")
    text: str | None = answer.answer
    confidence: float = answer.confidence
    citations: list[Citation] = answer.citations
    follow_up: Answer = assistant.ask("How far is it from Tripoli?", context=[answer])
    resolved: dict[str, str] = follow_up.resolved
    again: Answer = Answer.model_validate_json(answer.model_dump_json())
    try:
        askbrief.load(["/nowhere"])
    except AskbriefError as e:
        code: int = e.exit_code
    print(text, confidence, citations[0].quote, resolved, again, code, assistant.brief.fingerprint)
'''


def test_py_typed_ships_with_the_package():
    assert (ROOT / "askbrief" / "py.typed").is_file()


def test_public_api_passes_mypy_strict(tmp_path):
    example = tmp_path / "user_code.py"
    example.write_text(USER_CODE, encoding="utf-8")
    modules = [str(ROOT / "askbrief" / m) for m in ("__init__.py", "assistant.py", "models.py", "errors.py", "config.py")]
    r = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
                        str(example), *modules],  # mypy's cache in .mypy_cache makes a rerun fast
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
