"""What the index holds of each record: its words, its facets and who may find it — never a contact detail.

Who may find a document is a list of audiences, matched in the query itself: "public" (anyone), "office",
"leader", "unit:<id>" (that unit's staff) — the same rules as the pages' permissions.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload, undefer

from accounts.models import Role
from extensions import db
from plan.models import KeyProject, ProgressReport, ReportState
from solicitation.models import Proposal, Suggestion

PUBLIC, OFFICE, LEADER = "public", "office", "leader"


@dataclass
class Document:
    kind: str
    record_id: int
    title: str
    body: str
    round_id: int
    category: str = ""
    unit: str = ""
    unit_kind: str = ""
    status: str = ""
    channel: str = ""
    date: datetime | None = None
    audiences: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.record_id}"

    @property
    def digest(self) -> str:
        """A fingerprint of the content, to find index entries that no longer match their record."""
        content = json.dumps([getattr(self, name) for name in DIGESTED], ensure_ascii=False, default=str)
        return hashlib.sha1(content.encode()).hexdigest()[:16]


DIGESTED = [item.name for item in fields(Document)]


def unit_audience(unit_id) -> str:
    return f"unit:{unit_id}"


def audiences_of(user) -> list[str]:
    """The audiences whose documents `user` may find."""
    if user is None or not user.is_authenticated:
        return [PUBLIC]
    found = [PUBLIC]
    if user.role is Role.office:
        found.append(OFFICE)
    if user.role is Role.leader:
        found.append(LEADER)
    if user.role is Role.unit_staff and user.unit_id is not None:
        found.append(unit_audience(user.unit_id))
    return found


def _proposal(proposal: Proposal) -> Document:
    # solicitation.queries.proposal_visible_to: the proposing unit, and the office once it sees the proposal.
    audiences = [unit_audience(proposal.unit_id)] + ([OFFICE] if proposal.seen_by_office else [])
    body = "\n".join([proposal.background, proposal.content, proposal.innovation, proposal.goals])
    return Document(
        kind="proposal",
        record_id=proposal.id,
        title=proposal.title,
        body=body,
        round_id=proposal.round_id,
        category=proposal.category.name if proposal.category else "",
        unit=proposal.unit.name,
        unit_kind=proposal.unit.kind.value,
        status=proposal.status.value,
        date=proposal.submitted_at or proposal.created_at,
        audiences=audiences,
    )


def _suggestion(suggestion: Suggestion) -> Document:
    audiences = [OFFICE] + ([PUBLIC] if suggestion.is_public else [])
    if suggestion.referred_unit_id is not None:
        audiences.append(unit_audience(suggestion.referred_unit_id))
    return Document(
        kind="suggestion",
        record_id=suggestion.id,
        title=suggestion.title,
        body="\n".join([suggestion.content, suggestion.location, suggestion.reply]),  # no contact detail
        round_id=suggestion.round_id,
        category=suggestion.category.name if suggestion.category else "",
        status=suggestion.status.value,
        channel=suggestion.channel.value,
        date=datetime.combine(suggestion.received_on, datetime.min.time()),
        audiences=audiences,
    )


def _key_project(project: KeyProject) -> Document:
    published = project.plan.published_at is not None
    audiences = [OFFICE, LEADER, unit_audience(project.lead_unit_id)] + ([PUBLIC] if published else [])
    return Document(
        kind="key_project",
        record_id=project.id,
        title=f"{project.number}、{project.title}",
        body="\n".join([project.problem, project.principles, project.content, project.innovation, project.goals]),
        round_id=project.plan.round_id,
        category=project.category.name if project.category else "",
        unit=project.lead_unit.name if project.lead_unit else "",
        unit_kind=project.lead_unit.kind.value if project.lead_unit else "",
        status=project.plan.status.value,
        date=project.plan.published_at or project.created_at,
        audiences=audiences,
    )


def _progress_report(report: ProgressReport) -> Document:
    project = report.key_project
    audiences = [OFFICE, LEADER, unit_audience(project.lead_unit_id)]
    if report.state is ReportState.accepted and project.plan.published_at is not None:
        audiences.append(PUBLIC)  # the public plan shows accepted progress
    return Document(
        kind="progress_report",
        record_id=report.id,
        title=f"{project.number}、{project.title} · Q{report.quarter}",
        body="\n".join([report.achievements, report.problems, report.next_steps]),
        round_id=project.plan.round_id,
        category=project.category.name if project.category else "",
        unit=project.lead_unit.name if project.lead_unit else "",
        unit_kind=project.lead_unit.kind.value if project.lead_unit else "",
        status=report.state.value,
        date=report.submitted_at or report.updated_at,
        audiences=audiences,
    )


@dataclass(frozen=True)
class Kind:
    """A kind of record the index holds: its model, how it loads in bulk, and how it becomes a document."""

    model: type
    options: tuple
    document: object


KINDS = {
    "proposal": Kind(
        Proposal,
        (selectinload(Proposal.category), selectinload(Proposal.unit), undefer(Proposal.seen_by_office)),
        _proposal,
    ),
    "suggestion": Kind(Suggestion, (selectinload(Suggestion.category),), _suggestion),
    "key_project": Kind(
        KeyProject,
        (selectinload(KeyProject.plan), selectinload(KeyProject.category), selectinload(KeyProject.lead_unit)),
        _key_project,
    ),
    "progress_report": Kind(
        ProgressReport,
        (
            selectinload(ProgressReport.key_project).selectinload(KeyProject.plan),
            selectinload(ProgressReport.key_project).selectinload(KeyProject.lead_unit),
            selectinload(ProgressReport.key_project).selectinload(KeyProject.category),
        ),
        _progress_report,
    ),
}
MODEL_KINDS = {kind.model: name for name, kind in KINDS.items()}


def documents(kind: str, ids: list[int]) -> dict[int, Document]:
    """The documents of these records (a record that is gone has none)."""
    spec = KINDS[kind]
    records = db.session.scalars(select(spec.model).where(spec.model.id.in_(ids)).options(*spec.options))
    return {record.id: spec.document(record) for record in records}


def all_ids(kind: str, batch: int = 500) -> Iterator[list[int]]:
    """Every record id of a kind, in batches."""
    model = KINDS[kind].model
    last = 0
    while ids := list(db.session.scalars(select(model.id).where(model.id > last).order_by(model.id).limit(batch))):
        yield ids
        last = ids[-1]


def count(kind: str) -> int:
    model = KINDS[kind].model
    return db.session.scalar(select(db.func.count(model.id)))


def urls_of(hits, *, public: bool) -> list[str]:
    """Where each hit leads: the record's page for staff, the public page for the public.

    A key project's or a progress report's address needs its plan: those of the page are loaded in one
    query each, not one (and one more for the plan) per hit.
    """

    def loaded(model, kind: str, *options) -> dict:
        ids = {hit.record_id for hit in hits if hit.kind == kind}
        found = db.session.scalars(select(model).where(model.id.in_(ids)).options(*options)) if ids else []
        return {record.id: record for record in found}

    projects = loaded(KeyProject, "key_project", joinedload(KeyProject.plan))
    reports = loaded(
        ProgressReport, "progress_report", joinedload(ProgressReport.key_project).joinedload(KeyProject.plan)
    )
    return [_url_of(hit.kind, hit.record_id, public, projects, reports) for hit in hits]


def _url_of(kind: str, record_id: int, public: bool, projects: dict, reports: dict) -> str:
    if kind == "proposal":
        return url_for("solicitation.proposal_detail", proposal_id=record_id)
    if kind == "suggestion":
        if public:
            return url_for("solicitation.heard", _anchor=f"s{record_id}")
        return url_for("solicitation.suggestion_detail", suggestion_id=record_id)
    if kind == "key_project":
        project = projects[record_id]
        if public:
            return url_for("plan.plan_public", plan_id=project.plan_id, _anchor=f"k{record_id}")
        return url_for("plan.plan_detail", round_id=project.plan.round_id, _anchor=f"k{record_id}")
    report = reports[record_id]
    if public:
        return url_for("plan.plan_public", plan_id=report.key_project.plan_id, _anchor=f"k{report.key_project_id}")
    return url_for("plan.progress_report", report_id=record_id)
