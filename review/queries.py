"""Read-only selects for review: criteria, what an expert may see, assignments, and the ranking's raw data."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, load_only, selectinload

from accounts.models import Role, User
from accounts.permissions import has_role
from accounts.queries import events_of_records
from extensions import db
from review.models import (
    Assignment,
    Conflict,
    ConflictStatus,
    Criterion,
    Decision,
    ExpertProfile,
    FieldVisit,
    Review,
    ReviewSettings,
    ReviewStage,
    ReviewStatus,
    Score,
    Screening,
    SuggestionReview,
)
from review.scoring import normalised_weights
from review.solver import Problem
from solicitation.models import (
    TAKEN_UP,
    Proposal,
    ProposalStatus,
    Suggestion,
    proposal_cooperating_units,
    suggestion_proposals,
)
from solicitation.queries import proposal_visible_to

DEFAULT_MAX_LOAD = 10  # an expert without a profile takes at most this many proposals of a round


def criteria_of(round_id: int) -> list[tuple[Criterion, float | None]]:
    """The round's criteria in order, each with its weight as a percentage of the counted ones' total.

    A criterion not counted has no share (None).
    """
    query = select(Criterion).where(Criterion.round_id == round_id).order_by(Criterion.position)
    criteria = list(db.session.scalars(query))
    shares = iter(normalised_weights([c.weight for c in criteria if c.counted]))
    return [(c, next(shares) if c.counted else None) for c in criteria]


def unit_conflict(expert_id, proposal_id) -> ColumnElement[bool]:
    """The SQL condition 'the expert works for the proposing unit or a cooperating one': a conflict of interest
    from the moment it is true, whether or not anyone has detected or recorded it."""
    expert, proposal, cooperating = aliased(User), aliased(Proposal), proposal_cooperating_units.alias()
    cooperating_units = select(cooperating.c.unit_id).where(cooperating.c.proposal_id == proposal.id)
    return exists().where(
        expert.id == expert_id,
        proposal.id == proposal_id,
        or_(expert.unit_id == proposal.unit_id, expert.unit_id.in_(cooperating_units)),
    )


def blocking_conflict(expert_id, proposal_id) -> ColumnElement[bool]:
    """The SQL condition 'a conflict of interest stands between this expert and proposal': the expert's own unit
    proposes or cooperates, or a conflict is on record (declared, entered, detected) and not dismissed.

    The one rule of who may be assigned and review what: hand, automatic and spreadsheet assignment, the
    expert's pages and saves, and the detection all go through it.
    """
    recorded = exists().where(
        Conflict.expert_id == expert_id,
        Conflict.proposal_id == proposal_id,
        Conflict.status != ConflictStatus.dismissed,
    )
    return or_(unit_conflict(expert_id, proposal_id), recorded)


def is_unit_conflict(expert_id: int, proposal_id: int) -> bool:
    return db.session.scalar(select(unit_conflict(expert_id, proposal_id)))


def is_conflicted(expert_id: int, proposal_id: int) -> bool:
    return db.session.scalar(select(blocking_conflict(expert_id, proposal_id)))


def conflicted_pairs(proposal_ids: list[int], expert_ids: list[int]) -> set[tuple[int, int]]:
    """(proposal, expert) pairs of these between which a conflict stands, in one query."""
    query = (
        select(Proposal.id, User.id)
        .join(User, blocking_conflict(User.id, Proposal.id))
        .where(Proposal.id.in_(proposal_ids), User.id.in_(expert_ids))
    )
    return {(proposal_id, expert_id) for proposal_id, expert_id in db.session.execute(query)}


def reviewing(expert: User) -> ColumnElement[bool]:
    """The one rule of what an expert reads and reviews, as a SQL condition on Assignment: a proposal the office
    sees (solicitation's rule) and has not been withdrawn, assigned to the expert, the assignment published, no
    conflict standing."""
    under_review = select(Proposal.id).where(Proposal.seen_by_office, Proposal.status != ProposalStatus.withdrawn)
    return and_(
        Assignment.proposal_id.in_(under_review),
        Assignment.expert_id == expert.id,
        Assignment.published,
        ~blocking_conflict(Assignment.expert_id, Assignment.proposal_id),
    )


def assignment_visible_to(user) -> ColumnElement[bool]:
    """The one rule of who sees an assignment (and the review written on it), as a SQL condition on Assignment.

    The office, those of a proposal it sees (solicitation's rule); an expert, those they review (`reviewing`);
    nobody else (a proposing unit reads the published decision, never the reviews). The audit log asks this; the
    expert's queue and review page ask `reviewing`, the office's review pages the proposal's rule: the same two
    conditions, which tests/test_visibility_agreement.py checks against each other.
    """
    if has_role(user, Role.office):
        return Assignment.proposal_id.in_(select(Proposal.id).where(proposal_visible_to(user)))
    if has_role(user, Role.expert):
        return reviewing(user)
    return false()


def field_visit_visible_to(user) -> ColumnElement[bool]:
    """Who sees a field visit, as a SQL condition on FieldVisit: the office, those of a proposal it sees; an
    expert, those of a proposal they review (`reviewing`); nobody else."""
    if has_role(user, Role.office):
        return FieldVisit.proposal_id.in_(select(Proposal.id).where(proposal_visible_to(user)))
    if has_role(user, Role.expert):
        return FieldVisit.proposal_id.in_(select(Assignment.proposal_id).where(reviewing(user)))
    return false()


def field_visit_is_visible(user, visit_id: int) -> bool:
    """Whether `user` may see this one field visit: the rule asked of one row."""
    return db.session.scalar(select(exists().where(FieldVisit.id == visit_id, field_visit_visible_to(user))))


def review_events_visible_to(user) -> ColumnElement[bool]:
    """Which audit events of reviews `user` may read: those of a review on an assignment `user` sees."""
    visible = Review.assignment_id.in_(select(Assignment.id).where(assignment_visible_to(user)))
    return events_of_records(Review, visible)


def field_visit_events_visible_to(user) -> ColumnElement[bool]:
    """Which audit events of field visits `user` may read: those of a visit `user` sees."""
    return events_of_records(FieldVisit, field_visit_visible_to(user))


def my_assignments(expert: User) -> Select:
    """The assignments the expert reviews (`reviewing`), those still to review first."""
    return (
        select(Assignment)
        .join(Assignment.proposal)
        .outerjoin(Assignment.review)
        # what the expert's list shows of each: read with the assignments, not one query per row
        .options(
            contains_eager(Assignment.review),
            contains_eager(Assignment.proposal).options(
                selectinload(Proposal.round), selectinload(Proposal.unit), selectinload(Proposal.category)
            ),
        )
        .where(reviewing(expert))
        .order_by(Review.submitted_at.is_not(None), Assignment.id)
    )


def reviews_assignment(expert: User, assignment_id: int) -> bool:
    """Whether the expert reviews this assignment: the rule asked of one row."""
    return db.session.scalar(
        select(exists().where(Assignment.id == assignment_id, Proposal.id == Assignment.proposal_id, reviewing(expert)))
    )


def reviews_proposal(expert: User, proposal_id: int) -> bool:
    """Whether the expert reviews this proposal: the rule asked of one proposal."""
    return db.session.scalar(
        select(exists().where(Proposal.id == proposal_id, Assignment.proposal_id == Proposal.id, reviewing(expert)))
    )


def round_proposals(round_id: int) -> list[Proposal]:
    """The round's proposals under review: submitted and not withdrawn."""
    query = (
        select(Proposal)
        # the long texts stay in the database: lists need the title, unit and category
        .options(
            load_only(
                Proposal.id,
                Proposal.round_id,
                Proposal.title,
                Proposal.unit_id,
                Proposal.category_id,
                Proposal.status,
                Proposal.submitted_at,
            ),
            selectinload(Proposal.unit),
            selectinload(Proposal.category),
        )
        .where(
            Proposal.round_id == round_id,
            Proposal.submitted_at.is_not(None),
            Proposal.status != ProposalStatus.withdrawn,
        )
    )
    return list(db.session.scalars(query.order_by(Proposal.id)))


def round_assignments(round_id: int) -> list[Assignment]:
    """The round's assignments, each with its expert and review read in one statement per kind, not per row."""
    query = (
        select(Assignment)
        .join(Assignment.proposal)
        .where(Proposal.round_id == round_id)
        .options(selectinload(Assignment.expert), selectinload(Assignment.review))
    )
    return list(db.session.scalars(query.order_by(Assignment.id)))


def round_conflicts(round_id: int) -> list[Conflict]:
    query = select(Conflict).join(Conflict.proposal).where(Proposal.round_id == round_id)
    return list(db.session.scalars(query.order_by(Conflict.status, Conflict.id)))


def experts_with_load(round_id: int) -> list[tuple[User, ExpertProfile | None, int]]:
    """Active experts, their profile and how many proposals of the round they are assigned."""
    loads = dict(
        db.session.execute(
            select(Assignment.expert_id, func.count(Assignment.id))
            .join(Assignment.proposal)
            .where(Proposal.round_id == round_id)
            .group_by(Assignment.expert_id)
        ).all()
    )
    query = (
        select(User, ExpertProfile)
        .outerjoin(ExpertProfile, ExpertProfile.user_id == User.id)
        .options(selectinload(User.unit))
        .where(User.role == Role.expert, User.active)
        .order_by(User.display_name)
    )
    return [(user, profile, loads.get(user.id, 0)) for user, profile in db.session.execute(query)]


def _submitted_in_round(round_id: int):
    """Scores of submitted reviews of the round, joined to their assignment, criterion and any standing conflict."""
    scores = select().select_from(Score).join(Review, Review.id == Score.review_id)
    return _submitted_reviews(scores.join(Criterion, Criterion.id == Score.criterion_id), round_id)


def _submitted_reviews(query: Select, round_id: int) -> Select:
    """`query`, which joins Review, kept to the submitted reviews of the round, joined to their assignment and any
    standing conflict. The conflict comes by an outer join (a set operation) rather than a test per row.
    """
    return (
        query.join(Assignment, Assignment.id == Review.assignment_id)
        .join(Proposal, and_(Proposal.id == Assignment.proposal_id, Proposal.round_id == round_id))
        .outerjoin(
            Conflict,
            and_(
                Conflict.expert_id == Assignment.expert_id,
                Conflict.proposal_id == Assignment.proposal_id,
                Conflict.status != ConflictStatus.dismissed,
            ),
        )
        .where(Review.status == ReviewStatus.submitted)
    )


def review_totals(round_id: int) -> list[tuple[int, int, float | None, bool, object]]:
    """(proposal, expert, weighted total, conflicted, recommendation) of each submitted review of the round."""
    columns = (Assignment.proposal_id, Assignment.expert_id, Review.total, Conflict.id.is_not(None))
    query = _submitted_reviews(select(*columns, Review.recommendation).select_from(Review), round_id)
    return [tuple(row) for row in db.session.execute(query)]


def criterion_means(round_id: int, proposal_ids: list[int] | None = None) -> list[tuple[int, int, float, int]]:
    """(proposal, criterion, mean score, scores at or below its veto threshold) over the reviews that count.

    Conflicted reviews are left out, as from every aggregate. Of the given proposals only, if given.
    """
    at_veto = and_(Criterion.veto_at.is_not(None), Score.value <= Criterion.veto_at)
    query = (
        _submitted_in_round(round_id)
        .add_columns(
            Assignment.proposal_id, Score.criterion_id, func.avg(Score.value), func.count(Score.id).filter(at_veto)
        )
        .where(Conflict.id.is_(None))
        .group_by(Assignment.proposal_id, Score.criterion_id)
    )
    if proposal_ids is not None:
        query = query.where(Assignment.proposal_id.in_(proposal_ids))
    return [tuple(row) for row in db.session.execute(query)]


def reviews_of(proposal_id: int) -> list[Review]:
    """Every review of a proposal, submitted or draft, with its expert and scores."""
    query = (
        select(Review)
        .join(Review.assignment)
        .options(selectinload(Review.scores), selectinload(Review.assignment).selectinload(Assignment.expert))
        .where(Assignment.proposal_id == proposal_id)
        .order_by(Review.id)
    )
    return list(db.session.scalars(query))


def panel_reviews(proposal_id: int) -> list[Review]:
    """The submitted reviews of a proposal that count (no conflict): what the panel discusses."""
    query = (
        select(Review)
        .join(Review.assignment)
        .options(selectinload(Review.scores), selectinload(Review.assignment).selectinload(Assignment.expert))
        .where(
            Assignment.proposal_id == proposal_id,
            Review.status == ReviewStatus.submitted,
            ~blocking_conflict(Assignment.expert_id, Assignment.proposal_id),
        )
        .order_by(Review.id)
    )
    return list(db.session.scalars(query))


def expertise_matches(items, fields: dict[int, str]) -> set[tuple[int, int]]:
    """(item, expert) pairs where the item's category (a proposal's, a suggestion's) is among the expert's fields."""
    return {
        (item.id, expert_id)
        for item in items
        for expert_id, text in fields.items()
        if item.category and text and item.category.name in text
    }


def assignment_problem(round_id: int, k: int) -> Problem:
    """The round's assignment as the solver sees it: proposals, experts' caps, what stands, what is barred."""
    proposals = round_proposals(round_id)
    experts = experts_with_load(round_id)
    assigned = {(a.proposal_id, a.expert_id) for a in round_assignments(round_id)}
    ids = [p.id for p in proposals]
    conflicts = conflicted_pairs(ids, [expert.id for expert, _profile, _load in experts])
    fields = {expert.id: (profile.expertise if profile else "") for expert, profile, _load in experts}
    matches = expertise_matches(proposals, fields)
    caps = {expert.id: (profile.max_load if profile else DEFAULT_MAX_LOAD) for expert, profile, _load in experts}
    return Problem(proposals=ids, experts=caps, k=k, existing=assigned, conflicts=conflicts, matches=matches)


def review_settings(round_id: int) -> ReviewSettings:
    """The round's review settings, the defaults when the office has not set them."""
    return db.session.get(ReviewSettings, round_id) or _default_settings(round_id)


def review_settings_of(round_ids) -> dict[int, ReviewSettings]:
    """Each round's review settings in one statement, the defaults where the office has not set them."""
    found = db.session.scalars(select(ReviewSettings).where(ReviewSettings.round_id.in_(round_ids)))
    settings = {row.round_id: row for row in found}
    return {round_id: settings.get(round_id) or _default_settings(round_id) for round_id in round_ids}


def _default_settings(round_id: int) -> ReviewSettings:
    return ReviewSettings(
        round_id=round_id,
        reviewers_per_proposal=3,
        trim_extremes=False,
        blind=False,
        cut_line=None,
        cut_percent=None,
        stage=ReviewStage.independent,
    )


def field_visits(proposal_id: int) -> list[FieldVisit]:
    query = select(FieldVisit).where(FieldVisit.proposal_id == proposal_id).order_by(FieldVisit.visited_on)
    return list(db.session.scalars(query))


def field_visit_counts(round_id: int) -> dict[int, int]:
    """How many field visits each proposal of the round had."""
    query = (
        select(FieldVisit.proposal_id, func.count(FieldVisit.id))
        .join(Proposal, and_(Proposal.id == FieldVisit.proposal_id, Proposal.round_id == round_id))
        .group_by(FieldVisit.proposal_id)
    )
    return dict(db.session.execute(query).all())


def screenings(round_id: int) -> dict[int, Screening]:
    """The round's screenings by proposal."""
    query = select(Screening).join(Screening.proposal).where(Proposal.round_id == round_id)
    return {s.proposal_id: s for s in db.session.scalars(query)}


def screening_of(proposal_id: int) -> Screening | None:
    return db.session.get(Screening, proposal_id)


def published_decision(proposal_id: int) -> Screening | None:
    """The office's decision on a proposal once published (what the unit may read), else None."""
    screening = screening_of(proposal_id)
    return screening if screening is not None and screening.published_at is not None else None


def funnel(round_id: int) -> dict[str, int]:
    """Received → reviewed → shortlisted → selected, e.g. 108 → 30 → 11."""
    received = db.session.scalar(
        select(func.count(Proposal.id)).where(Proposal.round_id == round_id, Proposal.submitted_at.is_not(None))
    )
    reviewed = db.session.scalar(
        select(func.count(func.distinct(Assignment.proposal_id)))
        .join(Review, Review.assignment_id == Assignment.id)
        .join(Proposal, and_(Proposal.id == Assignment.proposal_id, Proposal.round_id == round_id))
        .where(Review.status == ReviewStatus.submitted)
    )
    counts = db.session.execute(
        select(
            func.count(Screening.proposal_id).filter(Screening.shortlisted),
            func.count(Screening.proposal_id).filter(Screening.decision == Decision.selected),
        )
        .join(Screening.proposal)
        .where(Proposal.round_id == round_id)
    ).one()
    return {"received": received, "reviewed": reviewed, "shortlisted": counts[0], "selected": counts[1]}


def linked_suggestions(proposal_id: int) -> list[Suggestion]:
    """Residents' suggestions the office linked to a proposal."""
    query = (
        select(Suggestion)
        .join(suggestion_proposals, suggestion_proposals.c.suggestion_id == Suggestion.id)
        .where(suggestion_proposals.c.proposal_id == proposal_id)
    )
    return list(db.session.scalars(query))


def round_reviews(round_id: int) -> list[tuple[Review, bool]]:
    """Every submitted review of the round with its scores, expert and proposal, and whether it is conflicted."""
    query = (
        select(Review, blocking_conflict(Assignment.expert_id, Assignment.proposal_id))
        .join(Review.assignment)
        .join(Assignment.proposal)
        .options(
            selectinload(Review.scores),
            selectinload(Review.assignment).selectinload(Assignment.expert),
            selectinload(Review.assignment).selectinload(Assignment.proposal).load_only(Proposal.id, Proposal.title),
        )
        .where(Proposal.round_id == round_id, Review.status == ReviewStatus.submitted)
        .order_by(Assignment.proposal_id, Assignment.expert_id)
    )
    return [(review, bool(conflicted)) for review, conflicted in db.session.execute(query)]


@dataclass
class ExpertProgress:
    expert: User
    assigned: int
    submitted: int
    drafts: int
    reminded_at: object  # datetime of the last reminder, or None

    @property
    def outstanding(self) -> int:
        return self.assigned - self.submitted


def expert_progress(round_id: int) -> list[ExpertProgress]:
    """Each expert with published assignments in the round: assigned, submitted, drafts, last reminder.

    Conflicted assignments do not count: the expert no longer sees them.
    """
    submitted = Review.status == ReviewStatus.submitted
    query = (
        select(
            User,
            func.count(Assignment.id),
            func.count(Review.id).filter(submitted),
            func.count(Review.id).filter(Review.status == ReviewStatus.draft),
            func.max(Assignment.reminded_at),
        )
        .join(Assignment, Assignment.expert_id == User.id)
        .join(Proposal, and_(Proposal.id == Assignment.proposal_id, Proposal.round_id == round_id))
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(
            Assignment.published,
            Proposal.status != ProposalStatus.withdrawn,
            ~blocking_conflict(Assignment.expert_id, Assignment.proposal_id),
        )
        .group_by(User.id)
        .order_by(User.display_name)
    )
    return [ExpertProgress(*row) for row in db.session.execute(query)]


def suggestion_scale(round_id: int) -> int:
    """The top of the scale a suggestion is screened on: the round's largest criterion maximum (10 without criteria)."""
    return db.session.scalar(select(func.max(Criterion.max_score)).where(Criterion.round_id == round_id)) or 10


def my_suggestion_reviews(expert: User) -> list[SuggestionReview]:
    """The suggestions sent to the expert for screening, those still to screen first."""
    query = (
        select(SuggestionReview)
        .options(selectinload(SuggestionReview.suggestion).selectinload(Suggestion.round))
        .where(SuggestionReview.expert_id == expert.id)
        .order_by(SuggestionReview.submitted_at.is_not(None), SuggestionReview.id)
    )
    return list(db.session.scalars(query))


def suggestion_reviews_of_round(round_id: int) -> list[SuggestionReview]:
    """Every screening of the round's suggestions, with its expert and suggestion."""
    query = (
        select(SuggestionReview)
        .join(SuggestionReview.suggestion)
        .options(
            selectinload(SuggestionReview.expert),
            # the ranking shows each suggestion's field and the proposals it fed
            selectinload(SuggestionReview.suggestion).selectinload(Suggestion.category),
            selectinload(SuggestionReview.suggestion).selectinload(Suggestion.proposals),
        )
        .where(Suggestion.round_id == round_id)
        .order_by(SuggestionReview.suggestion_id, SuggestionReview.id)
    )
    return list(db.session.scalars(query))


def suggestions_to_screen(round_id: int) -> list[Suggestion]:
    """The round's suggestions the office has taken up and not yet sent to expert screening."""
    sent = select(SuggestionReview.id).where(SuggestionReview.suggestion_id == Suggestion.id).exists()
    query = (
        select(Suggestion)
        .options(selectinload(Suggestion.category))
        .where(Suggestion.round_id == round_id, Suggestion.status.in_(TAKEN_UP), ~sent)
        .order_by(Suggestion.second_count.desc(), Suggestion.id)
    )
    return list(db.session.scalars(query))
