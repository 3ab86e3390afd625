"""Bulk triage of "all matching": every suggestion the list's filter finds, or all a theme's. Counted, not loaded,
for a large preview; made past BULK_INLINE_MAX by a background job a batch at a time, each suggestion changed,
audited and mailed by its single action's rule exactly as a triage made at once."""

import dataclasses
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from accounts.models import User
from core.exports import count_rows
from extensions import db
from jobs.models import Job
from jobs.services import enqueue, job
from solicitation import queries
from solicitation.models import Channel, RejectReason, Round, Suggestion, SuggestionStatus
from solicitation.queries import theme_overview
from solicitation.services.suggestions import (
    BulkChoice,
    BulkTriage,
    bulk_triage,
    check_bulk_choice,
    preview_triage,
    searched_by_words,
    triage_suggestions,
    word_search_filters,
)

TRIAGE_SUGGESTIONS = "suggestions.triage"
BATCH = 500  # suggestions changed and committed together, between two reports of progress
REFUSED_SHOWN = 100  # the suggestions left as they were listed on the job's page; the others counted


@dataclass(frozen=True)
class Selection:
    """All the suggestions of a round the list finds with its `filters` (queries.suggestions' keywords: q, status,
    channel, category_id, held_reply), or all those of the theme `theme_id`."""

    filters: dict | None = None
    theme_id: int | None = None

    def as_payload(self) -> dict:
        if self.theme_id is not None:
            return {"theme_id": self.theme_id}
        values = {name: getattr(value, "value", value) for name, value in self.filters.items()}
        return {"filters": values}

    @classmethod
    def of_payload(cls, payload: dict) -> "Selection":
        if "theme_id" in payload:
            return cls(theme_id=payload["theme_id"])
        filters = dict(payload["filters"])
        filters["status"] = SuggestionStatus(filters["status"]) if filters["status"] else None
        filters["channel"] = Channel(filters["channel"]) if filters["channel"] else None
        return cls(filters=filters)


def count_matching(reader: User, *, round: Round, selection: Selection) -> int:
    """How many suggestions the selection holds, counted without loading them (the word search gives ids)."""
    if selection.theme_id is not None:
        return theme_overview.theme_size(selection.theme_id)
    if searched_by_words(selection.filters):
        return len(matching_ids(reader, round=round, selection=selection))
    return count_rows(queries.suggestions(reader, round_id=round.id, **selection.filters))


def matching_ids(reader: User, *, round: Round, selection: Selection) -> list[int]:
    """The ids of the suggestions the selection holds, as `reader` finds them on the list (or the theme's page)."""
    if selection.theme_id is not None:
        return theme_overview.theme_suggestion_ids(selection.theme_id)
    filters = selection.filters
    if searched_by_words(filters):
        return queries.word_match_ids(reader, round_id=round.id, **word_search_filters(filters))
    listed = queries.suggestions(reader, round_id=round.id, **filters)
    return list(db.session.scalars(listed.with_only_columns(Suggestion.id)))


def matching_suggestions(reader: User, *, round: Round, selection: Selection) -> list[Suggestion]:
    """The suggestions the selection holds, loaded (a selection of at most BULK_INLINE_MAX)."""
    return queries.round_suggestions(round.id, matching_ids(reader, round=round, selection=selection))


def preview_all_matching(*, actor: User, round: Round, selection: Selection, choice: BulkChoice) -> BulkTriage:
    """What triaging every suggestion of the selection would do (changing nothing): each checked as
    preview_triage does, or past BULK_INLINE_MAX only counted (`counted`), each checked when the job runs."""
    count = count_matching(actor, round=round, selection=selection)
    if count > current_app.config["BULK_INLINE_MAX"]:
        outcome = check_bulk_choice(actor=actor, round=round, choice=choice)
        outcome.counted = count
        return outcome
    chosen = matching_suggestions(actor, round=round, selection=selection)
    return preview_triage(actor=actor, round=round, suggestions=chosen, choice=choice)


def triage_all_matching(
    *, actor: User, round: Round, selection: Selection, choice: BulkChoice, locale: str, links: list
) -> BulkTriage | Job:
    """Triage every suggestion of the selection: at once (triage_suggestions), or past BULK_INLINE_MAX by a job
    (triage_in_background), which is returned."""
    if count_matching(actor, round=round, selection=selection) > current_app.config["BULK_INLINE_MAX"]:
        return triage_in_background(
            actor=actor, round=round, selection=selection, choice=choice, locale=locale, links=links
        )
    chosen = matching_suggestions(actor, round=round, selection=selection)
    return triage_suggestions(actor=actor, round=round, suggestions=chosen, choice=choice)


def triage_in_background(
    *, actor: User, round: Round, selection: Selection, choice: BulkChoice, locale: str, links: list
) -> Job:
    """Check the choice now (bad input changes nothing), then queue the triage of every suggestion the selection
    holds when the job runs; return the job. `links` (label, URL) are shown on its page, written in `locale`."""
    check_bulk_choice(actor=actor, round=round, choice=choice)
    choice_values = dataclasses.asdict(choice) | {"reason": choice.reason.value if choice.reason else None}
    payload = {
        "round_id": round.id,
        "actor_id": actor.id,
        "selection": selection.as_payload(),
        "choice": choice_values,
        "locale": locale,
        "links": links,
    }
    queued = enqueue(TRIAGE_SUGGESTIONS, payload, actor=actor)
    db.session.commit()
    return queued


@job(TRIAGE_SUGGESTIONS)
def _triage_job(payload: dict, progress) -> dict:
    """Triage the selection a batch at a time, each batch committed; repeated, the suggestions already changed are
    refused by their rule and left as they are."""
    round, actor = db.session.get(Round, payload["round_id"]), db.session.get(User, payload["actor_id"])
    if round is None or actor is None:
        raise LookupError(f"round {payload['round_id']} or user {payload['actor_id']} no longer exists")
    values = payload["choice"]
    choice = BulkChoice(**values | {"reason": RejectReason(values["reason"]) if values["reason"] else None})
    ids = matching_ids(actor, round=round, selection=Selection.of_payload(payload["selection"]))
    changed, refused, left = 0, [], 0
    with force_locale(payload["locale"]):
        for start in range(0, len(ids), BATCH):
            batch = queries.round_suggestions(round.id, ids[start : start + BATCH])
            if batch:
                outcome = bulk_triage(actor=actor, round=round, suggestions=batch, choice=choice, apply=True)
                changed, left = changed + len(outcome.changed), left + len(outcome.refused)
                shown = outcome.refused[: REFUSED_SHOWN - len(refused)]
                refused += [[s.display_code, s.title, refusal.message] for s, refusal in shown]
                db.session.commit()
            progress(min(start + BATCH, len(ids)), len(ids), _("Suggestions triaged"))
        summary = ngettext("%(num)d suggestion changed.", "%(num)d suggestions changed.", changed)
        if left:
            summary += " " + ngettext(
                "%(num)d is left as it is, for the reason given below.",
                "%(num)d are left as they are, for the reasons given below.",
                left,
            )
        columns = [_("Tracking code"), _("Title"), _("Why")]
    return {"summary": summary, "changed": changed, "columns": columns, "rows": refused, "more": left - len(refused)}
