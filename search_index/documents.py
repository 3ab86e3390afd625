"""What the index holds of each record: its words, its facets and who may find it — never a contact detail.

Who may find a document is a list of audiences, matched in the query itself: "public" (anyone), "office",
"leader", "unit:<id>" (that unit's staff) — the same rules as the pages' permissions. What the public may
find is the rule of the record's own package (solicitation.queries.publicly_visible_suggestions, the plan's
published snapshot in plan.queries), and the public finds the record as its public page shows it: a held
reply, a draft's edits, a suggestion's location are not there. When the public's text differs from the
staff's, the record has two documents: the staff's, and the public's (key "<kind>:<id>:public"), which
carries `not:<audience>` for each audience of the staff's, so no reader finds both.
"""

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import datetime

from flask import url_for
from sqlalchemy import false, select
from sqlalchemy.orm import joinedload, selectinload, undefer

from accounts.models import Role
from extensions import db
from plan.models import KeyProject, ProgressReport, ReportState
from plan.queries import project_visible_to, public_projects, public_reports, report_visible_to, sees_every_plan
from solicitation.models import Proposal, Suggestion
from solicitation.queries import publicly_visible_suggestion_ids, suggestion_visible_to

PUBLIC, OFFICE, LEADER = "public", "office", "leader"
NOT = "not:"  # an audience token hiding the document from that audience
PUBLIC_VARIANT = "public"


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
    variant: str = ""  # "" for the record's document, "public" for the public's when it reads otherwise

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.record_id}" + (f":{self.variant}" if self.variant else "")

    @property
    def digest(self) -> str:
        """A fingerprint of the content, to find index entries that no longer match their record."""
        content = json.dumps([getattr(self, name) for name in DIGESTED], ensure_ascii=False, default=str)
        return hashlib.sha1(content.encode()).hexdigest()[:16]


DIGESTED = [item.name for item in fields(Document)]


def keys_of(kind: str, record_id: int) -> list[str]:
    """Every key a record's documents may have."""
    return [f"{kind}:{record_id}", f"{kind}:{record_id}:{PUBLIC_VARIANT}"]


def unit_audience(unit_id) -> str:
    return f"unit:{unit_id}"


def hidden_from(audiences: list[str]) -> list[str]:
    """The tokens keeping a document from readers of these audiences."""
    return [f"{NOT}{audience}" for audience in audiences]


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


def _with_public(staff: Document, public: Document | None) -> list[Document]:
    """The staff's document and what the public finds of the record (None: nothing).

    One document when both read alike; else the public's own, hidden from those who find the staff's.
    """
    if public is None:
        return [staff]
    if replace(public, audiences=staff.audiences) == staff:
        return [replace(staff, audiences=[*staff.audiences, PUBLIC])]
    return [staff, replace(public, variant=PUBLIC_VARIANT, audiences=[PUBLIC, *hidden_from(staff.audiences)])]


def _proposals(proposals: list[Proposal]) -> list[Document]:
    return [_proposal(proposal) for proposal in proposals]


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


def _suggestions(suggestions: list[Suggestion]) -> list[Document]:
    public = publicly_visible_suggestion_ids(suggestion.id for suggestion in suggestions)
    found = []
    for suggestion in suggestions:
        # solicitation.queries.suggestion_visible_to: the office, and the unit it was referred to.
        audiences = [OFFICE]
        if suggestion.referred_unit_id is not None:
            audiences.append(unit_audience(suggestion.referred_unit_id))
        staff = Document(
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
        # What /heard shows: the title, the content and the reply once it is published.
        shown = replace(staff, body="\n".join([suggestion.content, suggestion.public_reply]))
        found += _with_public(staff, shown if suggestion.id in public else None)
    return found


def _project_document(project: KeyProject) -> Document:
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
        audiences=_project_audiences(project),
    )


def _project_audiences(project: KeyProject) -> list[str]:
    # plan.queries.project_visible_to: the office and the leaders; the lead unit once the plan is published.
    published = project.plan.published_at is not None
    return [OFFICE, LEADER] + ([unit_audience(project.lead_unit_id)] if published else [])


def _as_published(staff: Document, project: KeyProject, entry: dict) -> Document:
    """A key project's document as its plan's published snapshot reads (the public plan's page)."""
    # The snapshot names the lead unit; its kind is the unit's, if the draft has not changed the unit since.
    same_unit = project.lead_unit is not None and project.lead_unit.name == entry["lead_unit"]
    return replace(
        staff,
        title=f"{entry['number']}、{entry['title']}",
        body="\n".join(entry[name] for name in ("problem", "principles", "content", "innovation", "goals")),
        category=entry["category"],
        unit=entry["lead_unit"],
        unit_kind=project.lead_unit.kind.value if same_unit else "",
        status="published",
        date=project.plan.published_at,
    )


def _key_projects(projects: list[KeyProject]) -> list[Document]:
    published = public_projects({project.plan_id for project in projects})
    found = []
    for project in projects:
        staff = _project_document(project)
        entry = published.get(project.id)
        found += _with_public(staff, _as_published(staff, project, entry) if entry else None)
    return found


def _report_audiences(report: ProgressReport) -> list[str]:
    # plan.queries.report_visible_to: the lead unit always; the office and the leaders once the unit sent it.
    # (a report exists only once the plan is published, so its project's lead unit sees it)
    sent = [] if report.state is ReportState.draft else [OFFICE, LEADER]
    return [*sent, unit_audience(report.key_project.lead_unit_id)]


