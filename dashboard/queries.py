"""Read-only figures of a round for the dashboard: its two funnels, counts by category, channel and unit kind,
the spread of its proposals' review totals, and its plan's progress. Counted in SQL, grouped, where it can be."""

from dataclasses import dataclass

from sqlalchemy import func, select

from accounts.models import Unit, UnitKind
from extensions import db
from plan import queries as plan_queries
from plan.models import KeyProject, Plan, ProgressReport, ReportState
from review import queries as review_queries
from review.models import SuggestionReview
from solicitation import queries as solicitation_queries
from solicitation.models import (
    TAKEN_UP,
    Category,
    Channel,
    Proposal,
    Round,
    Suggestion,
    SuggestionCount,
    SuggestionStatus,
    suggestion_proposals,
)

# Suggestions the office took up at triage: those it still holds, and those it later decided not to adopt
# (only a taken-up suggestion can be "not adopted"; a rejected or merged one was never taken up, or is no more).
TRIAGED_IN = TAKEN_UP | {SuggestionStatus.not_adopted}
SUGGESTION_STEPS = ("received", "taken_up", "proposal", "key_project", "screened")
# A review's weighted total is on 0–100 whatever the round's criteria (review.scoring.weighted_total).
SCALE = 100
BINS = 10


@dataclass
class RoundFigures:
    """Every figure of a round's dashboard, as numbers and records (the view labels them)."""

    proposal_funnel: dict[str, int]
    suggestion_funnel: dict[str, int]
    proposals_by_category: list[tuple[Category | None, int]]
    proposals_by_unit_kind: list[tuple[UnitKind, int]]
    suggestions_by_channel: list[tuple[Channel, int]]
    suggestions_by_category: list[tuple[Category | None, int]]
    score_histogram: list[tuple[int, int, int]]
    plan_progress: list[tuple[KeyProject, ProgressReport | None]]


def rounds() -> list[Round]:
    """Every round, newest year first: the dashboard's round selector."""
    return list(db.session.scalars(solicitation_queries.rounds()))


def newest_round() -> Round | None:
    """The round of the latest year, if there is one."""
    return db.session.scalars(solicitation_queries.rounds()).first()


def _proposals_received(round_id: int) -> tuple:
    """The proposals the funnel counts as received: submitted to the office at least once."""
    return Proposal.round_id == round_id, Proposal.submitted_at.is_not(None)


def suggestion_funnel(round_id: int) -> dict[str, int]:
    """Received → taken up → fed a proposal → fed a key project of the round's plan, and beside them (no step of
    the funnel: the office may draft a proposal from a suggestion no expert screened) those sent to screening.

    Each step counts the suggestions that reached it or a later one, so each is part of the step before: a
    suggestion merged as a duplicate after it was linked to a proposal no longer holds a taken-up status, but was
    taken up all the same.
    """
    # The steps past triage count the few linked or screened suggestions, read through their links; the round's
    # own counts come from the summary (a correlated EXISTS a suggestion took seconds at a million).
    # (A suggestion is linked only to proposals of its own round: solicitation.services.suggestions.linkable.)
    of_round = Suggestion.round_id == round_id
    linked = (
        select(suggestion_proposals.c.suggestion_id)
        .join(Proposal, Proposal.id == suggestion_proposals.c.proposal_id)
        .where(Proposal.round_id == round_id)
        .distinct()
    )
    fed_key_project = (
        linked.join(KeyProject, KeyProject.proposal_id == suggestion_proposals.c.proposal_id)
        .join(Plan, Plan.id == KeyProject.plan_id)
        .where(Plan.round_id == round_id)
    )
    screened = (
        select(SuggestionReview.suggestion_id)
        .join(Suggestion, Suggestion.id == SuggestionReview.suggestion_id)
        .where(of_round)
        .distinct()
    )
    counts = solicitation_queries.summary_counts(SuggestionCount.status, SuggestionCount.round_id == round_id)
    linked_not_triaged_in = linked.join(Suggestion, Suggestion.id == suggestion_proposals.c.suggestion_id).where(
        Suggestion.status.not_in(TRIAGED_IN)
    )
    row = (
        sum(counts.values()),
        sum(counts.get(status, 0) for status in TRIAGED_IN) + _count(linked_not_triaged_in),
        _count(linked),
        _count(fed_key_project),
        _count(screened),
    )
    return dict(zip(SUGGESTION_STEPS, row, strict=True))


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def _by_category(model, round_id: int, *conditions) -> list[tuple[Category | None, int]]:
    """How many of the selected proposals or suggestions are in each of the round's categories, in the round's
    order, zeros included; then those with no category (None), if any."""
    counts = dict(
        db.session.execute(
            select(model.category_id, func.count(model.id)).where(*conditions).group_by(model.category_id)
        ).all()
    )
    return _in_categories(round_id, counts)


