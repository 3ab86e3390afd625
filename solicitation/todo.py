"""What of solicitation waits for a user (core.todo): units' returned proposals, drafts, referrals; the office's
untriaged suggestions, overdue referrals, resubmitted proposals and held replies."""

from datetime import date, timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import joinedload

from accounts.models import AuditEvent, Role
from accounts.permissions import has_role
from core.models import utcnow
from core.todo import TodoItem
from extensions import db
from solicitation.models import (
    Proposal,
    ProposalStatus,
    Round,
    RoundStatus,
    Suggestion,
    SuggestionCount,
    SuggestionStatus,
)
from solicitation.services.proposals import window_open


def todo(user, today: date) -> list[TodoItem]:
    if has_role(user, Role.unit_staff) and user.unit_id is not None:
        return _unit_todo(user, today)
    if has_role(user, Role.office):
        return _office_todo()
    return []


def _unit_todo(user, today: date) -> list[TodoItem]:
    returned = (
        select(Proposal)
        .options(joinedload(Proposal.round))  # its deadline, in the same statement
        .where(Proposal.unit_id == user.unit_id, Proposal.status == ProposalStatus.returned)
    )
    items = [
        TodoItem(
            text=_("Revise the returned proposal “%(title)s”", title=proposal.title),
            url=url_for("solicitation.proposal_detail", proposal_id=proposal.id),
            due=proposal.round.solicitation_closes,
            detail=proposal.return_reason,
        )
        for proposal in db.session.scalars(returned.order_by(Proposal.id))
    ]
    drafts = (
        select(Round, func.count(Proposal.id))
        .join(Proposal, Proposal.round_id == Round.id)
        .where(Proposal.unit_id == user.unit_id, Proposal.status == ProposalStatus.draft)
        .where(Round.status.in_([RoundStatus.soliciting, RoundStatus.reviewing]))
        .group_by(Round.id)
        .order_by(Round.id)
    )
    for round, count in db.session.execute(drafts):
        if window_open(round=round, unit=user.unit, today=today):
            items.append(
                TodoItem(
                    text=_("Drafts not yet submitted in %(round)s", round=round.title),
                    url=url_for("solicitation.proposal_list", round_id=round.id, status="draft"),
                    count=count,
                    due=round.solicitation_closes,
                )
            )
    waiting = select(func.count(Suggestion.id)).where(
        Suggestion.referred_unit_id == user.unit_id,
        Suggestion.status == SuggestionStatus.referred,
        Suggestion.unit_answered_at.is_(None),
    )
    items.append(
        TodoItem(
            text=_("Suggestions referred to your unit, to answer"),
            url=url_for("solicitation.referral_list"),
            count=db.session.scalar(waiting),
        )
    )
    return items


def _per_round(statement, describe, params=None, **url_args) -> list[TodoItem]:
    """One item a round counted by `statement` (rows of round id, title and count), said by `describe(title)`,
    linking to the round's filtered list."""
    return [
        TodoItem(
            text=describe(title),
            url=url_for("solicitation.suggestion_list", round_id=round_id, **url_args),
            count=count,
        )
        for round_id, title, count in db.session.execute(statement, params or {})
    ]


def _suggestions_per_round(condition, *, summary: bool = False):
    """Rows of round id, title and the number of suggestions matching `condition` (on SuggestionCount, counted from
    the summary, if `summary`; else on Suggestion), for each round that has any, the newest round first."""
    table, count = (SuggestionCount, func.sum(SuggestionCount.count)) if summary else (Suggestion, func.count())
    return (
        select(Round.id, Round.title, count)
        .join(table, table.round_id == Round.id)
        .where(condition)
        .group_by(Round.id, Round.title)
        .having(count > 0)
        .order_by(Round.id.desc())
    )


# Every staff page's menu counts the office's to-do: the statements are made once a process (building them cost
# more than running them) and read plain columns, not records.
_UNTRIAGED = _suggestions_per_round(SuggestionCount.status == SuggestionStatus.received, summary=True)
_HELD = _suggestions_per_round(SuggestionCount.reply_held, summary=True)
# A referral counts from the office's last "refer" of it; the unit has not answered for the set days: none of its
# "refer" events is that recent. The referrals waiting are read from their own small index, and only the last
# days' events are looked at (a lookup of each referral's events took seconds at a million suggestions).
_UNANSWERED = _suggestions_per_round(
    and_(
        Suggestion.status == SuggestionStatus.referred,
        Suggestion.unit_answered_at.is_(None),
        Suggestion.id.not_in(
            select(AuditEvent.object_id).where(
                AuditEvent.object_type == "Suggestion",
                AuditEvent.action == "suggestion.refer",
                AuditEvent.created_at >= bindparam("since"),
            )
        ),
    )
)
_RESUBMITTED = (
    select(Round.id, Round.title, func.count(Proposal.id))
    .join(Proposal, Proposal.round_id == Round.id)
    .where(Proposal.status == ProposalStatus.resubmitted)
    .where(Round.status.in_([RoundStatus.soliciting, RoundStatus.reviewing]))
    .group_by(Round.id, Round.title)
)


def _office_todo() -> list[TodoItem]:
    items = _per_round(
        _UNTRIAGED,
        lambda title: _("Suggestions not yet triaged in %(round)s", round=title),
        status=SuggestionStatus.received.value,
    )
    overdue_days = current_app.config["REFERRAL_OVERDUE_DAYS"]
    items += _per_round(
        _UNANSWERED,
        lambda title: _(
            "Referrals unanswered for more than %(days)d days in %(round)s", days=overdue_days, round=title
        ),
        {"since": utcnow() - timedelta(days=overdue_days)},
        status=SuggestionStatus.referred.value,
    )
    items += _per_round(
        _HELD, lambda title: _("Replies to residents held, not yet published, in %(round)s", round=title)
    )
    items += [
        TodoItem(
            text=_("Proposals resubmitted after revision in %(round)s", round=title),
            url=url_for("solicitation.proposal_list", round_id=round_id, status=ProposalStatus.resubmitted.value),
            count=count,
        )
        for round_id, title, count in db.session.execute(_RESUBMITTED)
    ]
    return items
