"""Packaging as the ecosystem expects: an SPDX licence with its file, classifiers, project URLs,
and the version askbrief reports is the one its metadata holds."""

import tomllib
from importlib.metadata import metadata

from helpers import ROOT


def test_pyproject_declares_licence_classifiers_and_urls():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in licence
    classifiers = project["classifiers"]
    assert {"Environment :: Console", "Typing :: Typed", "Programming Language :: Python :: 3.11"} <= set(classifiers)
    assert not [c for c in classifiers if c.startswith("License ::")]  # PEP 639: the expression says it
    assert {"Homepage", "Issues", "Source"} <= set(project["urls"])


def test_installed_metadata_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    m = metadata("askbrief")
    assert m["Version"] == project["version"]
