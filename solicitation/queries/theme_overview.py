"""What the office reads of a round's themes: the list largest first with each theme's channels, places and weekly
trend, a theme's suggestions most representative first, the last recompute, the dashboard's largest and fastest
growing themes, and the published themes /heard shows (counts only: no suggestion, no contact field)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from extensions import db
from solicitation.models import Channel, Round, Suggestion, SuggestionStatus, Theme, ThemeMember, ThemeRun

PLACES_SHOWN = 3  # the most frequent places a theme's row names


def themes(*, round_id: int, q: str = "", published: bool | None = None) -> Select:
    """The round's themes matching the filters, largest first."""
    query = select(Theme).where(Theme.round_id == round_id)
    if q.strip():
        query = query.where(Theme.name.ilike(f"%{q.strip()}%"))
    if published is not None:
        query = query.where(Theme.published.is_(published))
    return query.order_by(Theme.size.desc(), Theme.id)


def solicitation_weeks(round: Round, today: date) -> list[date]:
    """The first day of each week of the round's solicitation, up to today if it is still open."""
    last = min(round.solicitation_closes, max(today, round.solicitation_opens))
    weeks = (last - round.solicitation_opens).days // 7 + 1
    return [round.solicitation_opens + timedelta(weeks=n) for n in range(weeks)]


@dataclass
class ThemeFacts:
    """Where a theme's suggestions come from and when: counts by channel and by place (most first), and per week
    of the solicitation (those received before it count in its first week, after it in its last)."""

    channels: list[tuple[Channel, int]] = field(default_factory=list)
    places: list[tuple[str, int]] = field(default_factory=list)
    weeks: list[int] = field(default_factory=list)

    @property
    def peak(self) -> int:
        return max(self.weeks, default=0)


def theme_facts(round: Round, theme_ids: list[int], today: date) -> dict[int, ThemeFacts]:
    """The facts of each of these themes, in three grouped queries whatever their number."""
    weeks = solicitation_weeks(round, today)
    facts = {theme_id: ThemeFacts(weeks=[0] * len(weeks)) for theme_id in theme_ids}
    if not theme_ids:
        return facts
    members = (
        select(ThemeMember.theme_id)
        .join(Suggestion, Suggestion.id == ThemeMember.suggestion_id)
        .where(ThemeMember.theme_id.in_(theme_ids))
    )

    def grouped(column):
        rows = db.session.execute(
            members.add_columns(column, func.count()).group_by(ThemeMember.theme_id, column)
        ).all()
        result = defaultdict(Counter)
        for theme_id, value, count in rows:
            result[theme_id][value] += count
        return result

    for theme_id, counts in grouped(Suggestion.channel).items():
        facts[theme_id].channels = counts.most_common()
    for theme_id, counts in grouped(Suggestion.location).items():
        counts.pop("", None)  # a suggestion that names no place
        facts[theme_id].places = counts.most_common(PLACES_SHOWN)
    for theme_id, counts in grouped(Suggestion.received_on).items():
        for received_on, count in counts.items():
            week = (received_on - round.solicitation_opens).days // 7
            facts[theme_id].weeks[min(max(week, 0), len(weeks) - 1)] += count
    return facts


def last_run(round_id: int) -> ThemeRun | None:
    """The round's latest recompute, finished or not."""
    query = (
        select(ThemeRun).where(ThemeRun.round_id == round_id).order_by(ThemeRun.started_at.desc(), ThemeRun.id.desc())
    )
    return db.session.scalars(query.limit(1)).first()


def theme_suggestions(theme_id: int) -> Select:
    """A theme's suggestions, the most representative (closest to its centre) first."""
    return (
        select(Suggestion)
        .join(ThemeMember, ThemeMember.suggestion_id == Suggestion.id)
        .where(ThemeMember.theme_id == theme_id)
        .options(selectinload(Suggestion.category), selectinload(Suggestion.referred_unit))
        .order_by(ThemeMember.closeness.desc(), Suggestion.id)
    )


