"""Themes (议题归类): computing a round's themes in the background, placing each new suggestion in the closest one,
and the office's edits (rename, merge, split, move), which every recompute keeps.

A recompute regroups only what nobody touched: a suggestion the office placed by hand (`by_hand`) never moves; a
theme the office named, merged or split (`kept`), or published, keeps its members and its name, and the new
suggestions of a group most of whose already-placed members are in it join it. The other themes are made anew,
reusing the rows of those they resemble most (so their number stays while their members stay). The summary says
what changed (ThemeRun).
"""

import functools
import time

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select, update

from accounts import audit
from accounts.models import User
from accounts.permissions import check_office
from core.models import utcnow
from extensions import db
from jobs.models import Job
from jobs.services import enqueue, job
from solicitation import grouping
from solicitation.errors import SolicitationError
from solicitation.models import Round, Suggestion, SuggestionStatus, Theme, ThemeMember, ThemeRun

COMPUTE_THEMES = "solicitation.compute_themes"
# What themes group: the suggestions the office has not thrown out (rejected, merged as duplicates).
THEMED = tuple(
    status for status in SuggestionStatus if status not in (SuggestionStatus.rejected, SuggestionStatus.duplicate)
)
# A group of the recompute joins an existing theme the office worked on when at least this share of the group is
# already its members.
JOIN_SHARE = 0.25
READ_BATCH = 10_000
WRITE_BATCH = 5_000
THEME_FIELDS = ["name", "size", "kept", "named_by_office"]


def _text(title: str, content: str) -> str:
    # Title and content only: the contact fields are never read here.
    return f"{title}\n{content}"


# Computing -----------------------------------------------------------------------------------------------


def queue_theme_computation(*, actor: User, round: Round) -> Job:
    """Ask the worker to compute the round's themes (the page shows its progress)."""
    check_office(actor, SolicitationError)
    queued = enqueue(COMPUTE_THEMES, {"round_id": round.id}, actor=actor)
    queued.payload = {"round_id": round.id, "job_id": queued.id}  # its run, to finish
    run = ThemeRun(round_id=round.id, job_id=queued.id)
    db.session.add(run)
    audit.record(actor=actor, action="round.compute_themes", obj=round, after={"job_id": queued.id})
    db.session.commit()
    return queued


@job(COMPUTE_THEMES, max_attempts=2)
def _compute_job(payload: dict, progress) -> dict:
    return compute_themes(round_id=payload["round_id"], progress=progress, job_id=payload.get("job_id"))


