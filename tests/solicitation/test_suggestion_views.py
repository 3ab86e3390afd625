"""Residents' pages and the office's suggestion pages, through the browser's eyes."""

import io

import pytest
from lxml import html
from openpyxl import load_workbook
from sqlalchemy import select

from accounts.models import AuditEvent
from extensions import db, limiter
from solicitation.models import Channel, RejectReason, Suggestion, SuggestionStatus
from solicitation.services import proposals as proposal_services
from solicitation.services import suggestions as services
from tests.factories import (
    SUGGESTION_FORM,
    make_open_round,
    make_suggestion,
    make_unit,
    make_user,
    proposal_fields,
)


def test_a_resident_sends_a_suggestion_and_looks_it_up_with_the_code(client):
    round = make_open_round()
    response = client.post("/suggest?channel=wechat", data=SUGGESTION_FORM)
    suggestion = db.session.scalar(select(Suggestion))
    assert response.headers["Location"] == f"/track?code={suggestion.tracking_code}&new=1"
    assert suggestion.channel is Channel.wechat and suggestion.round_id == round.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert suggestion.display_code in page and "建议增设社区长者饭堂" in page
    assert "13700001111" not in page and "陈大爷" not in page
    page = client.get(f"/track?code={suggestion.display_code.lower()}").get_data(as_text=True)
    assert "已收到" in page or SuggestionStatus.received.label in page


def test_an_unknown_code_says_so(client):
    response = client.get("/track?code=ABCD-EFGH-JKMN")
    assert response.status_code == 404 and "没有查询码为" in response.get_data(as_text=True)


