"""The views keep to load → check → act: what they read comes from queries, what they change from services.

A view that queries `db.session` itself holds a read no other caller (the API, a job, a test) can reuse, and one
that writes through it makes a change no service checked, audited or committed.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", "tests", "migrations", "node_modules", "site"}


def _view_modules():
    """Every module that holds views: `views.py`, `*_views.py`, and the modules of a `views/` package."""
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in SKIPPED or parts[0].startswith("."):
            continue
        if path.stem == "views" or path.stem.endswith("_views") or "views" in parts[:-1]:
            yield path


def test_the_view_modules_are_found():
    found = {path.relative_to(ROOT).as_posix() for path in _view_modules()}
    assert {"accounts/views.py", "core/views.py", "review/views/reviews.py"} <= found


def test_no_view_touches_the_database_session():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _view_modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "db.session" in line
    ]
    assert found == []
