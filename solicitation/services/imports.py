"""Batch import of suggestions from .xlsx or .csv: every row checked, and nothing imported unless all are good;
a large file imported by a background job with its progress."""

from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import NamedTuple

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from accounts import audit
from accounts.models import User
from accounts.permissions import check_office
from core.errors import DomainError, RowsRejected
from core.spreadsheets import each_table_row, read_lines
from core.storage import attachment_storage
from extensions import db
from jobs.models import Job
from jobs.services import enqueue, job, progress_while_writing
from solicitation.errors import SolicitationError
from solicitation.models import Channel, Round, RoundStatus
from solicitation.services.near_duplicates import queue_near_duplicate_search
from solicitation.services.suggestions import add_suggestion, validate_suggestion

IMPORT_SUGGESTIONS = "suggestions.import"
PROGRESS_EVERY = 1000  # rows between two reports of a background import's progress
# key, the template's header. The header is data the office fills in, so it is Chinese in every language.
COLUMNS = [
    ("title", "标题"),
    ("content", "内容"),
    ("category", "改革领域"),
    ("location", "地点"),
    ("channel", "渠道"),
    ("received_on", "收到日期"),
    ("contact_name", "姓名"),
    ("contact_phone", "电话"),
    ("contact_email", "邮箱"),
    ("consent", "同意使用联系方式"),
]
REQUIRED_COLUMNS = {"title", "content"}
YES = {"是", "同意", "yes", "y", "true", "1"}
NO = {"否", "不同意", "no", "n", "false", "0", ""}
# The template's example row, by column key.
EXAMPLE = {
    "title": "建议推行“一网通办”",
    "content": "办理企业开办手续仍需多次跑腿，建议推行一网通办，实现全流程网上办理。",
    "category": "政府职能转变",
    "location": "龙城街道",
    "channel": "12345热线",
    "received_on": "2016-10-20",
    "contact_name": "王先生",
    "contact_phone": "13800000000",
    "consent": "是",
}


CHANNEL_NAMES = {
    "网站": Channel.web,
    "手机": Channel.mobile,
    "微信": Channel.wechat,
    "12345": Channel.hotline,
    "12345热线": Channel.hotline,
    "热线": Channel.hotline,
    "座谈会": Channel.forum,
    "论坛": Channel.forum,
    "来信": Channel.letter,
    "信件": Channel.letter,
    "批量导入": Channel.batch_import,
}


def _channel(text: str) -> Channel:
    """A channel from its code (hotline) or its Chinese name (12345热线); empty means a batch import."""
    if not text:
        return Channel.batch_import
    by_code = {channel.value: channel for channel in Channel}
    channel = by_code.get(text.lower()) or CHANNEL_NAMES.get(text)
    if channel is None:
        raise SolicitationError("unknown_channel", field="channel", value=text)
    return channel


def _date(text: str) -> date | None:
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text[:11].strip(), pattern).date()  # noqa: DTZ007 (a date: no zone)
        except ValueError:
            continue
    raise SolicitationError("not_a_date", field="received_on", value=text)


class ImportedSuggestion(NamedTuple):
    """A suggestion an import added: its number and tracking code, not the record (an import of 100,000 keeps
    100,000 of these, not the records with their texts)."""

    id: int
    display_code: str


def import_suggestions(
    *,
    actor: User,
    round: Round,
    filename: str,
    data: bytes,
    progress: Callable[[str, int, int], None] | None = None,
    stored: str = "",
) -> list[ImportedSuggestion]:
    """Import every row as a suggestion of `round`, or none: raise RowsRejected listing each bad row.

    The file is read twice, a row at a time: every row is checked, writing nothing, then every row is written in
    one transaction (each flushed as its audit event is written, nothing else holding it), so memory grows with the
    file and the ids, not with the records, and a file with a bad row writes nothing at all. `progress(stage,
    done, total)` hears how far it has come every PROGRESS_EVERY rows: "checking" (the total not yet known: 0),
    then "writing", only where another connection may write while the import's transaction is open
    (jobs.services.progress_while_writing: not on SQLite). `stored`, the storage key of an upload kept for a
    background import, is forgotten with the import's commit, so a run repeated after it finds nothing to import.
    """
    try:
        checking = partial(progress, "checking") if progress else None
        total = _each_row(actor=actor, round=round, filename=filename, data=data, report=checking)
        writing = partial(progress, "writing") if progress and progress_while_writing() else None
        imported = _each_row(actor=actor, round=round, filename=filename, data=data, report=writing, total=total)
        audit.record(actor=actor, action="suggestion.import", obj=round, after={"file": filename, "rows": total})
        queue_near_duplicate_search([suggestion.id for suggestion in imported])
        if stored:
            attachment_storage().discard(stored)
        db.session.commit()
    except Exception:
        db.session.rollback()  # all or nothing: the good rows go too
        raise
    return imported


