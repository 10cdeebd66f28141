"""The README's commands are the ones CI runs."""

import re

from conftest import ROOT


def commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", readme)


def test_readme_has_two_commands():
    serve, test = commands()
    assert serve.endswith("mkdocs serve")
    assert test.endswith("pytest")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert commands()[1] in ci
    assert ci[-1] == commands()[1], "the test command must be the last thing CI runs"
