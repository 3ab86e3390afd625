"""Large exports of solicitation's lists, made by a background job: the office follows the job's progress and
downloads the file once it is done, instead of waiting on a request that may outlast the server's timeout."""

import tempfile

from flask_babel import force_locale
from flask_babel import gettext as _

from accounts.models import User
from accounts.permissions import check_office
from core.exports import FORMATS, Document, count_rows, write_export
from core.storage import attachment_storage
from extensions import db
from jobs.models import Job
from jobs.services import enqueue, job
from solicitation import queries
from solicitation.errors import SolicitationError
from solicitation.exports import suggestion_columns
from solicitation.models import Channel, Round, SuggestionStatus

EXPORT_SUGGESTIONS = "suggestions.export"
PROGRESS_EVERY = 5000  # rows between two reports of progress (a multiple of the export's batch)


def export_suggestions(
    *,
    actor: User,
    round: Round,
    locale: str,
    fmt: str = "xlsx",
    described: str = "",
    q: str = "",
    status: SuggestionStatus | None = None,
    channel: Channel | None = None,
    category_id: int | None = None,
    held_reply: bool = False,
) -> Job:
    """Queue the export (`fmt` xlsx or csv) of the round's suggestions matching the filters (contact details
    masked), written in `locale` and saying the filters as `described`; return its job."""
    check_office(actor, SolicitationError)
    filters = {
        "q": q,
        "status": status.value if status else None,
        "channel": channel.value if channel else None,
        "category_id": category_id,
        "held_reply": held_reply,
    }
    # The job reads the list as the office member who asked for it would (the suggestions' one visibility rule).
    payload = {
        "round_id": round.id,
        "reader_id": actor.id,
        "locale": locale,
        "fmt": "csv" if fmt == "csv" else "xlsx",
        "described": described,
        "filters": filters,
    }
    queued = enqueue(EXPORT_SUGGESTIONS, payload, actor=actor)
    db.session.commit()
    return queued


@job(EXPORT_SUGGESTIONS)
def _make_suggestion_export(payload: dict, progress) -> dict:
    """Write the export (Excel or CSV, by the writer of a download made at once) into the attachment storage, the
    rows read a batch at a time, reporting every PROGRESS_EVERY rows."""
    round, reader = db.session.get(Round, payload["round_id"]), db.session.get(User, payload["reader_id"])
    if round is None or reader is None:
        raise LookupError(f"round {payload['round_id']} or user {payload['reader_id']} no longer exists")
    filters = payload["filters"]
    query = queries.suggestions(
        reader,
        round_id=round.id,
        q=filters["q"],
        status=SuggestionStatus(filters["status"]) if filters["status"] else None,
        channel=Channel(filters["channel"]) if filters["channel"] else None,
        category_id=filters["category_id"],
        held_reply=filters["held_reply"],
    )
    total = count_rows(query)
    progress(0, total)
    fmt = payload.get("fmt", "xlsx")
    # The same writer as a download made at once, into a temporary file that the storage copies a piece at a time.
    with force_locale(payload["locale"]), tempfile.TemporaryFile() as file:
        described = payload.get("described", "")
        document = Document(subject=_("Residents' suggestions"), scope=round.title, filters=described)
        write_export(
            file,
            columns=suggestion_columns(reveal=False),
            rows=query,
            fmt=fmt,
            document=document,
            counted=lambda done: progress(done, total) if done % PROGRESS_EVERY == 0 else None,
        )
        key = attachment_storage().save(file)
    progress(total, total)
    return {"storage_key": key, "filename": f"suggestions-{round.year}.{fmt}", "content_type": FORMATS[fmt]}