def theme_suggestion_ids(theme_id: int) -> list[int]:
    """The ids of all a theme's suggestions (a bulk action on the whole theme)."""
    return list(db.session.scalars(select(ThemeMember.suggestion_id).where(ThemeMember.theme_id == theme_id)))


def theme_size(theme_id: int) -> int:
    """How many suggestions the theme holds, counted."""
    return db.session.scalar(select(func.count()).where(ThemeMember.theme_id == theme_id))


def closeness_of(suggestion_ids: list[int]) -> dict[int, float]:
    """How close each of these suggestions is to its theme's centre."""
    query = select(ThemeMember.suggestion_id, ThemeMember.closeness).where(
        ThemeMember.suggestion_id.in_(suggestion_ids)
    )
    return dict(db.session.execute(query).all())


def other_themes(theme: Theme) -> list[Theme]:
    """The round's other themes, largest first: what a theme can be merged with, or a suggestion moved to."""
    query = select(Theme).where(Theme.round_id == theme.round_id, Theme.id != theme.id)
    return list(db.session.scalars(query.order_by(Theme.size.desc(), Theme.id)))


def round_themes(round_id: int, ids: list[int]) -> list[Theme]:
    """Those of these themes that belong to the round (what a merge or a move names), in the order given."""
    found = {t.id: t for t in db.session.scalars(select(Theme).where(Theme.round_id == round_id, Theme.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def theme_of(suggestion_id: int) -> Theme | None:
    """The theme a suggestion belongs to, if any."""
    query = select(Theme).join(ThemeMember, ThemeMember.theme_id == Theme.id)
    return db.session.scalars(query.where(ThemeMember.suggestion_id == suggestion_id)).first()


@dataclass
class Growth:
    """A theme's suggestions received in the last days, and before them."""

    theme: Theme
    recent: int
    before: int


def growing_themes(round_id: int, today: date, *, days: int = 7, limit: int = 5) -> list[Growth]:
    """The round's themes that grew fastest over the last `days` against what they had before: most new
    suggestions for each one already there first (a new theme grows from nothing)."""
    since = today - timedelta(days=days - 1)
    recent = func.count().filter(Suggestion.received_on >= since)
    rows = db.session.execute(
        select(Theme, recent, func.count())
        .join(ThemeMember, ThemeMember.theme_id == Theme.id)
        .join(Suggestion, Suggestion.id == ThemeMember.suggestion_id)
        .where(Theme.round_id == round_id)
        .group_by(Theme.id)
    ).all()
    grown = [Growth(theme, int(new or 0), total - int(new or 0)) for theme, new, total in rows if new]
    grown.sort(key=lambda g: (-g.recent / (g.before + 1), -g.recent, g.theme.id))
    return grown[:limit]


def largest_themes(round_id: int, *, limit: int = 5) -> list[Theme]:
    """The round's largest themes."""
    return list(db.session.scalars(themes(round_id=round_id).limit(limit)))


@dataclass
class HeardTheme:
    """A published theme as /heard shows it: the name the office approved, how many suggestions it counts, and
    the office's reply."""

    name: str
    count: int
    reply: str


def heard_themes(round_id: int) -> list[HeardTheme]:
    """The round's published themes, largest first; each counts its suggestions as the page's totals do (those
    the office set aside never count), and nothing else of them."""
    counted = func.count(Suggestion.id).filter(Suggestion.status != SuggestionStatus.rejected)
    rows = db.session.execute(
        select(Theme.name, Theme.public_reply, counted)
        .outerjoin(ThemeMember, ThemeMember.theme_id == Theme.id)
        .outerjoin(Suggestion, Suggestion.id == ThemeMember.suggestion_id)
        .where(Theme.round_id == round_id, Theme.published)
        .group_by(Theme.id, Theme.name, Theme.public_reply)
        .order_by(counted.desc(), Theme.id)
    ).all()
    return [HeardTheme(name, count, reply or "") for name, reply, count in rows]
