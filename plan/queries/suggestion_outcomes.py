"""What became of a resident's suggestion: the proposals it fed, their published decisions, the key projects they
became."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from extensions import db
from plan.models import (
    KeyProject,
    Plan,
    ProgressReport,
)
from plan.queries.plans import public_projects
from plan.queries.progress import public_reports
from review.models import Screening
from review.queries import published_decisions
from solicitation.models import Proposal, ProposalStatus


def key_projects_fed_by(suggestion) -> list[tuple[Plan, dict, ProgressReport | None]]:
    """The key projects of published plans that a suggestion fed into (through a proposal), as their plans were
    published (a draft's edits are not shown), with their latest accepted progress: what a resident who looks
    the suggestion up sees became of it."""
    proposal_ids = [proposal.id for proposal in suggestion.proposals]
    if not proposal_ids:
        return []
    projects = list(
        db.session.scalars(
            select(KeyProject).where(KeyProject.proposal_id.in_(proposal_ids)).options(selectinload(KeyProject.plan))
        )
    )
    published = public_projects({project.plan_id for project in projects})
    shown = [project for project in projects if project.id in published]
    reports = public_reports(project.id for project in shown)
    return [(project.plan, published[project.id], reports.get(project.id)) for project in shown]


@dataclass
class SuggestionOutcome:
    """What became of a suggestion, as a resident may read it: the proposals it fed that reached the office, each
    with the office's published decision (None while none is published), and the key projects they became."""

    proposals: list[tuple[Proposal, Screening | None]]
    key_projects: list[tuple[Plan, dict, ProgressReport | None]]

    def proposal_outcomes(self) -> list[tuple[str, str]]:
        """Each proposal's title and what became of it, in the reader's language."""
        return [
            (proposal.title, str(decision.decision.label) if decision else str(_outcome_pending(proposal)))
            for proposal, decision in self.proposals
        ]


def _outcome_pending(proposal):
    return proposal.status.label if proposal.status is ProposalStatus.withdrawn else _l("under review")


def suggestion_outcome(suggestion) -> SuggestionOutcome:
    """What became of a suggestion, or of the one it was merged into (which carries it on): the tracking page and
    the API's lookup both read this."""
    origin = suggestion.duplicate_of or suggestion
    submitted = [proposal for proposal in origin.proposals if proposal.submitted_at is not None]  # never a draft
    decisions = {screening.proposal_id: screening for screening in published_decisions(p.id for p in submitted)}
    return SuggestionOutcome(
        proposals=[(proposal, decisions.get(proposal.id)) for proposal in submitted],
        key_projects=key_projects_fed_by(origin),
    )