def _in_categories(round_id: int, counts: dict) -> list[tuple[Category | None, int]]:
    """Counts by category id as the round's categories in order, zeros included, then those with none."""
    categories = db.session.scalars(
        select(Category).where(Category.round_id == round_id).order_by(Category.position, Category.id)
    )
    rows: list[tuple[Category | None, int]] = [(category, counts.pop(category.id, 0)) for category in categories]
    without = sum(counts.values())  # no category (a category of another round cannot be chosen)
    return [*rows, (None, without)] if without else rows


def proposals_by_category(round_id: int) -> list[tuple[Category | None, int]]:
    """The received proposals by category."""
    return _by_category(Proposal, round_id, *_proposals_received(round_id))


def suggestions_by_category(round_id: int) -> list[tuple[Category | None, int]]:
    """The round's suggestions by category, from the summary counts."""
    counts = solicitation_queries.summary_counts(SuggestionCount.category_id, SuggestionCount.round_id == round_id)
    return _in_categories(round_id, {category_id or None: count for category_id, count in counts.items()})


def proposals_by_unit_kind(round_id: int) -> list[tuple[UnitKind, int]]:
    """The received proposals by the kind of unit that proposed them, every kind listed."""
    counts = dict(
        db.session.execute(
            select(Unit.kind, func.count(Proposal.id))
            .select_from(Proposal)
            .join(Unit, Unit.id == Proposal.unit_id)
            .where(*_proposals_received(round_id))
            .group_by(Unit.kind)
        ).all()
    )
    return [(kind, counts.get(kind, 0)) for kind in UnitKind]


def suggestions_by_channel(round_id: int) -> list[tuple[Channel, int]]:
    """The round's suggestions by the channel they came through, every channel listed (the summary counts)."""
    counts = solicitation_queries.summary_counts(SuggestionCount.channel, SuggestionCount.round_id == round_id)
    return [(channel, counts.get(channel, 0)) for channel in Channel]


def score_histogram(round_id: int, *, bins: int = BINS) -> list[tuple[int, int, int]]:
    """(low, high, proposals) for each band of the 0–100 scale: how many proposals have their mean review total
    in it, as the ranking computes the mean (submitted reviews that count, conflicted ones left out).

    Bands are closed below and open above, but for the last, which holds 100.
    """
    width = SCALE / bins
    counts = [0] * bins
    for mean in review_queries.means(round_id):
        counts[min(max(int(mean // width), 0), bins - 1)] += 1
    return [(round(index * width), round((index + 1) * width), count) for index, count in enumerate(counts)]


def plan_progress(round_id: int) -> list[tuple[KeyProject, ProgressReport | None]]:
    """Each key project of the round's plans, plan after plan, in order, with its latest report the office
    accepted (or None)."""
    projects = plan_queries.round_projects(round_id)
    accepted = (ReportState.accepted,)
    latest = plan_queries.latest_reports_of([project.id for project in projects], states=accepted) if projects else {}
    return [(project, latest.get(project.id)) for project in projects]


def round_figures(round_id: int) -> RoundFigures:
    """Every figure of the round's dashboard."""
    return RoundFigures(
        proposal_funnel=review_queries.funnel(round_id),
        suggestion_funnel=suggestion_funnel(round_id),
        proposals_by_category=proposals_by_category(round_id),
        proposals_by_unit_kind=proposals_by_unit_kind(round_id),
        suggestions_by_channel=suggestions_by_channel(round_id),
        suggestions_by_category=suggestions_by_category(round_id),
        score_histogram=score_histogram(round_id),
        plan_progress=plan_progress(round_id),
    )
