"""The tests themselves: each test module stands alone, and no test waits on the clock instead of on what it waits for.

A test module imported by another runs its tests twice and ties the two files together: what they share lives in
tests/factories.py or tests/conftest.py. A fixed pause is slow on a fast machine and flaky on a slow one: a test
waits on the condition itself (tests/conftest.py's wait_until, an Event) or moves the clock.
"""

import ast
from pathlib import Path

from flask import g
from flask_babel import force_locale

from solicitation.models import RoundStatus

TESTS = Path(__file__).resolve().parent
PAUSES = {"sleep", "wait_for_timeout"}  # time.sleep, asyncio.sleep, Playwright's page.wait_for_timeout
ALLOWED_PAUSE = (TESTS / "conftest.py", "wait_until")


def _modules():
    for path in sorted(TESTS.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _pauses(tree):
    """(line, function) of every call to a pause, with the function it is in."""
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in PAUSES:
                inside = [f.name for f in functions if f.lineno <= node.lineno <= (f.end_lineno or f.lineno)]
                yield node.lineno, inside[-1] if inside else None


def test_no_test_module_imports_another_test_module():
    found = [
        f"{path.relative_to(TESTS.parent)} imports {name}"
        for path, tree in _modules()
        for name in _imported_modules(tree)
        if any(part.startswith("test_") for part in name.split("."))
    ]
    assert found == []


def test_no_test_waits_on_a_fixed_pause():
    found = [
        f"{path.relative_to(TESTS.parent)}:{line}"
        for path, tree in _modules()
        for line, function in _pauses(tree)
        if (path, function) != ALLOWED_PAUSE
    ]
    assert found == []


def test_the_hygiene_checks_see_what_they_look_for():
    bad = ast.parse("import time\nfrom tests.core.test_mail import FORM\ndef f():\n    time.sleep(1)\n")
    assert "tests.core.test_mail.FORM" in set(_imported_modules(bad))
    assert list(_pauses(bad)) == [(4, "f")]


# A locale left behind: flask-babel caches the locale on the app context's `g`, so a context that outlived its test
# would hand the next test the language of the last page or `force_locale` of the one before. These two run in this
# order (pytest keeps a module's order): the first leaves every kind of language choice it can, the second checks
# it starts afresh.


def test_a_test_that_reads_pages_in_both_languages(app, client):
    assert RoundStatus.preparing.label == "筹备"  # caches the default locale on this test's context
    client.get("/language/en")
    assert "Log in" in client.get("/login").get_data(as_text=True)
    with app.test_request_context("/"), force_locale("en"):
        assert RoundStatus.preparing.label == "Preparing"


def test_the_next_test_starts_with_no_locale_left_behind():
    assert "_flask_babel" not in g  # nothing cached on this test's context before it asks
    # Outside a request, a label is in the platform's default language, as the CLI and the worker read it.
    assert RoundStatus.preparing.label == "筹备"
