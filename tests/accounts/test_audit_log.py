"""The audit log reads as sentences in the reader's language, with labelled values, filtered by dates too."""

import re
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select, update

from accounts.audit_text import AUDIT_TEXTS
from accounts.models import AuditEvent, UnitKind
from accounts.services import update_unit
from core import clock
from extensions import db
from solicitation.services.suggestions import accept_suggestion
from tests.factories import make_suggestion, make_unit


def test_office_reads_an_accepted_suggestion_as_a_chinese_sentence_with_its_status_labelled(client, login_as):
    office = login_as("office", display_name="张三")
    suggestion = make_suggestion()
    accept_suggestion(actor=office, suggestion=suggestion)
    page = client.get("/audit", query_string={"object_type": "Suggestion"}).get_data(as_text=True)
    assert f"区委改革办 张三 受理了建议 #{suggestion.id}" in page
    assert "<dt>状态</dt>" in page and "<del>已收到</del> → 已受理" in page
    assert "&#34;status&#34;" not in page and "&#34;accepted&#34;" not in page  # no raw JSON


def test_the_same_event_reads_in_english_for_an_english_reader(client, login_as):
    office = login_as("office", display_name="Zhang San")
    unit = make_unit(name="区发改局", actor=office)
    update_unit(actor=office, unit=unit, name="区发展和改革局", kind=UnitKind.stationed)
    client.get("/language/en")
    page = client.get("/audit", query_string={"object_type": "Unit"}).get_data(as_text=True)
    assert f"Reform office Zhang San edited unit #{unit.id}" in page
    assert "<dt>Kind</dt>" in page and "<del>District department</del> → Stationed unit" in page


def test_the_record_type_filter_offers_each_type_by_its_chinese_name(client, login_as):
    office = login_as("office")
    make_unit(actor=office)
    page = client.get("/audit").get_data(as_text=True)
    assert '<option value="Unit">单位</option>' in page


def test_office_filters_the_audit_log_by_a_date_range(client, login_as):
    office = login_as("office")
    old = make_unit(name="旧单位", actor=office)
    make_unit(name="新单位", actor=office)
    day = clock.today() - timedelta(days=30)
    last_month = datetime.combine(day, time(4))  # stamped in UTC: midday in China, the same day there
    db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.object_id == old.id, AuditEvent.object_type == "Unit")
        .values(created_at=last_month)
    )
    db.session.commit()
    page = client.get("/audit", query_string={"since": day.isoformat(), "until": day.isoformat()}).text
    assert "旧单位" in page and "新单位" not in page
    page = client.get("/audit", query_string={"since": (day + timedelta(days=1)).isoformat()}).text
    assert "新单位" in page and "旧单位" not in page


def test_the_export_keeps_the_sentence_the_code_and_the_labelled_changes(client, login_as):
    office = login_as("office", display_name="张三")
    suggestion = make_suggestion()
    accept_suggestion(actor=office, suggestion=suggestion)
    response = client.get("/audit", query_string={"object_type": "Suggestion", "export": "csv"})
    text = response.data.decode("utf-8-sig")
    assert f"区委改革办 张三 受理了建议 #{suggestion.id}" in text
    assert "suggestion.accept" in text and "状态: 已受理" in text


def test_an_action_no_table_names_still_shows_as_its_code(client, login_as):
    office = login_as("office")
    unit = make_unit(actor=office)
    db.session.execute(update(AuditEvent).where(AuditEvent.object_id == unit.id).values(action="unit.merge"))
    db.session.commit()
    assert "unit.merge" in client.get("/audit").get_data(as_text=True)


ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["accounts", "solicitation", "review", "plan", "jobs", "search_index", "core", "api", "dashboard"]


def test_every_action_a_service_writes_reads_as_a_sentence_of_its_record_type():
    verbs = set().union(*(text.verbs for text in AUDIT_TEXTS.values()))
    written = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for assignment in re.findall(r"action\s*=\s*(.+)", path.read_text(encoding="utf-8")):
                written |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"', assignment))
    assert written, "the services' actions were not found"
    assert sorted(written - verbs) == []


def test_every_change_the_demo_logs_names_its_fields_as_a_reader_would(runner, app):
    """A field the log has no label for shows as its code (worth_a_project): the demo's events touch most fields."""
    from accounts.audit_text import describe

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.test_request_context():
        codes = {
            (event.object_type, label)
            for event in db.session.scalars(select(AuditEvent))
            for label, _before, _after in describe(event).changes
            if re.fullmatch(r"[a-z_]+", label)
        }
    assert sorted(codes) == [], " ".join(f"{t}.{f}" for t, f in sorted(codes))