def _each_row(*, actor, round, filename, data, report, total=None):
    """Check every row, or with the `total` the check counted, add each as a suggestion (only flushed); raise
    RowsRejected listing the bad rows. Return the number of rows checked, or the suggestions added."""
    rows = each_table_row(filename=filename, data=data, columns=COLUMNS, required=REQUIRED_COLUMNS)
    categories = {category.name: category.id for category in round.categories}
    headers = dict(COLUMNS)
    problems, imported, done = [], [], 0
    for line, values in rows:
        try:
            row = _row(round=round, values=values, categories=categories)
            if total is None:
                validate_suggestion(round=round, fields=row["fields"], consent=row["consent"])
            else:
                suggestion = add_suggestion(round=round, actor=actor, **row)
                imported.append(ImportedSuggestion(suggestion.id, suggestion.display_code))
        except SolicitationError as error:
            column = {"category_id": "category"}.get(error.field, error.field)
            problems.append((line, headers.get(column, ""), error))
        done += 1
        if report and done % PROGRESS_EVERY == 0:
            report(done, total or 0)
    if problems:
        raise RowsRejected(problems)
    return done if total is None else imported


def _row(*, round: Round, values: dict[str, str], categories: dict[str, int]) -> dict:
    """A row's values as add_suggestion takes them; raise SolicitationError for a value no suggestion can have."""
    if round.status is not RoundStatus.soliciting:
        raise SolicitationError("round_not_soliciting")
    category = values.get("category", "")
    if category and category not in categories:
        raise SolicitationError("unknown_category", field="category", value=category)
    consent = values.get("consent", "").lower()
    if consent not in YES | NO:
        raise SolicitationError("consent_value", field="consent")
    fields = {
        key: values.get(key, "")
        for key in ("title", "content", "location", "contact_name", "contact_phone", "contact_email")
    }
    fields["category_id"] = categories.get(category)
    return {
        "fields": fields,
        "channel": _channel(values.get("channel", "")),
        "consent": consent in YES,
        "received_on": _date(values.get("received_on", "")),
    }


# Background imports --------------------------------------------------------------------------------------------


def import_in_background(*, actor: User, round: Round, filename: str, data: bytes, locale: str, links: list) -> Job:
    """Keep the upload and queue its import (import_suggestions, all rows or none) as a job; return the job.

    The file's size and kind are checked now, its rows by the job. `links` (label, URL) are shown on the job's
    page; its messages are written in `locale`."""
    check_office(actor, SolicitationError)
    read_lines(filename=filename, data=data, max_columns=1, max_strings=0)  # too large, or no spreadsheet: refused
    payload = {
        "round_id": round.id,
        "actor_id": actor.id,
        "filename": filename,
        "stored": attachment_storage().save(data),
        "locale": locale,
        "links": links,
    }
    queued = enqueue(IMPORT_SUGGESTIONS, payload, actor=actor)
    db.session.commit()
    return queued


@job(IMPORT_SUGGESTIONS)
def _import_job(payload: dict, progress) -> dict:
    """Import the kept upload; a refusal (bad rows, a file that is no such table) is the job's result, not a
    failure: trying again would not change it."""
    round, actor = db.session.get(Round, payload["round_id"]), db.session.get(User, payload["actor_id"])
    if round is None or actor is None:
        raise LookupError(f"round {payload['round_id']} or user {payload['actor_id']} no longer exists")
    storage = attachment_storage()
    data = storage.read(payload["stored"])  # gone: this upload was imported already, by an earlier run
    with force_locale(payload["locale"]):
        stages = {"checking": _("Checking the rows"), "writing": _("Writing the suggestions")}
        try:
            imported = import_suggestions(
                actor=actor,
                round=round,
                filename=payload["filename"],
                data=data,
                progress=lambda stage, done, total: progress(done, total, stages[stage]),
                stored=payload["stored"],
            )
        except RowsRejected as rejected:
            outcome = {
                "summary": ngettext(
                    "Nothing was imported: %(num)d problem",
                    "Nothing was imported: %(num)d problems",
                    len(rejected.problems) + rejected.more,
                ),
                "columns": [_("Line"), _("Column"), _("Problem")],
                "rows": rejected.problems,
                "more": rejected.more,
            }
        except DomainError as refused:
            outcome = {"summary": refused.message}
        else:
            progress(len(imported), len(imported), stages["writing"])
            return {"summary": _("%(count)d suggestions imported.", count=len(imported)), "imported": len(imported)}
    storage.discard(payload["stored"])
    db.session.commit()
    return outcome
