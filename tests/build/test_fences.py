"""The fence runner runs each of a page's chained fences once, as the build runs its sections."""

import traceback
from pathlib import Path

from fences import ChainedRunner
from pytest_markdown_docs.definitions import FenceTestDefinition

PAGE = Path("docs/page.md")


def chained(*fences: str) -> list[FenceTestDefinition]:
    """Tests as pytest-markdown-docs makes them: each holds the page's code up to its fence."""
    tests, source = [], ""
    for number, fence in enumerate(fences):
        source += "\n" * (3 * number + 1 - source.count("\n")) + fence + "\n"
        tests.append(FenceTestDefinition(source, (), 3 * number + 1, PAGE, None))
    return tests


def run_all(tests, runner) -> tuple[list[str], list[BaseException]]:
    log, errors = [], []
    for test in tests:
        try:
            runner.runtest(test, {"log": log})
        except Exception as error:  # noqa: BLE001 - collected for the assertions
            errors.append(error)
    return log, errors


def test_each_fence_runs_once_in_the_namespace_before_it():
    tests = chained("log.append(1); x = 1", "log.append(2); x += 1", "log.append(3); print(x)")
    log, errors = run_all(tests, ChainedRunner())
    assert (log, errors) == ([1, 2, 3], [])


def test_after_a_failure_the_next_fence_runs_the_page_afresh_and_fails_where_it_did():
    tests = chained("log.append(1)", "log.append(2); 1 / 0", "log.append(3)")
    log, errors = run_all(tests, ChainedRunner())
    assert log == [1, 2, 1, 2]
    assert [type(e) for e in errors] == [ZeroDivisionError, ZeroDivisionError]
    assert [page_line(e) for e in errors] == [5, 5]  # the page's line of `1 / 0`, both times


def page_line(error: BaseException) -> int:
    return [f.lineno for f in traceback.extract_tb(error.__traceback__) if f.filename == str(PAGE)][
        -1
    ]


def test_a_fence_run_alone_runs_everything_before_it():
    log, errors = run_all(chained("log.append(1)", "log.append(2)")[1:], ChainedRunner())
    assert (log, errors) == ([1, 2], [])


def test_prints_are_kept_from_the_terminal(capsys):
    run_all(chained("print('hidden')"), ChainedRunner())
    assert capsys.readouterr().out == ""


def test_another_page_starts_afresh():
    runner = ChainedRunner()
    run_all(chained("log.append(1); x = 1"), runner)
    again = FenceTestDefinition("log.append(2); x\n", (), 1, Path("docs/other.md"), None)
    log, errors = run_all([again], runner)
    assert log == [2] and [type(e) for e in errors] == [NameError]
