"""MkDocs hook: the state diagrams of the architecture pages, drawn at build time from the code's own transitions.

A page that holds the line `<!-- state-diagrams -->` (docs/en/tech/architecture.md) gets, in its place, one section
per record: an SVG drawing (states in their order, forward moves arched above, moves back below) and a table of
every move; `<!-- state-diagrams:zh -->` (docs/tech/architecture.md) gets the same drawings with the sections'
text in Chinese, under the same anchors.
Round, Suggestion and Plan declare their moves as tables (`ROUND_TRANSITIONS`, `SUGGESTION_TRANSITIONS`,
`PLAN_TRANSITIONS`), which are read as they are. Proposal,
ProgressReport and the review's stages have no such table: their moves are derived from the sets and the list
the services check (`PROPOSAL_EDITABLE`, `PROPOSAL_WITH_OFFICE`, `EDITABLE`, `STAGES`). A Review's two moves are
written here, naming the service that makes each; tests/test_docs.py checks those services exist and that every
state of every record is drawn. A KeyProject has no state of its own: it follows its plan's.
"""

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import force_locale

ROOT = Path(__file__).resolve().parents[1]

MARKER = "<!-- state-diagrams -->"
MARKER_ZH = "<!-- state-diagrams:zh -->"


@dataclass
class Move:
    source: object | None  # an enum member; None: the record is made in the target state
    target: object
    how: str  # what makes the move: the service function, and who


@dataclass
class Machine:
    record: str
    states: type  # the LabelledEnum of its states
    declared_in: str  # where the code declares or checks the moves
    moves: list[Move] = field(default_factory=list)
    note: str = ""
    # The Chinese page's text: the record's name, where its moves are declared, and its note
    record_zh: str = ""
    declared_in_zh: str = ""
    note_zh: str = ""


def _table_moves(table: dict, how: str) -> list[Move]:
    return [Move(source, target, how) for source, targets in table.items() for target in targets]