def _progress_reports(reports: list[ProgressReport]) -> list[Document]:
    projects = {report.key_project_id for report in reports}
    published = public_projects({report.key_project.plan_id for report in reports})
    shown = public_reports(projects)
    found = []
    for report in reports:
        project = report.key_project
        staff = Document(
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
            audiences=_report_audiences(report),
        )
        public = None
        entry = published.get(project.id)
        if entry and report == shown.get(project.id):  # the public sees a project's latest accepted progress
            public = replace(
                _as_published(staff, project, entry),
                title=f"{entry['number']}、{entry['title']} · Q{report.quarter}",
                body=report.achievements,
                status=report.state.value,
                date=staff.date,
            )
        found += _with_public(staff, public)
    return found


@dataclass(frozen=True)
class Kind:
    """A kind of record the index holds: its model, how it loads in bulk, and how a batch becomes documents."""

    model: type
    options: tuple
    documents: Callable[[list], list[Document]]


KINDS = {
    "proposal": Kind(
        Proposal,
        (selectinload(Proposal.category), selectinload(Proposal.unit), undefer(Proposal.seen_by_office)),
        _proposals,
    ),
    "suggestion": Kind(Suggestion, (selectinload(Suggestion.category),), _suggestions),
    "key_project": Kind(
        KeyProject,
        (selectinload(KeyProject.plan), selectinload(KeyProject.category), selectinload(KeyProject.lead_unit)),
        _key_projects,
    ),
    "progress_report": Kind(
        ProgressReport,
        (
            selectinload(ProgressReport.key_project).selectinload(KeyProject.plan),
            selectinload(ProgressReport.key_project).selectinload(KeyProject.lead_unit),
            selectinload(ProgressReport.key_project).selectinload(KeyProject.category),
        ),
        _progress_reports,
    ),
}
MODEL_KINDS = {kind.model: name for name, kind in KINDS.items()}


def documents(kind: str, ids: list[int]) -> list[Document]:
    """The documents of these records (a record that is gone has none)."""
    spec = KINDS[kind]
    records = list(db.session.scalars(select(spec.model).where(spec.model.id.in_(ids)).options(*spec.options)))
    return spec.documents(records)


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


def urls_of(hits, *, reader) -> list[str]:
    """Where each hit leads for `reader`: the record's page for staff, the public page for the public (`reader`
    None or not logged in) and for whoever found a key project or a progress report as the public does. A key
    project leads the office and the leaders to its plan as it stands, its lead unit to its work plan (the plan's
    own pages are not theirs: plan.queries.plan_visible_to).

    A key project's or a progress report's address needs its plan, and whether the reader sees it as staff: those
    of the page are loaded in one query each, not one (and one more for the plan) per hit.
    """
    public = reader is None or not reader.is_authenticated

    def loaded(model, kind: str, seen, *options) -> dict:
        ids = {hit.record_id for hit in hits if hit.kind == kind}
        if not ids:
            return {}
        query = select(model, false() if public else seen).where(model.id.in_(ids)).options(*options)
        return {record.id: (record, bool(staff)) for record, staff in db.session.execute(query)}

    suggestions = loaded(Suggestion, "suggestion", suggestion_visible_to(reader))
    projects = loaded(KeyProject, "key_project", project_visible_to(reader), joinedload(KeyProject.plan))
    reports = loaded(
        ProgressReport,
        "progress_report",
        report_visible_to(reader),
        joinedload(ProgressReport.key_project).joinedload(KeyProject.plan),
    )
    whole_plan = not public and sees_every_plan(reader)
    loaded_records = {"suggestion": suggestions, "key_project": projects, "progress_report": reports}
    return [_url_of(hit.kind, hit.record_id, whole_plan, loaded_records) for hit in hits]


def _url_of(kind: str, record_id: int, whole_plan: bool, loaded_records: dict[str, dict]) -> str:
    if kind == "proposal":
        return url_for("solicitation.proposal_detail", proposal_id=record_id)
    projects, reports = loaded_records["key_project"], loaded_records["progress_report"]
    if kind == "suggestion":
        if record_id not in loaded_records["suggestion"]:  # removed before the index applied it
            return url_for("solicitation.heard")
        suggestion, staff = loaded_records["suggestion"][record_id]
        if not staff:  # found as the public finds it: on the round's public page
            return url_for("solicitation.heard", round=suggestion.round_id, _anchor=f"s{record_id}")
        return url_for("solicitation.suggestion_detail", suggestion_id=record_id)
    if kind == "key_project":
        if record_id not in projects:  # removed, and the index has not applied it yet: the list of plans, not a 500
            return url_for("plan.plan_index")
        project, staff = projects[record_id]
        if not staff:
            return url_for("plan.plan_public", plan_id=project.plan_id, _anchor=f"p{record_id}")
        if whole_plan:
            return url_for(
                "plan.plan_detail", round_id=project.plan.round_id, plan_id=project.plan_id, _anchor=f"k{record_id}"
            )
        return url_for("plan.key_project_tasks", project_id=record_id)
    if record_id not in reports:
        return url_for("plan.plan_index")
    report, staff = reports[record_id]
    if not staff:
        return url_for("plan.plan_public", plan_id=report.key_project.plan_id, _anchor=f"p{report.key_project_id}")
    return url_for("plan.progress_report", report_id=record_id)
