"""The ranking as kept (review.models.Standing): ranked in SQL over the round, filtered, read a page at a time."""

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, case, false, func, select
from sqlalchemy.orm import selectinload

from accounts.models import Unit, UnitKind, User
from extensions import db
from review.models import (
    Assignment,
    Conflict,
    Criterion,
    ExpertBias,
    FieldVisit,
    Recommendation,
    Review,
    Score,
    Screening,
    Standing,
)
from review.queries.reviews import submitted_reviews, submitted_scores
from solicitation.models import Proposal, ProposalStatus
from solicitation.queries import PROPOSAL_ROW

MEASURES = ("mean", "median", "trimmed", "calibrated", "stdev")
BATCH = 500  # rows an export reads at a time


@dataclass(frozen=True)
class RankingFilter:
    """What the office narrows the ranking to; ranks stay those of the whole round."""

    category: int | None = None
    topic: int | None = None
    unit_kind: str = ""
    recommendation: str = ""
    flag: str = ""  # conflicting, veto, short, shortlisted, visit_requested
    reviewers_per_proposal: int = 0  # what "short" counts against


def _ranked(round_id: int, *, numbered: bool = True):
    """The round's proposals under review with their standing and (when `numbered`: two sorts of the round, which
    a count does without) their two ranks, by the mean and by the calibrated score (best first, ties by number; a
    proposal without a value has no rank)."""

    def rank(value):
        ordering = func.row_number().over(partition_by=value.is_(None), order_by=(value.desc(), Proposal.id))
        return case((value.is_(None), None), else_=ordering)

    ranks = [rank(Standing.mean).label("rank"), rank(Standing.calibrated).label("calibrated_rank")] if numbered else []
    return (
        select(
            Proposal.id.label("proposal_id"),
            func.coalesce(Standing.n, 0).label("n"),
            Standing.mean,
            Standing.median,
            Standing.stdev,
            Standing.spread,
            Standing.trimmed,
            Standing.calibrated,
            func.coalesce(Standing.excluded, 0).label("excluded"),
            Standing.recommendations,
            *ranks,
        )
        .select_from(Proposal)
        .outerjoin(Standing, Standing.proposal_id == Proposal.id)
        .where(
            Proposal.round_id == round_id,
            Proposal.submitted_at.is_not(None),
            Proposal.status != ProposalStatus.withdrawn,
        )
        .subquery("ranked")
    )


def _counted(round_id: int, proposal_id, *conditions) -> ColumnElement[bool]:
    """Whether the proposal has a submitted review that counts (no conflict standing) meeting `conditions`: one
    set of the round's proposals, not a test per row."""
    reviews = submitted_reviews(select(Assignment.proposal_id).select_from(Review), round_id)
    return proposal_id.in_(reviews.where(Conflict.id.is_(None), *conditions))


def _recommended(round_id: int, proposal_id, value: str) -> ColumnElement[bool]:
    if value not in {r.value for r in Recommendation}:
        return false()
    return _counted(round_id, proposal_id, Review.recommendation == Recommendation(value))


def _filtered(round_id: int, ranked, filters: RankingFilter) -> list[ColumnElement[bool]]:
    """The conditions on `ranked` (joined to Proposal) that `filters` asks for."""
    pid = ranked.c.proposal_id
    screening = select(Screening).where(Screening.proposal_id == pid)
    conditions = []
    if filters.category:
        conditions.append(Proposal.category_id == filters.category)
    if filters.topic:
        conditions.append(Proposal.topic_id == filters.topic)
    if filters.unit_kind:
        kind = filters.unit_kind if filters.unit_kind in {k.value for k in UnitKind} else None
        conditions.append(Proposal.unit_id.in_(select(Unit.id).where(Unit.kind == UnitKind(kind))) if kind else false())
    if filters.recommendation:
        conditions.append(_recommended(round_id, pid, filters.recommendation))
    if filters.flag == "conflicting":
        conditions += [_recommended(round_id, pid, "recommend"), _recommended(round_id, pid, "not_recommended")]
    elif filters.flag == "veto":
        at_veto = submitted_scores(round_id).add_columns(Assignment.proposal_id)
        conditions.append(
            pid.in_(
                at_veto.where(Conflict.id.is_(None), Criterion.veto_at.is_not(None), Score.value <= Criterion.veto_at)
            )
        )
    elif filters.flag == "short":
        conditions.append(ranked.c.n < filters.reviewers_per_proposal)
    elif filters.flag == "shortlisted":
        conditions.append(screening.where(Screening.shortlisted).exists())
    elif filters.flag == "visit_requested":
        visited = select(FieldVisit.id).where(FieldVisit.proposal_id == pid).exists()
        conditions.append(and_(screening.where(Screening.field_visit_requested).exists(), ~visited))
    return conditions