def test_a_form_error_keeps_everything_the_resident_typed(client):
    make_open_round()
    response = client.post("/suggest", data=dict(SUGGESTION_FORM, consent=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "社区老人就餐不便" in page and 'value="13700001111"' in page
    assert db.session.scalar(select(Suggestion)) is None


def test_the_honeypot_refuses_robots_with_a_clear_message(client):
    make_open_round()
    response = client.post("/suggest", data=dict(SUGGESTION_FORM, website="http://spam.example"))
    assert response.status_code == 400 and "自动提交" in response.get_data(as_text=True)
    assert db.session.scalar(select(Suggestion)) is None


def test_too_many_submissions_are_refused_but_the_text_is_kept(app, client, monkeypatch):
    make_open_round()
    monkeypatch.setitem(app.config, "PUBLIC_POST_RATE_LIMIT", "2 per minute")
    limiter.reset()
    statuses = [client.post("/suggest", data=SUGGESTION_FORM).status_code for _ in range(3)]
    limiter.reset()
    assert statuses[:2] == [302, 302] and statuses[2] == 429
    page = client.post("/suggest", data=SUGGESTION_FORM).get_data(as_text=True)  # after the reset: accepted again
    assert db.session.scalar(select(db.func.count(Suggestion.id))) == 3
    del page


def test_the_rate_limited_page_keeps_the_text(app, client, monkeypatch):
    make_open_round()
    monkeypatch.setitem(app.config, "PUBLIC_POST_RATE_LIMIT", "1 per minute")
    limiter.reset()
    client.post("/suggest", data=SUGGESTION_FORM)
    response = client.post("/suggest", data=dict(SUGGESTION_FORM, content="第二条建议的内容"))
    limiter.reset()
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and "第二条建议的内容" in page and "请稍等一分钟" in page


def test_refused_forms_do_not_count_toward_the_residents_limit(app, client, monkeypatch):
    make_open_round()
    monkeypatch.setitem(app.config, "PUBLIC_POST_RATE_LIMIT", "2 per minute")
    limiter.reset()
    refused = [client.post("/suggest", data=dict(SUGGESTION_FORM, consent="")).status_code for _ in range(3)]
    accepted = [client.post("/suggest", data=SUGGESTION_FORM).status_code for _ in range(3)]
    limiter.reset()
    assert refused == [400, 400, 400] and accepted == [302, 302, 429]
    assert db.session.scalar(select(db.func.count(Suggestion.id))) == 2


def test_a_flood_of_refused_forms_is_stopped_by_the_looser_limit_on_every_attempt(app, client, monkeypatch):
    make_open_round()
    monkeypatch.setitem(app.config, "PUBLIC_ATTEMPT_RATE_LIMIT", "3 per minute")
    limiter.reset()
    statuses = [client.post("/suggest", data=dict(SUGGESTION_FORM, consent="")).status_code for _ in range(3)]
    response = client.post("/suggest", data=SUGGESTION_FORM)
    limiter.reset()
    assert statuses == [400, 400, 400] and response.status_code == 429
    assert "请稍等一分钟" in response.get_data(as_text=True) and db.session.scalar(select(Suggestion)) is None


def test_a_script_in_a_suggestion_is_shown_as_text(client, login_as):
    suggestion = make_suggestion(title="<img src=x onerror=alert(1)>", content="<script>alert('x')</script>")
    page = client.get(f"/track?code={suggestion.tracking_code}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "<img src=x" not in page


def test_with_no_round_soliciting_the_form_says_so(client):
    assert "目前没有正在征集" in client.get("/suggest").get_data(as_text=True)


def test_what_we_heard_counts_and_shows_published_suggestions_without_contacts(client):
    office = make_user(role="office")
    round = make_open_round(categories=("民生事业",))
    published = make_suggestion(round=round, title="公开的建议", category_id=round.categories[0].id)
    make_suggestion(round=round, title="未公开的建议")
    services.set_public(actor=office, suggestion=published, public=True)
    page = client.get("/heard").get_data(as_text=True)
    assert "公开的建议" in page and "未公开的建议" not in page and "13812345678" not in page and "王芳" not in page
    assert "民生事业" in page and "网站" in page
    client.post(f"/heard/{published.id}/second")
    client.post(f"/heard/{published.id}/second")
    assert db.session.get(Suggestion, published.id).second_count == 1


def test_the_office_enters_a_hotline_suggestion_and_triages_it(client, login_as):
    login_as("office")
    round = make_open_round()
    response = client.post(
        f"/rounds/{round.id}/suggestions/new",
        data={**SUGGESTION_FORM, "channel": "hotline", "received_on": "2026-01-05"},
    )
    suggestion = db.session.scalar(select(Suggestion))
    assert response.headers["Location"] == f"/suggestions/{suggestion.id}"
    assert suggestion.channel is Channel.hotline
    client.post(f"/suggestions/{suggestion.id}/accept")
    response = client.post(f"/suggestions/{suggestion.id}/decide", data={"adopted": "no", "reply": ""})
    assert response.status_code == 400 and "需要公开答复" in response.get_data(as_text=True)
    client.post(f"/suggestions/{suggestion.id}/decide", data={"adopted": "no", "reply": "已有同类举措"})
    suggestion = db.session.get(Suggestion, suggestion.id)
    assert suggestion.status is SuggestionStatus.not_adopted and not suggestion.reply_published
    client.post(f"/rounds/{round.id}/suggestions/publish-replies", data={"suggestion_id": [suggestion.id]})
    assert db.session.get(Suggestion, suggestion.id).reply_published


def test_the_office_sees_contacts_masked_until_it_reveals_them_and_the_reveal_is_logged(client, login_as):
    office = login_as("office")
    suggestion = make_suggestion()
    page = client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "138****5678" in page and "13812345678" not in page
    page = client.post(f"/suggestions/{suggestion.id}/reveal").get_data(as_text=True)
    assert "13812345678" in page and "王芳" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "suggestion.reveal_contact"))
    assert event.actor_id == office.id


def test_exports_mask_contacts_unless_the_office_asks_and_that_is_logged(client, login_as):
    login_as("office")
    suggestion = make_suggestion()
    url = f"/rounds/{suggestion.round_id}/suggestions?export=xlsx"
    rows = list(load_workbook(io.BytesIO(client.get(url).data)).active.iter_rows(values_only=True))
    assert "138****5678" in rows[3] and "13812345678" not in rows[3]  # below the title, the date and the header
    revealed = client.post(f"/rounds/{suggestion.round_id}/suggestions/export-contacts")
    rows = list(load_workbook(io.BytesIO(revealed.data)).active.iter_rows(values_only=True))
    assert "13812345678" in rows[3]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "suggestion.export_contacts"))


def test_the_office_filters_suggestions_by_channel_and_status(client, login_as):
    office = login_as("office")
    round = make_open_round()
    make_suggestion(round=round, title="网上来的")
    make_suggestion(round=round, title="热线来的", channel="hotline", actor=office)
    page = client.get(f"/rounds/{round.id}/suggestions?channel=hotline").get_data(as_text=True)
    assert "热线来的" in page and "网上来的" not in page


