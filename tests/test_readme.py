"""The README's Python API example runs and prints what the README says it prints."""

import re

from helpers import ROOT


def _block(readme: str, marker: str) -> str:
    """The code block right after ``<!-- marker -->``."""
    m = re.search(rf"<!-- {marker} -->\n```[a-z]*\n(.*?)```", readme, re.S)
    assert m, marker
    return m.group(1)


def test_python_api_example_prints_what_the_readme_shows(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code, shown = _block(readme, "api:example"), _block(readme, "api:output")
    assert "askbrief.load(" in code and ".ask(" in code and "context=" in code
    exec(compile(code, "README.md (api:example)", "exec"), {})
    assert capsys.readouterr().out == shown