def _round_suggestions(round_id: int):
    """(id, text) of the round's themed suggestions, in id order, read in batches."""
    last = 0
    while True:
        rows = db.session.execute(
            select(Suggestion.id, Suggestion.title, Suggestion.content)
            .where(Suggestion.round_id == round_id, Suggestion.status.in_(THEMED), Suggestion.id > last)
            .order_by(Suggestion.id)
            .limit(READ_BATCH)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def compute_themes(*, round_id: int, progress=None, job_id: int | None = None) -> dict:
    """Group the round's suggestions into themes, keeping the office's edits; return what changed."""
    progress = progress or (lambda done, total, message="": None)
    started = time.monotonic()
    run = (
        db.session.scalar(select(ThemeRun).where(ThemeRun.job_id == job_id, ThemeRun.finished_at.is_(None)))
        if job_id
        else None
    ) or ThemeRun(round_id=round_id, job_id=job_id)
    run.started_at = utcnow()
    db.session.add(run)
    db.session.commit()
    total = (
        db.session.scalar(select(func.count()).where(Suggestion.round_id == round_id, Suggestion.status.in_(THEMED)))
        or 1
    )
    progress(0, 100, _l("Reading the suggestions"))

    ids: list[int] = []

    def texts():
        for row in _round_suggestions(round_id):
            ids.append(row.id)
            if len(ids) % READ_BATCH == 0:
                progress(int(50 * len(ids) / total), 100, _l("Reading the suggestions"))
            yield _text(row.title, row.content)

    steps = {
        "vectors": (55, _l("Reducing")),
        "reduced": (65, _l("Choosing the number of themes")),
        "chosen": (75, _l("Grouping")),
    }
    found = grouping.group(texts(), progress=lambda step, _: progress(steps[step][0], 100, steps[step][1]))
    progress(85, 100, _l("Naming the themes"))
    summary = _apply(round_id, np.asarray(ids, dtype=np.int64), found)
    summary["seconds"] = round(time.monotonic() - started, 1)
    run.finished_at, run.summary = utcnow(), summary
    db.session.commit()
    progress(100, 100, _l("Done"))
    return summary


def _apply(round_id: int, ids: np.ndarray, found: grouping.Grouping) -> dict:
    """Turn the groups found into the round's themes, keeping the office's edits; flush, return the summary."""
    themes = {theme.id: theme for theme in db.session.scalars(select(Theme).where(Theme.round_id == round_id))}
    protected = {theme_id for theme_id, theme in themes.items() if theme.kept or theme.published}
    before = {
        row.suggestion_id: (row.theme_id, row.by_hand)
        for row in db.session.execute(
            select(ThemeMember.suggestion_id, ThemeMember.theme_id, ThemeMember.by_hand)
            .join(Theme)
            .where(Theme.round_id == round_id)
        )
    }
    protected |= {theme_id for theme_id, by_hand in before.values() if by_hand}
    row_of = {int(suggestion_id): row for row, suggestion_id in enumerate(ids)}
    # Who stays where the office left it: members placed by hand, and every member of a theme it worked on.
    fixed = {
        suggestion_id: theme_id
        for suggestion_id, (theme_id, by_hand) in before.items()
        if suggestion_id in row_of and (by_hand or theme_id in protected)
    }
    # Members not read at the start: rejected or merged since (they leave), or sent since and placed by the worker
    # meanwhile (they stay).
    unread = [suggestion_id for suggestion_id in before if suggestion_id not in row_of]
    sent_since = set()
    for start in range(0, len(unread), WRITE_BATCH):
        sent_since.update(
            db.session.scalars(
                select(Suggestion.id).where(
                    Suggestion.id.in_(unread[start : start + WRITE_BATCH]), Suggestion.status.in_(THEMED)
                )
            )
        )
    left = [suggestion_id for suggestion_id in unread if suggestion_id not in sent_since]
    labels = found.labels if len(found.labels) == len(ids) else np.full(len(ids), -1, dtype=np.int32)

    # Each group of the computation joins the protected theme holding enough of it, or becomes a theme.
    targets: dict[int, int | None] = {}
    for label in set(labels.tolist()) - {-1}:
        rows = np.flatnonzero(labels == label)
        votes: dict[int, int] = {}
        for row in rows:
            theme_id = fixed.get(int(ids[row]))
            if theme_id is not None:
                votes[theme_id] = votes.get(theme_id, 0) + 1
        best = max(votes.items(), key=lambda item: item[1], default=(None, 0))
        targets[label] = best[0] if best[1] >= JOIN_SHARE * len(rows) else None

    # The final groups: each protected theme, then each group of the computation that became a theme ("new", label).
    keys: list = sorted(protected) + [("new", label) for label, target in sorted(targets.items()) if target is None]
    members: dict = {key: [] for key in keys}
    for row, suggestion_id in enumerate(ids.tolist()):
        key = fixed.get(suggestion_id)
        if key is None and labels[row] != -1:
            key = targets[int(labels[row])] or ("new", int(labels[row]))
        if key is not None:
            members[key].append(row)
    groups = [np.asarray(members[key], dtype=np.int64) for key in keys]
    described = grouping.describe(found, groups) if found.vectors is not None else [None] * len(groups)

    # Themes of the computation reuse the rows of the old untouched themes they share most members with.
    old_auto = {theme_id for theme_id in themes if theme_id not in protected}
    overlap: list[tuple[int, int, tuple]] = []
    for key, rows in zip(keys, groups, strict=True):
        if isinstance(key, tuple):
            shared: dict[int, int] = {}
            for row in rows.tolist():
                previous = before.get(int(ids[row]))
                if previous and previous[0] in old_auto:
                    shared[previous[0]] = shared.get(previous[0], 0) + 1
            overlap += [(count, theme_id, key) for theme_id, count in shared.items()]
    reused: dict[tuple, int] = {}
    for _, theme_id, key in sorted(overlap, reverse=True):
        if key not in reused and theme_id not in reused.values():
            reused[key] = theme_id
    made = 0
    theme_of: dict = {}
    for key, rows, description in zip(keys, groups, described, strict=True):
        theme = themes.get(key) if isinstance(key, int) else themes.get(reused.get(key))
        if theme is None:
            if not len(rows):
                continue
            theme = Theme(round_id=round_id, name="")
            db.session.add(theme)
            made += 1
        if description is not None and len(rows):
            theme.words, theme.centroid, theme.centred_at = description.words, description.centre, utcnow()
            if not theme.named_by_office:
                theme.name = grouping.name_of(description.words) or theme.name or "—"
        theme.size = len(rows)
        theme_of[key] = theme
    removed = [theme_id for theme_id in old_auto if theme_id not in {t.id for t in theme_of.values()}]
    db.session.flush()

    # Those that left the themes (rejected, merged) and the untouched ones go; the untouched are written anew below.
    staying = fixed.keys() | sent_since
    rewritten = [suggestion_id for suggestion_id in before if suggestion_id not in staying]
    for start in range(0, len(rewritten), WRITE_BATCH):
        batch = rewritten[start : start + WRITE_BATCH]
        db.session.execute(delete(ThemeMember).where(ThemeMember.suggestion_id.in_(batch)))
    if removed:
        db.session.execute(delete(ThemeMember).where(ThemeMember.theme_id.in_(removed)))
        db.session.execute(delete(Theme).where(Theme.id.in_(removed)))

    # The members: those of the office stay (closeness refreshed), the others are written anew, a batch at a time
    # (a million rows held at once would cost more memory than the grouping).
    regrouped = placed = 0
    fresh, refreshed = [], []
    for key, rows, description in zip(keys, groups, described, strict=True):
        theme = theme_of.get(key)
        if theme is None:
            continue
        closeness = description.closeness if description is not None else np.zeros(len(rows))
        for row, value in zip(rows.tolist(), closeness.tolist(), strict=True):
            suggestion_id = int(ids[row])
            values = {"suggestion_id": suggestion_id, "theme_id": theme.id, "closeness": round(value, 4)}
            if suggestion_id in fixed:
                refreshed.append(values)
            else:
                previous = before.get(suggestion_id)
                if previous is None:
                    placed += 1
                elif previous[0] != theme.id:
                    regrouped += 1
                values["by_hand"] = False
                fresh.append(values)
            if len(fresh) == WRITE_BATCH:
                db.session.execute(insert(ThemeMember.__table__), fresh)
                fresh.clear()
            if len(refreshed) == WRITE_BATCH:
                db.session.execute(update(ThemeMember), refreshed)
                refreshed.clear()
    if fresh:
        db.session.execute(insert(ThemeMember.__table__), fresh)
    if refreshed:
        db.session.execute(update(ThemeMember), refreshed)
    return {
        "suggestions": len(ids),
        "themes": len(theme_of),
        "made": made,
        "kept": len(protected),
        "removed": len(removed),
        "stayed": len(fixed),
        "regrouped": regrouped,
        "placed": placed,
        "left": len(left),
    }


# Placing new suggestions ---------------------------------------------------------------------------------


# Each process's centres of a round, with the version they were read at: (how many themes, latest centre change).
_placing: dict[int, tuple[tuple, grouping.Centres]] = {}


def _centres(round_id: int) -> grouping.Centres:
    """The round's centres as one matrix, read from the themes only when one of them changed since."""
    version = tuple(
        db.session.execute(
            select(func.count(Theme.id), func.max(Theme.centred_at)).where(Theme.round_id == round_id)
        ).one()
    )
    cached = _placing.get(round_id)
    if cached is None or cached[0] != version:
        rows = db.session.execute(select(Theme.id, Theme.centroid).where(Theme.round_id == round_id))
        cached = _placing[round_id] = (version, grouping.Centres(dict(rows.all())))
    return cached[1]


def place_suggestions(ids: list[int]) -> int:
    """Put each of these suggestions not in a theme yet in the closest theme of its round (the worker's work,
    after a suggestion is sent); written, not committed; return how many were placed."""
    rows = db.session.execute(
        select(Suggestion.id, Suggestion.round_id, Suggestion.title, Suggestion.content)
        .outerjoin(ThemeMember, ThemeMember.suggestion_id == Suggestion.id)
        .where(Suggestion.id.in_(ids), Suggestion.status.in_(THEMED), ThemeMember.suggestion_id.is_(None))
    ).all()
    centres = functools.cache(_centres)
    placed = 0
    for row in rows:
        found = centres(row.round_id).place(_text(row.title, row.content))
        if found is None:
            continue
        theme_id, closeness = found
        db.session.execute(
            insert(ThemeMember).values(suggestion_id=row.id, theme_id=theme_id, closeness=round(closeness, 4))
        )
        db.session.execute(update(Theme).where(Theme.id == theme_id).values(size=Theme.size + 1))
        placed += 1
    return placed


def place_suggestion(suggestion_id: int) -> bool:
    """Put a new suggestion in the closest existing theme of its round, without refitting; commit."""
    placed = place_suggestions([suggestion_id])
    db.session.commit()
    return placed == 1


# The office's edits --------------------------------------------------------------------------------------


def _check_theme_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise SolicitationError("theme_name_required", field="name")
    if len(name) > 80:
        raise SolicitationError("field_too_long", field="name", max=80)
    return name


def _resize(*themes: Theme) -> None:
    for theme in themes:
        theme.size = db.session.scalar(select(func.count()).where(ThemeMember.theme_id == theme.id))


def _blend(parts: list[tuple[dict, int]]) -> dict:
    """The centre of themes put together: their centres weighted by their sizes (the heaviest words kept)."""
    weights: dict[str, float] = {}
    idf: dict[str, float] = {}
    unseen = 0.0
    for centre, size in parts:
        for word, value in centre.get("weights", {}).items():
            weights[word] = weights.get(word, 0.0) + value * max(size, 0)
        idf.update(centre.get("idf", {}))
        unseen = max(unseen, centre.get("unseen_idf", 0.0))
    heaviest = sorted((w for w in weights if weights[w] > 0), key=weights.get, reverse=True)[: grouping.CENTRE_WORDS]
    norm = sum(weights[word] ** 2 for word in heaviest) ** 0.5 or 1.0
    return {
        "weights": {word: round(weights[word] / norm, 5) for word in heaviest},
        "idf": {word: idf[word] for word in heaviest if word in idf},
        "unseen_idf": unseen or 1.0,
    }


def rename_theme(*, actor: User, theme: Theme, name: str) -> Theme:
    """Give a theme the office's name: a recompute keeps it, and the theme's members."""
    check_office(actor, SolicitationError)
    before = audit.snapshot(theme, THEME_FIELDS)
    theme.name, theme.named_by_office, theme.kept = _check_theme_name(name), True, True
    audit.record(
        actor=actor, action="theme.rename", obj=theme, before=before, after=audit.snapshot(theme, THEME_FIELDS)
    )
    db.session.commit()
    return theme


def merge_themes(*, actor: User, target: Theme, others: list[Theme]) -> Theme:
    """Put the other themes' suggestions into `target` and remove them; a recompute keeps them together."""
    check_office(actor, SolicitationError)
    others = [other for other in others if other.id != target.id]
    if not others:
        raise SolicitationError("theme_merge_needs_two")
    if any(other.round_id != target.round_id for other in others):
        raise SolicitationError("theme_other_round")
    if any(other.published for other in others):
        raise SolicitationError("theme_published")
    before = audit.snapshot(target, THEME_FIELDS)
    target.centroid = _blend([(target.centroid, target.size)] + [(other.centroid, other.size) for other in others])
    target.centred_at = utcnow()
    other_ids = [other.id for other in others]
    db.session.execute(update(ThemeMember).where(ThemeMember.theme_id.in_(other_ids)).values(theme_id=target.id))
    for other in others:
        audit.record(actor=actor, action="theme.merged_into", obj=other, after={"into": target.id, "size": other.size})
        db.session.delete(other)
    target.kept = True
    _resize(target)
    audit.record(
        actor=actor,
        action="theme.merge",
        obj=target,
        before=before,
        after=audit.snapshot(target, THEME_FIELDS) | {"merged": other_ids},
    )
    db.session.commit()
    return target


def _members_of(theme: Theme, suggestion_ids: list[int]) -> list[ThemeMember]:
    return list(
        db.session.scalars(
            select(ThemeMember).where(ThemeMember.theme_id == theme.id, ThemeMember.suggestion_id.in_(suggestion_ids))
        )
    )


def _texts(suggestion_ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(Suggestion.id, Suggestion.title, Suggestion.content).where(Suggestion.id.in_(suggestion_ids))
    )
    return {row.id: _text(row.title, row.content) for row in rows}


def _closeness(text: str, centre: dict) -> float:
    vector = grouping.vector(text, centre.get("idf", {}), centre.get("unseen_idf", 1.0))
    return round(grouping.closeness(vector, centre), 4)


def split_theme(*, actor: User, theme: Theme, suggestion_ids: list[int], name: str) -> Theme:
    """Take these suggestions out of a theme into a new theme of the office's name; a recompute keeps both."""
    check_office(actor, SolicitationError)
    name = _check_theme_name(name)
    moving = _members_of(theme, suggestion_ids)
    if not moving:
        raise SolicitationError("nothing_chosen")
    if len(moving) == theme.size:
        raise SolicitationError("theme_split_all")
    before = audit.snapshot(theme, THEME_FIELDS)
    texts = _texts([member.suggestion_id for member in moving])
    # The new theme's centre, in the words (and idf) of the theme it comes from.
    idf, unseen = theme.centroid.get("idf", {}), theme.centroid.get("unseen_idf", 1.0)
    centre = _blend([({"weights": grouping.vector(text, idf, unseen), "idf": idf}, 1) for text in texts.values()])
    new = Theme(
        round_id=theme.round_id,
        name=name,
        named_by_office=True,
        kept=True,
        centroid=centre,
        words=list(centre["weights"])[: grouping.TELLING_WORDS],
    )
    db.session.add(new)
    db.session.flush()
    for member in moving:
        member.theme_id, member.by_hand = new.id, True
        member.closeness = _closeness(texts[member.suggestion_id], centre)
    theme.kept = True
    db.session.flush()
    _resize(theme, new)
    audit.record(
        actor=actor,
        action="theme.split",
        obj=theme,
        before=before,
        after=audit.snapshot(theme, THEME_FIELDS) | {"into": new.id, "moved": sorted(texts)},
    )
    audit.record(actor=actor, action="theme.create", obj=new, after=audit.snapshot(new, THEME_FIELDS))
    db.session.commit()
    return new


def move_suggestions(*, actor: User, suggestions: list[Suggestion], theme: Theme) -> list[ThemeMember]:
    """Put suggestions in another theme of their round, by hand: a recompute leaves them there. All or none, each
    audited on its own."""
    check_office(actor, SolicitationError)
    if any(suggestion.round_id != theme.round_id for suggestion in suggestions):
        raise SolicitationError("theme_other_round")
    members, left = [], set()
    for suggestion in suggestions:
        member = db.session.get(ThemeMember, suggestion.id)
        old = member.theme if member else None
        if member is None:
            member = ThemeMember(suggestion_id=suggestion.id, theme_id=theme.id)
            db.session.add(member)
        elif old is not None and old.id != theme.id:
            left.add(old)
        member.theme_id, member.by_hand = theme.id, True
        member.closeness = _closeness(_text(suggestion.title, suggestion.content), theme.centroid or {})
        audit.record(
            actor=actor,
            action="suggestion.move_theme",
            obj=suggestion,
            before={"theme": old.id if old else None},
            after={"theme": theme.id},
        )
        members.append(member)
    db.session.flush()
    _resize(*left, theme)
    db.session.commit()
    return members
