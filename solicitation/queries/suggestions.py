"""Residents' suggestions: who sees one on the staff side, the lists, what the public sees of a round."""

from collections.abc import Callable
from typing import NamedTuple

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, false, func, or_, select, true
from sqlalchemy.orm import joinedload, selectinload

from accounts.models import Role
from accounts.permissions import has_role
from accounts.queries import events_of_records
from extensions import db
from solicitation.models import (
    Category,
    Channel,
    RejectReason,
    Round,
    Suggestion,
    SuggestionCount,
    SuggestionStatus,
)
from solicitation.queries.rounds import publicly_visible_rounds


def suggestion_visible_to(user) -> ColumnElement[bool]:
    """The one rule of who sees a suggestion on the staff side, as a SQL condition on Suggestion.

    The office, every one; a unit's staff, those referred to their unit (contact details masked); nobody else.
    (An expert reads what is sent to them for screening through review's own rule; the public reads
    `publicly_visible_suggestions`.) The page's predicate, the lists, the JSON API, the search audience and the
    audit log all ask this.
    """
    if has_role(user, Role.office):
        return true()
    if has_role(user, Role.unit_staff) and user.unit_id is not None:
        return Suggestion.referred_unit_id == user.unit_id
    return false()


def visible_suggestions(user) -> Select:
    """Suggestions `user` may see."""
    return select(Suggestion).where(suggestion_visible_to(user))


def suggestion_is_visible(user, suggestion_id: int) -> bool:
    """Whether `user` may see this one suggestion: the rule asked of one row."""
    return db.session.scalar(select(exists().where(Suggestion.id == suggestion_id, suggestion_visible_to(user))))


def suggestion_events_visible_to(user) -> ColumnElement[bool]:
    """Which audit events of suggestions `user` may read, as a SQL condition on AuditEvent: those of a suggestion
    `user` sees."""
    return events_of_records(Suggestion, suggestion_visible_to(user))


def suggestions(
    user,
    *,
    round_id: int,
    q: str = "",
    status: SuggestionStatus | None = None,
    channel: Channel | None = None,
    category_id: int | None = None,
    referred_unit_id: int | None = None,
    held_reply: bool = False,
) -> Select:
    """The round's suggestions `user` may see matching the filters, newest first (contact details are never
    searched)."""
    query = (
        visible_suggestions(user)
        .options(
            selectinload(Suggestion.category),
            selectinload(Suggestion.referred_unit),
            selectinload(Suggestion.proposals),
        )
        .where(Suggestion.round_id == round_id)
    )
    if q:
        like = f"%{q.strip()}%"
        code = q.strip().replace("-", "").upper()
        query = query.where(
            or_(Suggestion.title.ilike(like), Suggestion.content.ilike(like), Suggestion.tracking_code == code)
        )
    if status is not None:
        query = query.where(Suggestion.status == status)
    if channel is not None:
        query = query.where(Suggestion.channel == channel)
    if category_id is not None:
        query = query.where(Suggestion.category_id == category_id)
    if referred_unit_id is not None:
        query = query.where(Suggestion.referred_unit_id == referred_unit_id)
    if held_reply:
        query = query.where(Suggestion.reply != "", Suggestion.reply_published_at.is_(None))
    return query.order_by(Suggestion.created_at.desc(), Suggestion.id.desc())


WORD_SEARCH = "solicitation.word_search"
# "All matching" asks the word search for every match on one page: more than a round could hold.
EVERY_MATCH = 2**31 - 1


def register_word_search(app, search: Callable) -> None:
    """Give the office list's search box its word search, at a later package's blueprint registration (search_index
    registers `round_suggestion_matches`): solicitation never imports search_index. `search(user=, text=,
    round_id=, status=, channel=, category=, page=, per_page=)` returns a page of results (hits with `record_id`
    newest first, `total`, `capped`, `facets`)."""
    app.extensions[WORD_SEARCH] = search


def _word_search(user, *, round_id, q, page, per_page, status=None, channel=None, category_id=None):
    """The registered word search of the round's suggestions, with the list's filters."""
    category = db.session.get(Category, category_id) if category_id is not None else None
    return current_app.extensions[WORD_SEARCH](
        user=user,
        text=q,
        round_id=round_id,
        status=status.value if status else None,
        channel=channel.value if channel else None,
        category=category.name if category else None,
        page=page,
        per_page=per_page,
    )


class WordMatches(NamedTuple):
    """A page of the round's suggestions a search box's words match, newest first, with how many match (at most
    the index's cap: `capped` says there are more) and, of those counted, how many have each status."""

    items: list[Suggestion]
    total: int
    capped: bool
    counts: list[tuple[SuggestionStatus, int]]


