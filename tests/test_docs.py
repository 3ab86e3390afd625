"""The documentation: its state diagrams are drawn from the code's transitions, and the README links nothing outside."""

import importlib.util
import re
from pathlib import Path

import pytest

from plan.models import PLAN_TRANSITIONS
from plan.services import plans as plan_services
from plan.services import progress
from review.services import reviews, stages
from solicitation.models import ROUND_TRANSITIONS, SUGGESTION_TRANSITIONS
from solicitation.services import proposals, rounds, suggestions

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "scripts" / "docs_hooks.py")
docs_hooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(docs_hooks)

SERVICES = (rounds, proposals, suggestions, reviews, stages, plan_services, progress)


def _diagram(record: str) -> str:
    machine = next(m for m in docs_hooks.machines() if m.record == record)
    return docs_hooks.render(machine)


@pytest.mark.parametrize(
    ("record", "table"),
    [("Round", ROUND_TRANSITIONS), ("Suggestion", SUGGESTION_TRANSITIONS), ("Plan", PLAN_TRANSITIONS)],
)
def test_state_diagram_draws_every_declared_transition(record, table):
    drawn = _diagram(record)
    for source, targets in table.items():
        for target in targets:
            assert f'data-move="{source.value}->{target.value}"' in drawn, (record, source, target)


def test_state_diagrams_draw_every_state_of_every_record():
    for machine in docs_hooks.machines():
        drawn = docs_hooks.render(machine)
        for state in machine.states:
            assert f'fill="#555">{state.value}</text>' in drawn, (machine.record, state)
        reached = {move.target for move in machine.moves}
        assert reached == set(machine.states), f"{machine.record}: states no move leads to"


def test_state_diagrams_name_services_that_exist():
    for machine in docs_hooks.machines():
        for move in machine.moves:
            for name in re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", move.how):
                assert any(hasattr(module, name) for module in SERVICES), (machine.record, name)


def test_architecture_pages_ask_for_the_diagrams_in_their_language():
    assert docs_hooks.MARKER in (ROOT / "docs" / "en" / "tech" / "architecture.md").read_text(encoding="utf-8")
    assert docs_hooks.MARKER_ZH in (ROOT / "docs" / "tech" / "architecture.md").read_text(encoding="utf-8")


def test_chinese_state_diagrams_draw_the_same_moves_in_chinese_under_the_same_anchors():
    chinese = docs_hooks._chinese()
    for machine in docs_hooks.machines():
        english, drawn = docs_hooks.render(machine, chinese), docs_hooks.render_zh(machine, chinese)
        assert re.findall(r'data-move="[^"]+"', drawn) == re.findall(r'data-move="[^"]+"', english)
        assert f"{{#{docs_hooks.anchor(machine)}}}" in drawn.splitlines()[0], machine.record
        assert machine.declared_in_zh and (machine.note_zh or not machine.note), machine.record
        for move in machine.moves:  # every maker has its Chinese, still naming the service
            assert move.how.split(" ")[0].rstrip(",") in docs_hooks.how_zh(move.how) or move.how in docs_hooks.HOW_ZH
        for state in machine.states:  # the label is English outside an app, Chinese if a test left one active
            label = str(state.label)
            assert f"| {chinese.get(label, label)} · {state.value} |" in drawn, (machine.record, state)


def test_readme_names_nothing_outside_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = [link for link in re.findall(r"\]\(([^)#]+)", readme) if "://" not in link]
    assert "docs/guide/office.md" in links
    assert [link for link in links if not (ROOT / link).resolve().is_relative_to(ROOT)] == []
    assert "../" not in readme


@pytest.mark.parametrize("page", ["operations.md", "security.md", "architecture.md"])
def test_chinese_technical_page_links_its_english_one_and_keeps_its_anchors(page):
    from markdown.extensions.toc import slugify

    chinese = (ROOT / "docs" / "tech" / page).read_text(encoding="utf-8")
    english = (ROOT / "docs" / "en" / "tech" / page).read_text(encoding="utf-8")
    assert f"](../en/tech/{page})" in chinese.split("\n## ")[0]
    assert f"](../../tech/{page})" in english.split("\n## ")[0]
    english_anchors = [slugify(title, "-") for title in re.findall(r"^#{2,3} (.+)$", english, re.MULTILINE)]
    chinese_anchors = re.findall(r"^#{2,3} .+ \{#([a-z0-9-]+)\}$", chinese, re.MULTILINE)
    assert chinese_anchors == english_anchors


def test_wrapped_chinese_lines_are_joined_without_a_space():
    code = "\n\n- 列表：\n- 第二项\n\n```sh\n# 注释\n命令\n```\n## 标题\n正文"  # blocks stay as they are
    wrapped = "改革办负责\n整个流程，\n`office` 角色；见\n`flask`" + code
    assert docs_hooks.join_chinese_lines(wrapped) == "改革办负责整个流程，`office` 角色；见\n`flask`" + code


@pytest.mark.parametrize("page", sorted(p.relative_to(ROOT / "docs") for p in (ROOT / "docs").rglob("*.md")))
def test_joining_chinese_lines_keeps_every_page_as_it_was_but_for_the_breaks(page):
    import markdown

    def html(text):
        return markdown.markdown(text, extensions=["tables", "attr_list", "toc"])

    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    before, after = html(text), html(docs_hooks.join_chinese_lines(text))
    assert re.findall(r"<\w+", after) == re.findall(r"<\w+", before)  # the same blocks and elements
    assert re.sub(r"\s", "", after) == re.sub(r"\s", "", before)  # the same text


def test_documentation_names_only_files_that_exist():
    """A file the pages or the diagrams name (`plan/models/plans.py`, `tests/core/test_web.py`) is where they say."""
    texts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").rglob("*.md"))]
    texts += [f"`{m.declared_in}` `{m.declared_in_zh}`" for m in docs_hooks.machines()]
    folders = {path.name for path in ROOT.iterdir() if path.is_dir() and not path.name.startswith(".")}
    named = {name for text in texts for name in re.findall(r"`([\w./-]+\.py)`", text)}
    named |= {name for text in texts for name in re.findall(r"`([a-z_]+/[\w./-]+\.py)", text)}
    missing = sorted(n for n in named if n.split("/")[0] in folders and not (ROOT / n).exists())
    assert missing == []