def machines() -> list[Machine]:
    """Every record's states and moves, read from the code."""
    if str(ROOT) not in sys.path:  # MkDocs loads a hook with its own folder on the path, then takes it off
        sys.path.insert(0, str(ROOT))
    from plan.models import PLAN_TRANSITIONS, REPORT_EDITABLE, PlanStatus, ReportState
    from review.models import ReviewStage, ReviewStatus
    from review.services import stages
    from solicitation.models import (
        PROPOSAL_EDITABLE,
        PROPOSAL_WITH_OFFICE,
        ROUND_TRANSITIONS,
        SUGGESTION_TRANSITIONS,
        ProposalStatus,
        RoundStatus,
        SuggestionStatus,
    )

    S = SuggestionStatus
    TRIAGE = {  # the office's service for each move of the triage, named by where it leads
        S.received: "reopen_suggestion (office)",
        S.accepted: "accept_suggestion (office)",
        S.rejected: "reject_suggestion (office)",
        S.duplicate: "mark_duplicate (office)",
        S.referred: "refer_suggestion (office)",
        S.adopted: "decide_suggestion (office)",
        S.not_adopted: "decide_suggestion (office)",
    }

    proposal_moves = [Move(None, ProposalStatus.draft, "create_proposal (unit)")]
    proposal_moves += [
        Move(
            s,
            ProposalStatus.resubmitted if s is ProposalStatus.returned else ProposalStatus.submitted,
            "submit_proposal (unit)",
        )
        for s in ProposalStatus
        if s in PROPOSAL_EDITABLE
    ]
    proposal_moves += [
        Move(s, ProposalStatus.returned, "return_proposal (office)")
        for s in ProposalStatus
        if s in PROPOSAL_WITH_OFFICE
    ]
    proposal_moves += [
        Move(s, ProposalStatus.withdrawn, "withdraw_proposal (unit)")
        for s in ProposalStatus
        if s is not ProposalStatus.withdrawn
    ]

    report_moves = [
        Move(None, ReportState.draft, "save_report (lead unit)"),
        Move(None, ReportState.submitted, "save_report with submit (lead unit)"),
    ]
    report_moves += [
        Move(s, ReportState.submitted, "save_report with submit (lead unit)")
        for s in ReportState
        if s in REPORT_EDITABLE
    ]
    report_moves += [
        Move(ReportState.submitted, ReportState.accepted, "review_report, accept (office)"),
        Move(ReportState.submitted, ReportState.returned, "review_report, return (office)"),
        Move(None, ReportState.accepted, "import_progress (office)"),
    ]

    stage_moves = [Move(None, stages.STAGES[0], "the round's review settings are made")]
    for before, after in zip(stages.STAGES, stages.STAGES[1:], strict=False):
        stage_moves += [Move(before, after, "move_stage (office)"), Move(after, before, "move_stage (office)")]

    return [
        Machine(
            "Round",
            RoundStatus,
            "`ROUND_TRANSITIONS` in `solicitation/models/rounds.py`, checked by `transition_round`",
            [Move(None, RoundStatus.preparing, "create_round (office)")]
            + _table_moves(ROUND_TRANSITIONS, "transition_round (office)"),
            record_zh="征集轮次",
            declared_in_zh="`solicitation/models/rounds.py` 中的 `ROUND_TRANSITIONS`，由 `transition_round` 校验",
        ),
        Machine(
            "Proposal",
            ProposalStatus,
            "no table: derived from `PROPOSAL_EDITABLE` and `PROPOSAL_WITH_OFFICE` in "
            "`solicitation/models/proposals.py`, which `submit_proposal` and `return_proposal` check; "
            "`withdraw_proposal` takes any proposal not withdrawn",
            proposal_moves,
            "Returning and withdrawing also need the round open for changes (soliciting or reviewing).",
            record_zh="申报项目",
            declared_in_zh="无状态转换表，由 `solicitation/models/proposals.py` 中的 `PROPOSAL_EDITABLE` 和 "
            "`PROPOSAL_WITH_OFFICE` 推出（`submit_proposal` 和 `return_proposal` 据此校验）；"
            "`withdraw_proposal` 可撤回任何尚未撤回的申报项目",
            note_zh="退回和撤回还要求轮次处于可修改状态（征集中或评审中）。",
        ),
        Machine(
            "Suggestion",
            SuggestionStatus,
            "`SUGGESTION_TRANSITIONS` in `solicitation/models/suggestions.py`, checked by `_move` in "
            "`solicitation/services/suggestions.py`",
            [Move(None, SuggestionStatus.received, "submit_suggestion (resident), add_suggestion (office, import)")]
            + [
                Move(source, target, TRIAGE[target])
                for source, targets in SUGGESTION_TRANSITIONS.items()
                for target in targets
            ],
            record_zh="群众建议",
            declared_in_zh="`solicitation/models/suggestions.py` 中的 `SUGGESTION_TRANSITIONS`，由 "
            "`solicitation/services/suggestions.py` 中的 `_move` 校验",
        ),
        Machine(
            "Review",
            ReviewStatus,
            "no table: the two moves of `review/services/reviews.py`",
            [
                Move(None, ReviewStatus.draft, "save_review (expert)"),
                Move(ReviewStatus.draft, ReviewStatus.submitted, "submit_review (expert)"),
                Move(ReviewStatus.submitted, ReviewStatus.draft, "reopen_review (office)"),
            ],
            "No review is saved or submitted once the round's review is in its decision stage.",
            record_zh="评审意见",
            declared_in_zh="无状态转换表，即 `review/services/reviews.py` 中的两种转换",
            note_zh="本轮评审进入改革办决定阶段后，评审意见不能再保存或提交。",
        ),
        Machine(
            "Review stage (of a round)",
            ReviewStage,
            "`STAGES` in `review/services/stages.py`: `move_stage` allows one step either way",
            stage_moves,
            record_zh="评审阶段",
            declared_in_zh="`review/services/stages.py` 中的 `STAGES`：`move_stage` 每次可前进或后退一个阶段",
        ),
        Machine(
            "Plan",
            PlanStatus,
            "`PLAN_TRANSITIONS` in `plan/models/plans.py`, checked by `transition_plan`",
            [Move(None, PlanStatus.draft, "create_plan (office)")]
            + _table_moves(PLAN_TRANSITIONS, "transition_plan (office)"),
            "Each move keeps a snapshot (PlanVersion). Published → draft starts a new version; the public keeps "
            "the published text until the next one is published.",
            record_zh="改革计划",
            declared_in_zh="`plan/models/plans.py` 中的 `PLAN_TRANSITIONS`，由 `transition_plan` 校验",
            note_zh="每次状态变化都保存一份快照（PlanVersion）。由“已发布”退回“草稿”即开始编制新版本；"
            "新版本发布前，公众看到的仍是已发布的文本。",
        ),
        Machine(
            "ProgressReport",
            ReportState,
            "no table: derived from `REPORT_EDITABLE` in `plan/models/progress.py`, which `save_report` checks, and "
            "`review_report`, which takes only a submitted report",
            report_moves,
            "An import records the quarter's reports as accepted, whatever state they were in.",
            record_zh="季度进展",
            declared_in_zh="无状态转换表，由 `plan/models/progress.py` 中的 `REPORT_EDITABLE`"
            "（`save_report` 据此校验）和 `review_report`（只受理已提交的进展）推出",
            note_zh="导入进展时，该季度的进展不论原来处于什么状态，一律记为已采纳。",
        ),
    ]