def _ordered(query: Select, ranked, measure: str) -> Select:
    """Best first by `measure` (the mean unless a known one), those without a value last, ties by number."""
    value = ranked.c[measure if measure in MEASURES else "mean"]
    return query.order_by(value.is_(None), value.desc(), ranked.c.proposal_id)


def ranking_rows(round_id: int, *, measure: str = "mean", filters: RankingFilter | None = None, offset=0, limit=None):
    """(proposal, ranked columns, field visits) of the rows the filters keep, best first by `measure`, `limit` of
    them from `offset`; the proposals with their unit and category, their long texts left in the database."""
    ranked = _ranked(round_id)
    visits = select(func.count(FieldVisit.id)).where(FieldVisit.proposal_id == ranked.c.proposal_id).scalar_subquery()
    query = (
        select(Proposal, ranked, visits.label("field_visits"))
        .join(ranked, ranked.c.proposal_id == Proposal.id)
        .options(*PROPOSAL_ROW)
        .where(*_filtered(round_id, ranked, filters or RankingFilter()))
    )
    return db.session.execute(_ordered(query, ranked, measure).offset(offset).limit(limit)).all()


def every_ranking_row(round_id: int, *, measure: str, filters: RankingFilter) -> Iterator[list]:
    """Every row the filters keep, as `ranking_rows` gives them, BATCH at a time (for an export of any size)."""
    offset = 0
    while batch := ranking_rows(round_id, measure=measure, filters=filters, offset=offset, limit=BATCH):
        yield batch
        offset += BATCH


def ranking_count(round_id: int, filters: RankingFilter) -> int:
    """How many of the round's proposals under review the filters keep."""
    ranked = _ranked(round_id, numbered=False)
    query = select(func.count()).select_from(ranked).join(Proposal, Proposal.id == ranked.c.proposal_id)
    return db.session.scalar(query.where(*_filtered(round_id, ranked, filters)))


def merge_targets(round_id: int, filters: RankingFilter) -> list:
    """(id, title) of the proposals the filters keep, by number: what a merge may name as its target."""
    ranked = _ranked(round_id, numbered=False)
    query = select(Proposal.id, Proposal.title).join(ranked, ranked.c.proposal_id == Proposal.id)
    return db.session.execute(query.where(*_filtered(round_id, ranked, filters)).order_by(Proposal.id)).all()


def ranks(round_id: int) -> dict[int, int | None]:
    """The rank by the mean of each of the round's proposals under review (None: not reviewed), best first."""
    ranked = _ranked(round_id)
    return dict(db.session.execute(_ordered(select(ranked.c.proposal_id, ranked.c.rank), ranked, "mean")).all())


def reviewed_count(round_id: int) -> int:
    """How many of the round's proposals under review have a mean: what a cut line in percent is a share of."""
    ranked = _ranked(round_id, numbered=False)
    return db.session.scalar(select(func.count(ranked.c.mean)))


def below_cut_undecided(round_id: int, cut: int) -> Select:
    """The select of the round's proposals under review ranked below `cut` (or unranked) without a decision yet,
    in ranking order."""
    ranked = _ranked(round_id)
    decided = select(Screening.proposal_id).where(Screening.decision.is_not(None))
    query = (
        select(Proposal)
        .join(ranked, ranked.c.proposal_id == Proposal.id)
        .options(selectinload(Proposal.unit))
        .where((ranked.c.rank.is_(None)) | (ranked.c.rank > cut), Proposal.id.not_in(decided))
    )
    return _ordered(query, ranked, "mean")


def count_below_cut_undecided(round_id: int, cut: int) -> int:
    return db.session.scalar(select(func.count()).select_from(below_cut_undecided(round_id, cut).subquery()))


def means(round_id: int) -> list[float]:
    """The mean review total of each reviewed proposal under review in the round (conflicted reviews left out)."""
    ranked = _ranked(round_id, numbered=False)
    return list(db.session.scalars(select(ranked.c.mean).where(ranked.c.mean.is_not(None))))


def disagreement(round_id: int) -> dict[int, float]:
    """The standard deviation of each reviewed proposal's totals: the panel discusses the largest first."""
    query = select(Standing.proposal_id, Standing.stdev).where(Standing.round_id == round_id, Standing.n > 0)
    return dict(db.session.execute(query).all())


def expert_biases(round_id: int) -> list[tuple[User, float]]:
    """Each expert's estimated bias in the round, the harshest first."""
    query = (
        select(User, ExpertBias.bias)
        .join(ExpertBias, ExpertBias.expert_id == User.id)
        .where(ExpertBias.round_id == round_id)
        .order_by(ExpertBias.bias, User.id)
    )
    return [tuple(row) for row in db.session.execute(query)]