def test_the_referred_unit_sees_the_suggestion_masked_and_answers_it(app, client, login_as):
    office = make_user(role="office")
    unit = make_unit(name="区卫生计生局")
    staff = make_user(role="unit_staff", unit=unit)
    suggestion = make_suggestion()
    services.accept_suggestion(actor=office, suggestion=suggestion)
    services.refer_suggestion(actor=office, suggestion=suggestion, unit=unit)
    client.login(staff)
    assert suggestion.title in client.get("/referrals").get_data(as_text=True)
    page = client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "13812345678" not in page and "138****5678" in page and "/reveal" not in page
    client.post(f"/suggestions/{suggestion.id}/answer", data={"answer": "建议纳入家庭医生改革"})
    assert db.session.get(Suggestion, suggestion.id).unit_answer == "建议纳入家庭医生改革"
    other = app.test_client()
    other.login(make_user(role="unit_staff"))
    assert other.get(f"/suggestions/{suggestion.id}").status_code == 403


def test_the_office_imports_a_file_and_sees_the_report_of_bad_rows(client, login_as):
    login_as("office")
    round = make_open_round()
    bad = "标题,内容\n,没有标题\n".encode()
    response = client.post(
        f"/rounds/{round.id}/suggestions/import",
        data={"file": (io.BytesIO(bad), "bad.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "未导入任何数据" in page and '<td class="num">2</td>' in page
    good = "标题,内容\n规范停车,小区停车难\n".encode()
    response = client.post(
        f"/rounds/{round.id}/suggestions/import",
        data={"file": (io.BytesIO(good), "good.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and db.session.scalar(select(Suggestion)).channel is Channel.batch_import
    template = client.get("/suggestions/import-template.csv")
    assert template.data.decode("utf-8-sig").startswith("标题,内容")


@pytest.mark.parametrize("role", ["unit_staff", "expert", "leader"])
def test_other_roles_cannot_see_a_suggestion_not_referred_to_them(client, login_as, role):
    login_as(role)
    suggestion = make_suggestion()
    assert client.get(f"/suggestions/{suggestion.id}").status_code == 403


def test_the_lookup_page_is_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOOKUP_RATE_LIMIT", "3 per minute")
    limiter.reset()
    statuses = [client.get("/track?code=ABCD-EFGH-JKMN").status_code for _ in range(4)]
    limiter.reset()
    assert statuses == [404, 404, 404, 429]


def test_the_tracking_page_names_the_unit_a_suggestion_was_referred_to_and_never_a_draft_it_fed(client):
    office = make_user(role="office")
    staff = make_user(role="unit_staff", unit=make_unit(name="区城管局"))
    suggestion = services.accept_suggestion(actor=office, suggestion=make_suggestion(title="路灯不亮"))
    drafted = proposal_services.draft_from_suggestion(actor=office, suggestion=suggestion, unit=staff.unit)
    services.refer_suggestion(actor=office, suggestion=suggestion, unit=staff.unit)
    page = client.get(f"/track?code={suggestion.tracking_code}").get_data(as_text=True)
    assert "<dt>转办单位</dt><dd>区城管局</dd>" in page
    assert "所涉及的申报项目" not in page  # a draft is its unit's alone
    assert client.get(f"/api/v1/suggestions/{suggestion.tracking_code}").get_json()["proposals"] == []

    fields = proposal_fields(drafted.round, title="路灯不亮")
    proposal_services.update_proposal(actor=staff, proposal=drafted, fields=fields)
    proposal_services.submit_proposal(actor=staff, proposal=drafted)
    page = client.get(f"/track?code={suggestion.tracking_code}").get_data(as_text=True)
    assert "所涉及的申报项目" in page and '路灯不亮 <span class="muted">· 评审中</span>' in page
    body = client.get(f"/api/v1/suggestions/{suggestion.tracking_code}").get_json()
    assert body["proposals"] == [{"title": "路灯不亮", "outcome": "评审中"}] and body["linked_proposals"] == 1


def test_what_we_heard_says_how_many_were_received_counted_and_set_aside_and_why(client):
    office = make_user(role="office")
    round = make_open_round()
    for number in range(4):
        make_suggestion(round=round, title=f"建议{number}")
    for reason in (RejectReason.spam, RejectReason.spam, RejectReason.out_of_scope):
        services.reject_suggestion(actor=office, suggestion=make_suggestion(round=round), reason=reason)
    services.set_public(actor=office, suggestion=make_suggestion(round=round, title="公开的建议"), public=True)
    page = html.fromstring(client.get("/heard").get_data(as_text=True))
    totals = " ".join(page.xpath("//p[@class='heard-totals']")[0].text_content().split())
    assert "共收到 8 条建议，下列统计 5 条" in totals
    assert "3 条经改革办甄别未予受理（无有效内容 2 条；不属于改革范畴 1 条）" in totals
    assert "改革办已公开其中 1 条" in totals
    by_channel = page.xpath("//h2[text()='按渠道']/following-sibling::table//td[@class='num']")
    assert sum(int(cell.text) for cell in by_channel) == 5