# The Chinese page's "by" column: who makes each move, the service's name kept as it is
WHO_ZH = {
    "office": "改革办",
    "unit": "单位",
    "lead unit": "牵头单位",
    "expert": "专家",
    "resident": "群众",
    "office, import": "改革办，导入",
}
HOW_ZH = {
    "save_report with submit (lead unit)": "save_report，提交（牵头单位）",
    "review_report, accept (office)": "review_report，采纳（改革办）",
    "review_report, return (office)": "review_report，退回（改革办）",
    "the round's review settings are made": "本轮评审设置建立时",
    "submit_suggestion (resident), add_suggestion (office, import)": (
        "submit_suggestion（群众）、add_suggestion（改革办，导入）"
    ),
}


def how_zh(how: str) -> str:
    """A move's maker in Chinese: `submit_proposal (unit)` becomes `submit_proposal（单位）`."""
    if how in HOW_ZH:
        return HOW_ZH[how]
    name, _, who = how.partition(" (")
    if not who.endswith(")") or who[:-1] not in WHO_ZH:
        raise KeyError(f"no Chinese for the move's maker {how!r}: add it to WHO_ZH or HOW_ZH")
    return f"{name}（{WHO_ZH[who[:-1]]}）"


def anchor(machine: Machine) -> str:
    """The id of a record's section, the same on both pages: what MkDocs makes of the English heading."""
    from markdown.extensions.toc import slugify

    return slugify(machine.record, "-")