def word_matches(
    user,
    *,
    round_id: int,
    q: str,
    page: int,
    per_page: int,
    status: SuggestionStatus | None = None,
    channel: Channel | None = None,
    category_id: int | None = None,
) -> WordMatches:
    """The list's search box through the full-text index: a million suggestions are not read to find a word."""
    results = _word_search(
        user,
        round_id=round_id,
        q=q,
        page=page,
        per_page=per_page,
        status=status,
        channel=channel,
        category_id=category_id,
    )
    ids = [hit.record_id for hit in results.hits]
    loaded = {
        suggestion.id: suggestion
        for suggestion in db.session.scalars(
            visible_suggestions(user)
            .options(
                selectinload(Suggestion.category),
                selectinload(Suggestion.referred_unit),
                selectinload(Suggestion.proposals),
            )
            .where(Suggestion.id.in_(ids))
        )
    }
    counts = [(SuggestionStatus(value), count) for value, count in results.facets.get("status", [])]
    return WordMatches([loaded[i] for i in ids if i in loaded], results.total, results.capped, counts)


def word_match_ids(user, *, round_id: int, q: str, **filters) -> list[int]:
    """Every suggestion of the round the list's search box finds for `q` with the filters (no count cap), newest
    first: what "all matching" acts on, the same records the list shows."""
    results = _word_search(user, round_id=round_id, q=q, page=1, per_page=EVERY_MATCH, **filters)
    return [hit.record_id for hit in results.hits]


# Ids asked for at once: under SQLite's limit of bound parameters in one statement.
IDS_AT_ONCE = 10_000


def round_suggestions(round_id: int, ids: list[int]) -> list[Suggestion]:
    """The suggestions of the round among `ids` (an id of another round is ignored)."""
    # with their proposals: a bulk link checks each suggestion's without a query per row
    query = select(Suggestion).options(selectinload(Suggestion.proposals)).where(Suggestion.round_id == round_id)
    ids = list(ids)
    return [
        suggestion
        for start in range(0, len(ids), IDS_AT_ONCE)
        for suggestion in db.session.scalars(query.where(Suggestion.id.in_(ids[start : start + IDS_AT_ONCE])))
    ]


def referred_to(user) -> Select:
    """Suggestions referred to the unit of `user` (those the rule shows its staff), those still waiting for its
    answer first."""
    return (
        visible_suggestions(user)
        .where(Suggestion.referred_unit_id.is_not(None))
        .order_by(Suggestion.unit_answered_at.is_not(None), Suggestion.created_at.desc())
    )


class Heard(NamedTuple):
    """What a round heard: every suggestion received, how many the office set aside (rejected: left out of the
    counts, never shown) by reason, and the others by category (its name; None: not classified) and by channel;
    and how many the public sees (`published`: publicly_visible_suggestions, the round being one the public sees)."""

    received: int
    set_aside: list[tuple[RejectReason | None, int]]
    by_category: list[tuple[str | None, int]]
    by_channel: list[tuple[Channel, int]]
    published: int

    @property
    def counted(self) -> int:
        return self.received - sum(count for _reason, count in self.set_aside)


def heard_counts(round_id: int) -> Heard:
    """What a round heard, from the summary counts; each list most first."""
    received, published, set_aside, by_category, by_channel, names = 0, 0, {}, {}, {}, {}
    for category_id, name, channel, is_rejected, reason, is_published, count in db.session.execute(
        _HEARD_COUNTS, {"round_id": round_id}
    ):
        received += count
        if is_rejected:
            reason = RejectReason[reason] if reason else None
            set_aside[reason] = set_aside.get(reason, 0) + count
            continue
        if is_published:
            published += count
        category_id = category_id or None
        names[category_id] = name
        by_category[category_id] = by_category.get(category_id, 0) + count
        by_channel[channel] = by_channel.get(channel, 0) + count
    # most first; a tie in the order of the keys, not classified first
    categories = sorted(by_category.items(), key=lambda row: (-row[1], row[0] is not None, row[0] or 0))
    channels = sorted(by_channel.items(), key=lambda row: (-row[1], row[0].name))
    reasons = sorted(set_aside.items(), key=lambda row: (-row[1], row[0] is None, row[0].name if row[0] else ""))
    return Heard(received, reasons, [(names[key], count) for key, count in categories], channels, published)


