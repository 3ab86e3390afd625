"""The import rule of docs/architecture.md, in the code and in the templates.

`accounts` ← `solicitation` ← `review` ← `plan`: a later stage uses an earlier one's models, queries, services and
permissions, never its views or forms, and never the other way; `core` imports none of the stages; `jobs` only
`core` and `accounts`. A template of an earlier stage may show what a later one adds to its page (the published
decision on a proposal, the key projects a suggestion became), but only as a template global the later package
registers itself, and only behind `is defined`: the page stands without it, so the earlier stage never depends on
the later one, not even through its templates.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Each package with the packages it may import (besides extensions and config). The others (search_index, api,
# dashboard, backup, demo) may import any package's services and queries.
ALLOWED = {
    "core": set(),
    "accounts": {"core"},
    "jobs": {"core", "accounts"},
    "solicitation": {"core", "accounts", "jobs"},
    "review": {"core", "accounts", "jobs", "solicitation"},
    "plan": {"core", "accounts", "jobs", "solicitation", "review"},
}
STAGES = ("accounts", "solicitation", "review", "plan")
PACKAGES = (*ALLOWED, "search_index", "api", "dashboard", "backup", "demo")
# A template's place in the order: core's (and the shared ones at the top of templates/) first, the packages that
# may import anything last.
RANK = {"core": 0, "accounts": 1, "jobs": 2, "solicitation": 3, "review": 4, "plan": 5}


def _imports(package: str):
    """(file, line, module) of every import in `package` of another of the project's packages."""
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            else:
                continue
            for name in names:
                if name.split(".")[0] in PACKAGES and name.split(".")[0] != package:
                    yield path.relative_to(ROOT), node.lineno, name


def test_every_package_imports_only_what_the_rule_allows():
    wrong = [
        f"{path}:{line} imports {name}"
        for package, allowed in ALLOWED.items()
        for path, line, name in _imports(package)
        if name.split(".")[0] not in allowed
    ]
    assert wrong == []


def test_no_stage_uses_another_stages_views_or_forms():
    wrong = [
        f"{path}:{line} imports {name}"
        for package in PACKAGES
        for path, line, name in _imports(package)
        if name.split(".")[0] in STAGES and {"views", "forms"} & set(name.split(".")[1:])
    ]
    assert wrong == []


def _owner(function) -> str:
    return function.__module__.split(".")[0]


def test_a_template_shows_a_later_packages_data_only_if_that_package_gave_it(app):
    """Template globals and filters that read data (the predicates are the shared permission rule) belong to a
    package; a template of an earlier package calls a later one's only behind `is defined`."""
    named = {
        name: _owner(value)
        for name, value in (*app.jinja_env.globals.items(), *app.jinja_env.filters.items())
        if callable(value) and _owner(value) in PACKAGES and not value.__module__.endswith(".permissions")
    }
    wrong, checked = [], 0
    for path in sorted((ROOT / "templates").rglob("*.html")):
        folder = path.relative_to(ROOT / "templates").parts[0]
        if folder not in RANK and path.parent != ROOT / "templates":
            continue  # a package that may use any other's
        rank = RANK.get(folder, 0)
        text = path.read_text(encoding="utf-8")
        for name, owner in named.items():
            used = re.search(rf"(?<![\w.]){name}\s*\(|\|\s*{name}\b", text)
            if used and RANK.get(owner, 6) > rank:
                checked += 1
                if not re.search(rf"\b{name} is defined\b", text):
                    wrong.append(f"templates/{path.relative_to(ROOT / 'templates')} calls {owner}'s {name}")
    assert wrong == []
    assert checked >= 5  # the review's decision and funnel, the plan's key projects, search, the home page's rounds


def test_the_application_factory_hands_no_package_data_to_templates():
    """app.py wires: each package registers the template globals and filters it adds (in its blueprint)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    registered = [
        ast.unparse(node.args[0])
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("add_template_global", "add_template_filter")
    ]
    assert all(name.split(".")[0] not in PACKAGES and "_queries" not in name for name in registered), registered
