"""MkDocs hook: the state diagrams of docs/architecture.md, drawn at build time from the code's own transitions.

A page that holds the line `<!-- state-diagrams -->` gets, in its place, one section per record: a Mermaid
`stateDiagram-v2` and a table of every move. Round, Suggestion and Plan declare their moves as tables
(`ROUND_TRANSITIONS`, `SUGGESTION_TRANSITIONS`, `PLAN_TRANSITIONS`), which are read as they are. Proposal,
ProgressReport and the review's stages have no such table: their moves are derived from the sets and the list
the services check (`PROPOSAL_EDITABLE`, `PROPOSAL_WITH_OFFICE`, `EDITABLE`, `STAGES`). A Review's two moves are
written here, naming the service that makes each; tests/test_docs.py checks those services exist and that every
state of every record is drawn. A KeyProject has no state of its own: it follows its plan's.
"""

import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MARKER = "<!-- state-diagrams -->"


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


def _table_moves(table: dict, how: str) -> list[Move]:
    return [Move(source, target, how) for source, targets in table.items() for target in targets]


def machines() -> list[Machine]:
    """Every record's states and moves, read from the code."""
    if str(ROOT) not in sys.path:  # MkDocs loads a hook with its own folder on the path, then takes it off
        sys.path.insert(0, str(ROOT))
    from plan import progress
    from plan.models import PLAN_TRANSITIONS, PlanStatus, ReportState
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
        if s in progress.EDITABLE
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
        ),
        Machine(
            "Proposal",
            ProposalStatus,
            "no table: derived from `PROPOSAL_EDITABLE` and `PROPOSAL_WITH_OFFICE` in "
            "`solicitation/models/proposals.py`, which `submit_proposal` and `return_proposal` check; "
            "`withdraw_proposal` takes any proposal not withdrawn",
            proposal_moves,
            "Returning and withdrawing also need the round open for changes (soliciting or reviewing).",
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
        ),
        Machine(
            "Review stage (of a round)",
            ReviewStage,
            "`STAGES` in `review/services/stages.py`: `move_stage` allows one step either way",
            stage_moves,
        ),
        Machine(
            "Plan",
            PlanStatus,
            "`PLAN_TRANSITIONS` in `plan/models.py`, checked by `transition_plan`",
            [Move(None, PlanStatus.draft, "create_plan (office)")]
            + _table_moves(PLAN_TRANSITIONS, "transition_plan (office)"),
            "Each move keeps a snapshot (PlanVersion). Published → draft starts a new version; the public keeps "
            "the published text until the next one is published.",
        ),
        Machine(
            "ProgressReport",
            ReportState,
            "no table: derived from `EDITABLE` in `plan/progress.py`, which `save_report` checks, and "
            "`review_report`, which takes only a submitted report",
            report_moves,
            "An import records the quarter's reports as accepted, whatever state they were in.",
        ),
    ]


def _chinese() -> dict[str, str]:
    """The Chinese catalogue as msgid -> text, read from its .po file (no compiled catalogue needed)."""
    from babel.messages.pofile import read_po

    with open(ROOT / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po", "rb") as po:
        return {message.id: message.string for message in read_po(po) if message.id and message.string}


def _name(member, chinese: dict[str, str]) -> str:
    english = member.label  # outside an app, the untranslated (English) text
    return f"{member.value} · {english} · {chinese.get(english, english)}"


def render(machine: Machine, chinese=None) -> str:
    """One record's section: a Mermaid diagram and a table of every move."""
    chinese = chinese or _chinese()
    lines = [f"### {machine.record}", "", f"Declared in: {machine.declared_in}.", "", "```mermaid", "stateDiagram-v2"]
    for member in machine.states:
        lines.append(f'    state "{_name(member, chinese)}" as {member.value}')
    for move in machine.moves:
        source = "[*]" if move.source is None else move.source.value
        lines.append(f"    {source} --> {move.target.value}: {move.how}")
    lines += ["```", "", "| from | to | by |", "| --- | --- | --- |"]
    for move in machine.moves:
        source = "(new)" if move.source is None else _name(move.source, chinese)
        lines.append(f"| {source} | {_name(move.target, chinese)} | {move.how} |")
    if machine.note:
        lines += ["", machine.note]
    return "\n".join(lines) + "\n"


def render_all() -> str:
    chinese = _chinese()
    return "\n".join(render(machine, chinese) for machine in machines())


def on_page_markdown(markdown, page, config, files):  # noqa: ARG001 - MkDocs' hook signature
    """Put the generated diagrams where a page asks for them."""
    if MARKER in markdown:
        return markdown.replace(MARKER, render_all())
    return markdown
