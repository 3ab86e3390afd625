"""What of review waits for a user (core.todo): an expert's reviews, field research asked for and screenings; the
office's proposals submitted and not yet given to an expert, late experts and decisions not yet published."""

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import bindparam, exists, func, or_, select

from accounts.models import Role
from accounts.permissions import has_role
from core.todo import TodoItem
from extensions import db
from review.models import (
    Assignment,
    FieldVisit,
    Review,
    ReviewSettings,
    ReviewStage,
    ReviewStatus,
    Screening,
    SuggestionReview,
)
from review.queries import reviewing
from solicitation.models import ROUND_OPEN_FOR_CHANGES, Proposal, ProposalStatus, Round, RoundStatus


def todo(user, today: date) -> list[TodoItem]:
    if has_role(user, Role.expert):
        return _expert_todo(user)
    if has_role(user, Role.office):
        return _office_todo(today)
    return []


def _open_reviews():
    """Assignments whose review is not submitted, in rounds whose experts still score (not yet deciding), with
    their round: a select to narrow and group."""
    return (
        select(Round, func.count(Assignment.id))
        .select_from(Assignment)
        .join(Assignment.proposal)
        .join(Round, Round.id == Proposal.round_id)
        .outerjoin(Assignment.review)
        .outerjoin(ReviewSettings, ReviewSettings.round_id == Round.id)
        .where(Round.status == RoundStatus.reviewing)
        .where(or_(ReviewSettings.stage.is_(None), ReviewSettings.stage != ReviewStage.decision))
        .where(or_(Review.id.is_(None), Review.status != ReviewStatus.submitted))
        .group_by(Round.id)
        .order_by(Round.review_deadline)
    )


def _expert_todo(expert) -> list[TodoItem]:
    items = [
        TodoItem(
            text=_("Reviews to submit in %(round)s", round=round.title),
            url=url_for("review.my_reviews"),
            count=count,
            due=round.review_deadline,
        )
        for round, count in db.session.execute(_open_reviews().where(reviewing(expert)))
    ]
    # The office asked for 实地调研 of a proposal the expert reviews, and nobody has recorded a visit yet.
    visits = (
        select(func.count(Assignment.id))
        .join(Screening, Screening.proposal_id == Assignment.proposal_id)
        .join(Proposal, Proposal.id == Assignment.proposal_id)
        .join(Round, Round.id == Proposal.round_id)
        .where(Round.status == RoundStatus.reviewing, reviewing(expert), Screening.field_visit_requested)
        .where(~exists().where(FieldVisit.proposal_id == Assignment.proposal_id))
    )
    items.append(
        TodoItem(
            text=_("Field research asked for by the office"),
            url=url_for("review.my_reviews"),
            count=db.session.scalar(visits),
        )
    )
    screenings = select(func.count(SuggestionReview.id)).where(
        SuggestionReview.expert_id == expert.id, SuggestionReview.submitted_at.is_(None)
    )
    items.append(
        TodoItem(
            text=_("Residents' suggestions to screen"),
            url=url_for("review.my_reviews"),
            count=db.session.scalar(screenings),
        )
    )
    return items


# Every staff page's menu counts the office's to-do: the statements are made once a process (building them cost
# more than running them) and read plain columns, not records.
# Sent, and neither returned nor given to an expert yet: the office has not looked at it.
_UNCHECKED = (
    select(Round.id, Round.title, func.count(Proposal.id))
    .join(Proposal, Proposal.round_id == Round.id)
    .where(Proposal.status == ProposalStatus.submitted, ~exists().where(Assignment.proposal_id == Proposal.id))
    .where(Round.status.in_(ROUND_OPEN_FOR_CHANGES))
    .group_by(Round.id, Round.title)
)
_LATE = (
    _open_reviews()
    .with_only_columns(Round.id, Round.title, Round.review_deadline, func.count(Assignment.expert_id.distinct()))
    .where(Assignment.published, Round.review_deadline < bindparam("today"))
)
_UNPUBLISHED = (
    select(Round.id, Round.title, func.count(Screening.proposal_id))
    .join(Proposal, Proposal.id == Screening.proposal_id)
    .join(Round, Round.id == Proposal.round_id)
    .where(Screening.decision.is_not(None), Screening.published_at.is_(None))
    .group_by(Round.id, Round.title)
)


def _office_todo(today: date) -> list[TodoItem]:
    items = [
        TodoItem(
            text=_("Proposals submitted, not yet checked or given to an expert, in %(round)s", round=title),
            url=url_for("review.assignment_board", round_id=round_id),
            count=count,
        )
        for round_id, title, count in db.session.execute(_UNCHECKED)
    ]
    items += [
        TodoItem(
            text=_("Experts with reviews outstanding past the deadline in %(round)s", round=title),
            url=url_for("review.review_progress", round_id=round_id),
            count=count,
            due=deadline,
        )
        for round_id, title, deadline, count in db.session.execute(_LATE, {"today": today})
    ]
    items += [
        TodoItem(
            text=_("Decisions not yet published in %(round)s", round=title),
            url=url_for("review.ranking", round_id=round_id),
            count=count,
        )
        for round_id, title, count in db.session.execute(_UNPUBLISHED)
    ]
    return items
