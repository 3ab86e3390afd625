"""Batch import of suggestions from .xlsx or .csv: every row checked, and nothing imported unless all are good."""

from datetime import date, datetime
from typing import NamedTuple

from accounts import audit
from accounts.models import User
from core.errors import RowsRejected
from core.spreadsheets import each_table_row
from extensions import db
from solicitation.errors import SolicitationError
from solicitation.models import Channel, Round
from solicitation.services.near_duplicates import queue_near_duplicate_search
from solicitation.services.suggestions import add_suggestion

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


def import_suggestions(*, actor: User, round: Round, filename: str, data: bytes) -> list[ImportedSuggestion]:
    """Import every row as a suggestion of `round`, or none: raise RowsRejected listing each bad row.

    The rows are read, checked and written one at a time in one transaction (each is flushed as its audit event
    is written, and nothing else holds it): memory grows with the file and the ids, not with the records."""
    try:
        return _import(actor=actor, round=round, filename=filename, data=data)
    except Exception:
        db.session.rollback()  # all or nothing: the good rows go too
        raise


def _import(*, actor: User, round: Round, filename: str, data: bytes) -> list[ImportedSuggestion]:
    rows = each_table_row(filename=filename, data=data, columns=COLUMNS, required=REQUIRED_COLUMNS)
    categories = {category.name: category.id for category in round.categories}
    headers = dict(COLUMNS)
    problems = []
    imported = []
    for line, values in rows:
        try:
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
            suggestion = add_suggestion(
                round=round,
                fields=fields,
                channel=_channel(values.get("channel", "")),
                consent=consent in YES,
                received_on=_date(values.get("received_on", "")),
                actor=actor,
            )
            imported.append(ImportedSuggestion(suggestion.id, suggestion.display_code))
        except SolicitationError as error:
            column = {"category_id": "category"}.get(error.field, error.field)
            problems.append((line, headers.get(column, ""), error))
    if problems:
        raise RowsRejected(problems)
    audit.record(actor=actor, action="suggestion.import", obj=round, after={"file": filename, "rows": len(imported)})
    queue_near_duplicate_search([suggestion.id for suggestion in imported])
    db.session.commit()
    return imported