class SuggestionFigures(NamedTuple):
    """How many suggestions residents sent, and how many the office has answered in public."""

    received: int
    answered: int


def suggestion_figures() -> SuggestionFigures:
    """Every round's suggestions received and answered (the office's reply published), from the summary counts:
    the home page's figures."""
    return SuggestionFigures(*db.session.execute(_FIGURES).one())


# Made once a process: the home page runs it for every reader.
_FIGURES = select(
    func.coalesce(func.sum(SuggestionCount.count), 0),
    func.coalesce(func.sum(SuggestionCount.count).filter(SuggestionCount.reply_published), 0),
)


def summary_counts(column, *conditions) -> dict:
    """How many suggestions have each value of `column` (a SuggestionCount column) among the summary rows matching
    `conditions`: exact, without reading the suggestions themselves. Values none has are left out."""
    total = func.sum(SuggestionCount.count)
    query = select(column, total).where(*conditions).group_by(column).having(total > 0)
    return dict(db.session.execute(query).all())


def status_counts(
    *,
    round_id: int,
    status: SuggestionStatus | None = None,
    channel: Channel | None = None,
    category_id: int | None = None,
    held_reply: bool = False,
) -> list[tuple[SuggestionStatus, int]]:
    """How many of the round's suggestions matching the list's filters (all but its words) have each status, most
    first, from the summary counts."""
    conditions = [SuggestionCount.round_id == round_id]
    if status is not None:
        conditions.append(SuggestionCount.status == status)
    if channel is not None:
        conditions.append(SuggestionCount.channel == channel)
    if category_id is not None:
        conditions.append(SuggestionCount.category_id == category_id)
    if held_reply:
        conditions.append(SuggestionCount.reply_held)
    return sorted(summary_counts(SuggestionCount.status, *conditions).items(), key=lambda row: -row[1])


# Made once a process: /heard runs it for every reader, and building it cost more than running it (issue 19).
_REJECTED = SuggestionCount.status == SuggestionStatus.rejected
# The rest of publicly_visible_suggestions, for rows not rejected (the round's own visibility is the caller's).
_PUBLISHED = and_(SuggestionCount.is_public, SuggestionCount.status != SuggestionStatus.duplicate)
_HEARD_COUNTS = (
    select(
        SuggestionCount.category_id,
        Category.name,
        SuggestionCount.channel,
        _REJECTED,
        SuggestionCount.reject_reason,
        _PUBLISHED,
        func.sum(SuggestionCount.count),
    )
    .select_from(SuggestionCount)
    .outerjoin(Category, Category.id == SuggestionCount.category_id)
    .where(SuggestionCount.round_id == bindparam("round_id"))
    .group_by(
        SuggestionCount.category_id,
        Category.name,
        SuggestionCount.channel,
        _REJECTED,
        SuggestionCount.reject_reason,
        _PUBLISHED,
    )
    .having(func.sum(SuggestionCount.count) > 0)
)


def publicly_visible_suggestions() -> ColumnElement[bool]:
    """Which suggestions the public sees: those the office published, unless set aside (rejected) or merged,
    of a round the public sees.

    The one rule: the /heard page lists these, only these may be seconded, and search's public audience is
    given from it (search_index/documents.py).
    """
    return and_(
        Suggestion.is_public,
        Suggestion.status.not_in([SuggestionStatus.rejected, SuggestionStatus.duplicate]),
        Suggestion.round_id.in_(select(Round.id).where(publicly_visible_rounds())),
    )


def publicly_visible_suggestion_ids(ids) -> set[int]:
    """Which of these suggestions the public sees, in one query."""
    ids = list(ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(Suggestion.id).where(Suggestion.id.in_(ids), publicly_visible_suggestions())))


def is_publicly_visible(suggestion: Suggestion) -> bool:
    """Whether the public sees this suggestion (as it stands in the database)."""
    return suggestion.id in publicly_visible_suggestion_ids([suggestion.id])


def public_suggestions(round_id: int, offset: int, limit: int) -> list[Suggestion]:
    """A page of what the public sees of a round's suggestions, most seconded first."""
    return list(db.session.scalars(_PUBLIC_SUGGESTIONS, {"round_id": round_id, "offset": offset, "limit": limit}))


# Made once a process, like _HEARD_COUNTS: the round, the offset and the limit bound per request.
_PUBLIC_SUGGESTIONS = (
    select(Suggestion)
    .where(Suggestion.round_id == bindparam("round_id"), publicly_visible_suggestions())
    .options(joinedload(Suggestion.category))
    .order_by(Suggestion.second_count.desc(), Suggestion.id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