def _chinese() -> dict[str, str]:
    """The Chinese catalogue as msgid -> text, read from its .po file (no compiled catalogue needed)."""
    from babel.messages.pofile import read_po

    with open(ROOT / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po", "rb") as po:
        return {message.id: message.string for message in read_po(po) if message.id and message.string}


def english(member) -> str:
    """A state's label as the code writes it (the catalogue's key): in English, also inside an app, whose default
    language is Chinese (the tests run each in one)."""
    with force_locale("en"):
        return member.label


def _name(member, chinese: dict[str, str]) -> str:
    label = english(member)
    return f"{member.value} · {label} · {chinese.get(label, label)}"


def _name_zh(member, chinese: dict[str, str]) -> str:
    label = english(member)
    return f"{chinese.get(label, label)} · {member.value}"


BOX_W, BOX_H, GAP, START_X, MID_Y = 132, 46, 34, 40, 0  # the drawing's sizes, in SVG units


def _box_x(index: int) -> int:
    return START_X + GAP + index * (BOX_W + GAP)


def svg(machine: Machine, chinese: dict[str, str], label: str | None = None) -> str:
    """The record's states drawn in their order as boxes, each move an arc: forward above, back below.

    Drawn here rather than by a diagram tool so that the page needs no script and no program beyond Python.
    """
    states = list(machine.states)
    pairs = list(dict.fromkeys((m.source, m.target) for m in machine.moves))
    span = max(abs(states.index(t) - (-1 if s is None else states.index(s))) for s, t in pairs)
    rise = 18 + 16 * span  # the highest arc
    top = rise + 8
    width, height = _box_x(len(states)) + 4, top + BOX_H + rise + 8
    arrow = f"arrow-{machine.states.__name__}"  # one marker id per drawing on the page
    parts = [
        f'<svg class="state-diagram" viewBox="0 0 {width} {height}" width="{width}" role="img" '
        f'aria-label="{label or machine.record}" style="max-width: 100%; height: auto" '
        'xmlns="http://www.w3.org/2000/svg" '
        'font-size="12" text-anchor="middle">',
        f'<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#444"/></marker></defs>',
        f'<circle cx="{START_X - 12}" cy="{top + BOX_H / 2}" r="7" fill="#444"/>',
    ]
    for index, member in enumerate(states):
        x, label = _box_x(index), english(member)
        parts.append(
            f'<rect x="{x}" y="{top}" width="{BOX_W}" height="{BOX_H}" rx="10" fill="#f4f6f8" stroke="#555"/>'
            f'<text x="{x + BOX_W / 2}" y="{top + 19}" font-weight="bold">{chinese.get(label, label)}'
            f'</text><text x="{x + BOX_W / 2}" y="{top + 36}" fill="#555">{member.value}</text>'
        )
    for source, target in pairs:
        i = -1 if source is None else states.index(source)
        j = states.index(target)
        x1 = START_X - 12 if source is None else _box_x(i) + BOX_W / 2 + (8 if j > i else -8)
        x2 = _box_x(j) + BOX_W / 2 + (-8 if j > i else 8)
        lift = 18 + 16 * abs(j - i)
        if j > i:  # forward, above the boxes
            y1 = top + BOX_H / 2 if source is None else top
            path = f"M{x1} {y1} Q{(x1 + x2) / 2} {top - 2 * lift + (y1 - top)} {x2} {top}"
        else:  # back, below the boxes
            y = top + BOX_H
            path = f"M{x1} {y} Q{(x1 + x2) / 2} {y + 2 * lift} {x2} {y}"
        move = f"{'new' if source is None else source.value}->{target.value}"
        parts.append(
            f'<path data-move="{move}" d="{path}" fill="none" stroke="#444" stroke-width="1.3" '
            f'marker-end="url(#{arrow})"/>'
        )
    parts.append("</svg>")
    return '<div class="state-diagram">' + "".join(parts) + "</div>"


def render(machine: Machine, chinese: dict[str, str] | None = None) -> str:
    """One record's section: its diagram and a table of every move."""
    chinese = chinese or _chinese()
    lines = [f"### {machine.record}", "", f"Declared in: {machine.declared_in}.", "", svg(machine, chinese), ""]
    lines += ["| from | to | by |", "| --- | --- | --- |"]
    for move in machine.moves:
        source = "(new)" if move.source is None else _name(move.source, chinese)
        lines.append(f"| {source} | {_name(move.target, chinese)} | {move.how} |")
    if machine.note:
        lines += ["", machine.note]
    return "\n".join(lines) + "\n"


def render_zh(machine: Machine, chinese: dict[str, str] | None = None) -> str:
    """One record's section for the Chinese page: the same diagram, its text and table in Chinese."""
    chinese = chinese or _chinese()
    title = f"{machine.record_zh}（{machine.record.split(' (')[0]}）"  # "Review stage (of a round)": its name only
    lines = [f"### {title} {{#{anchor(machine)}}}", "", f"定义位置：{machine.declared_in_zh}。", ""]
    lines += [svg(machine, chinese, title), "", "| 原状态 | 新状态 | 服务函数（执行者） |", "| --- | --- | --- |"]
    for move in machine.moves:
        source = "（新建）" if move.source is None else _name_zh(move.source, chinese)
        lines.append(f"| {source} | {_name_zh(move.target, chinese)} | {how_zh(move.how)} |")
    if machine.note_zh:
        lines += ["", machine.note_zh]
    return "\n".join(lines) + "\n"


def render_all(chinese_page: bool = False) -> str:
    chinese = _chinese()
    draw = render_zh if chinese_page else render
    return "\n".join(draw(machine, chinese) for machine in machines())


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")  # Chinese characters and full-width punctuation
_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]")
_BLOCK_START = re.compile(r"([-*+] |\d+\. |#|>|\||`{3}|<)")


def join_chinese_lines(markdown: str) -> str:
    """Join the lines of a paragraph where a Chinese sentence was wrapped, so that no space appears there.

    A browser shows a line break inside a paragraph as a space, which Chinese text does not have: between two
    Chinese characters, or next to full-width punctuation, the break is taken out. A break beside Latin text stays
    (a space there is usual), and so do the lines of fenced code and every line that starts a block.
    """
    lines, fenced = [], False
    for line in markdown.split("\n"):
        stripped = line.lstrip()
        joins = (
            not fenced
            and lines
            and stripped
            and lines[-1].strip()
            and not lines[-1].lstrip().startswith("#")  # a heading is one line
            and not _BLOCK_START.match(stripped)
            and (
                (_CJK.match(lines[-1][-1]) and _CJK.match(stripped[0]))
                or _PUNCTUATION.match(lines[-1][-1])
                or _PUNCTUATION.match(stripped[0])
            )
        )
        if stripped.startswith("```"):
            fenced = not fenced
        if joins:
            lines[-1] += stripped
        else:
            lines.append(line)
    return "\n".join(lines)


def on_page_markdown(markdown, page, config, files):  # noqa: ARG001 - MkDocs' hook signature
    """Put the generated diagrams where a page asks for them, in the page's language; unwrap Chinese lines."""
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, render_all())
    if MARKER_ZH in markdown:
        markdown = markdown.replace(MARKER_ZH, render_all(chinese_page=True))
    if not page.file.src_uri.startswith("en/"):
        markdown = join_chinese_lines(markdown)
    return markdown
