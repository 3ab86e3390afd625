"""Bad input of any kind gets a clear 4xx in the reader's language (or is simply ignored), never a 500, and
changes nothing: numbers past the database's integers in addresses and `page=`, control characters (NUL) in
any text or filter, lone surrogates, line breaks in `next=`. Integer overflow and NUL fail only on PostgreSQL:
run this module on both databases."""

import re
from datetime import date

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms.fields.core import UnboundField

from core.forms import Form
from extensions import db
from plan.models import Plan, PlanStatus
from plan.services import key_projects
from plan.services import plans as plan_services
from solicitation.models import Proposal, ProposalStatus, RoundStatus, Suggestion
from solicitation.services import rounds as round_services
from tests.factories import (
    SUGGESTION_FORM,
    make_open_round,
    make_proposal,
    make_published_plan,
    make_suggestion,
    make_unit,
    make_user,
    proposal_fields,
)

# Past 32 bits (PostgreSQL's INTEGER), past 64 bits (SQLite's), and far past both.
HUGE = [str(2**31), str(2**63), str(10**20)]
NOT_PAGES = ["-1", "0", "abc", "%ED%A0%80"]  # read as the first page
CONTROL = ["%00", "abc%00", "%01", "%0B", "%1F"]

REFUSED_TEXT = {
    "zh_CN": "发送的内容含有无法保存的不可见控制字符",
    "en": "What was sent contains an invisible control character",
}
NO_SUCH_PAGE = {"zh_CN": "列表没有这一页", "en": "There is no such page of this list"}
NOT_FOUND = {"zh_CN": "页面不存在", "en": "Page not found"}


def rows_of_every_table() -> dict[str, int]:
    """How many rows each table holds: what a refused request must leave as it was."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables
    }


@pytest.fixture(params=["zh_CN", "en"])
def language(request, client):
    """The reader's language, chosen as a reader chooses it."""
    client.get(f"/language/{request.param}")
    return request.param


def assert_refused(response, status, message):
    page = response.get_data(as_text=True)
    assert response.status_code == status, page[:2000]
    assert message in page


# ---- numbers past the database's integers -------------------------------------------------------------------


@pytest.mark.parametrize("number", [*HUGE, "-1"])
def test_an_id_past_the_databases_integers_is_no_page(client, login_as, language, number):
    office = login_as("office")
    round = make_open_round(actor=office)
    for address in (f"/plans/{number}", f"/rounds/{number}", f"/proposals/{number}", f"/suggestions/{number}"):
        assert_refused(client.get(address), 404, NOT_FOUND[language])
    before = rows_of_every_table()
    assert_refused(client.post(f"/suggestions/{number}/accept"), 404, NOT_FOUND[language])
    assert client.get(f"/rounds/{round.id}").status_code == 200
    assert rows_of_every_table() == before


def test_an_anonymous_reader_asking_for_a_huge_plan_number_gets_no_page(client, language):
    assert_refused(client.get("/plans/2147483648"), 404, NOT_FOUND[language])
    assert_refused(client.post(f"/heard/{10**20}/second"), 404, NOT_FOUND[language])


@pytest.mark.parametrize("number", HUGE)
def test_a_page_number_past_any_list_is_no_such_page(client, login_as, language, number):
    make_suggestion()
    assert_refused(client.get(f"/heard?page={number}"), 404, NO_SUCH_PAGE[language])
    login_as("office")
    assert_refused(client.get(f"/audit?page={number}"), 404, NO_SUCH_PAGE[language])
    assert_refused(client.get(f"/rounds?page={number}"), 404, NO_SUCH_PAGE[language])
    assert_refused(client.get(f"/search?q=改革&page={number}"), 404, NO_SUCH_PAGE[language])


@pytest.mark.parametrize("page", NOT_PAGES)
def test_a_page_that_is_no_number_or_below_one_reads_as_the_first(client, login_as, page):
    make_suggestion()
    assert client.get(f"/heard?page={page}").status_code == 200
    login_as("office")
    assert client.get(f"/audit?page={page}").status_code == 200


@pytest.mark.parametrize("number", HUGE)
def test_a_filter_number_past_the_databases_integers_is_ignored(client, login_as, number):
    office = login_as("office")
    make_open_round(actor=office)
    page = client.get(f"/audit?object_id={number}&actor={number}")
    assert page.status_code == 200 and "测试" in page.get_data(as_text=True)  # the events, unfiltered
    assert client.get(f"/suggest?round={number}").status_code == 200


@pytest.mark.parametrize("number", HUGE)
def test_ticked_ids_past_the_databases_integers_are_left_out(client, login_as, number):
    office = login_as("office")
    suggestion = make_suggestion(round=make_open_round(actor=office))
    before = rows_of_every_table()
    response = client.post(
        f"/rounds/{suggestion.round_id}/suggestions/publish-replies", data={"suggestion_id": [number, suggestion.id]}
    )
    assert response.status_code == 302
    assert rows_of_every_table() == before  # the suggestion has no held reply: nothing to publish


# ---- control characters ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", CONTROL)
def test_a_control_character_in_a_tracking_code_is_refused(client, language, text):
    assert_refused(client.get(f"/track?code={text}"), 400, REFUSED_TEXT[language])


def test_a_lone_surrogate_in_a_tracking_code_is_just_an_unknown_code(client):
    unknown = client.get("/track?code=AAAA-BBBB-CCCC").status_code
    assert client.get("/track?code=%ED%A0%80abc").status_code == unknown == 404


@pytest.mark.parametrize("text", CONTROL)
def test_a_control_character_in_a_list_filter_is_refused(client, login_as, language, text):
    office = login_as("office")
    round = make_open_round(actor=office)
    for address in (
        f"/rounds?q={text}",
        f"/rounds/{round.id}/proposals?q={text}",
        f"/rounds/{round.id}/suggestions?q={text}",
        f"/audit?action={text}",
        f"/admin/users?q={text}",
        f"/search?q={text}",
    ):
        assert_refused(client.get(address), 400, REFUSED_TEXT[language])


@pytest.mark.parametrize("text", ["\x00", "建议\x00增设", "\x08", "\ufffe"])
def test_a_suggestion_with_a_control_character_is_refused_and_not_stored(client, language, text):
    make_open_round()
    before = rows_of_every_table()
    response = client.post("/suggest", data={**SUGGESTION_FORM, "title": text})
    assert_refused(response, 400, REFUSED_TEXT[language])
    assert rows_of_every_table() == before
    page = response.get_data(as_text=True)  # what was typed is shown back, without the character, to copy
    assert SUGGESTION_FORM["content"] in page and 'href="/suggest"' in page and text not in page
    if text == "建议\x00增设":
        assert "建议增设" in page


def test_a_suggestion_may_hold_tabs_and_line_breaks(client):
    make_open_round()
    response = client.post("/suggest", data={**SUGGESTION_FORM, "content": "第一段\r\n\t第二段\n第三段"})
    assert response.status_code == 302
    assert "第二段" in db.session.scalar(select(Suggestion.content))


def test_a_proposal_edit_with_a_nul_is_refused_and_changes_nothing(client, login_as, language):
    author = login_as("unit_staff")
    proposal = make_proposal(author=author)
    before = rows_of_every_table()
    data = {**proposal_fields(proposal.round, content="改革\x00内容"), "action": "save"}
    assert_refused(client.post(f"/proposals/{proposal.id}/edit", data=data), 400, REFUSED_TEXT[language])
    assert db.session.get(Proposal, proposal.id).content == proposal_fields(proposal.round)["content"]
    assert rows_of_every_table() == before


def test_a_control_character_in_a_field_name_or_file_name_is_refused(client, login_as, language):
    from io import BytesIO

    author = login_as("unit_staff")
    proposal = make_proposal(author=author)
    before = rows_of_every_table()
    assert_refused(client.post(f"/proposals/{proposal.id}/edit", data={"ti\x00tle": "x"}), 400, REFUSED_TEXT[language])
    upload = {"file": (BytesIO(b"%PDF-1.4\n%%EOF\n"), "a\x00.pdf")}
    response = client.post(f"/proposals/{proposal.id}/attachments", data=upload, content_type="multipart/form-data")
    assert_refused(response, 400, REFUSED_TEXT[language])
    assert rows_of_every_table() == before


def test_a_form_part_without_a_name_is_no_server_error(client):
    """A multipart part may carry no name at all (no browser sends one, a program may)."""
    boundary = "b0undary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data\r\n\r\nnull\r\n--{boundary}\r\nContent-Disposition: "
        f'form-data; name="title"\r\n\r\nx\r\n--{boundary}--\r\n'
    )
    response = client.post("/suggest", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert 400 <= response.status_code < 500
    assert db.session.scalar(select(func.count(Suggestion.id))) == 0


# ---- next= after a language switch or a login -----------------------------------------------------------------

UNSAFE_NEXT = ["/%0a", "/%0d%0aSet-Cookie:%20x=1", "/%00", "/%5Cevil.example", "//evil.example", "https://evil.example"]


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_the_language_switch_goes_home_when_next_is_not_a_page_of_this_site(client, target):
    response = client.get(f"/language/en?next={target}")
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_a_login_goes_home_when_next_is_not_a_page_of_this_site(client, target):
    user = make_user(role="office")
    response = client.post(f"/login?next={target}", data={"username": user.username, "password": "Secret12345"})
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response.headers["Location"] == "/"


def test_a_safe_next_still_leads_back(client):
    user = make_user(role="office")
    assert client.get("/language/en?next=/rounds%3Fq%3D改革").headers["Location"].startswith("/rounds?q=")
    response = client.post("/login?next=/rounds", data={"username": user.username, "password": "Secret12345"})
    assert response.headers["Location"] == "/rounds"


# ---- refusals say what to do ----------------------------------------------------------------------------------


def _past_review(office, proposal):
    for status in (RoundStatus.reviewing, RoundStatus.planning):
        round_services.transition_round(actor=office, round=proposal.round, target=status)


def test_a_unit_is_not_offered_to_withdraw_a_proposal_after_review(client, login_as, language):
    office = make_user(role="office")
    author = login_as("unit_staff")
    proposal = make_proposal(author=author, submit=True)
    withdraw = f'action="/proposals/{proposal.id}/withdraw"'
    assert withdraw in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    _past_review(office, proposal)
    assert withdraw not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)


def test_a_withdrawal_after_review_is_refused_with_its_reason(client, login_as, language):
    office = make_user(role="office")
    author = login_as("unit_staff")
    proposal = make_proposal(author=author, submit=True)
    _past_review(office, proposal)
    before = rows_of_every_table()
    response = client.post(f"/proposals/{proposal.id}/withdraw")
    reason = {"zh_CN": "本轮次已过评审阶段", "en": "The round is past review"}[language]
    assert_refused(response, 400, reason)
    assert db.session.get(Proposal, proposal.id).status is ProposalStatus.submitted
    assert rows_of_every_table() == before


def test_a_plan_sent_for_review_without_a_lead_leader_says_which_project_lacks_one(client, login_as, language):
    office = login_as("office")
    round = make_open_round(actor=office)
    for status in (RoundStatus.reviewing, RoundStatus.planning):
        round_services.transition_round(actor=office, round=round, target=status)
    plan = plan_services.create_plan(actor=office, round=round)
    unit = make_user(role="unit_staff").unit
    fields = {"title": "推进网格管理标准化", "lead_leader": "", "lead_unit_id": unit.id}
    key_projects.add_key_project(actor=office, plan=plan, fields=fields)
    before = rows_of_every_table()
    response = client.post(
        f"/plans/{plan.id}/transition", data={"target": "submitted_for_review", "lock_version": plan.lock_version}
    )
    reason = {"zh_CN": "项目（一）需要填写牵头区领导。", "en": "Project 一 needs a lead district leader."}[language]
    assert_refused(response, 400, reason)
    assert db.session.get(Plan, plan.id).status is PlanStatus.draft
    assert rows_of_every_table() == before


def test_an_approval_without_its_meeting_still_says_so_on_its_form(client, login_as):
    office = login_as("office")
    round = make_open_round(actor=office)
    for status in (RoundStatus.reviewing, RoundStatus.planning):
        round_services.transition_round(actor=office, round=round, target=status)
    plan = plan_services.create_plan(actor=office, round=round)
    unit = make_user(role="unit_staff").unit
    key_projects.add_key_project(
        actor=office,
        plan=plan,
        fields={"title": "推进网格管理标准化", "lead_leader": "高自民", "lead_unit_id": unit.id},
    )
    plan_services.transition_plan(actor=office, plan=plan, target=PlanStatus.submitted_for_review)
    response = client.post(
        f"/plans/{plan.id}/transition", data={"target": "approved", "meeting": "", "approved_on": date(2017, 3, 1)}
    )
    assert response.status_code == 400
    assert db.session.get(Plan, plan.id).status is PlanStatus.submitted_for_review


@pytest.mark.parametrize("number", HUGE)
def test_a_form_number_past_the_databases_integers_is_refused(client, login_as, language, number):
    office = login_as("office")
    round = make_open_round(actor=office)
    make_proposal(round=round, submit=True)
    round_services.transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    expert = make_user(role="expert")
    before = rows_of_every_table()
    response = client.post(
        f"/rounds/{round.id}/assignments", data={"proposal_id": number, "expert_id": expert.id}, follow_redirects=True
    )
    message = {"zh_CN": "请选择专家和项目", "en": "Choose an expert and a proposal."}[language]
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert rows_of_every_table() == before


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def test_every_form_is_built_on_the_projects_base_form():
    strays = [f"{cls.__module__}.{cls.__qualname__}" for cls in subclasses(FlaskForm) if not issubclass(cls, Form)]
    assert strays == [], "build these forms on core.forms.Form, which refuses numbers the database cannot hold"


# ---- a refusal no view turned into a message ------------------------------------------------------------------


@pytest.fixture
def refusing_client(app, tmp_path):
    """A client of an app where /refuse and /api/v1/refuse call a service that refuses, and no view catches it."""
    from app import create_app
    from solicitation.errors import SolicitationError

    refusing = create_app(
        {
            "TESTING": True,
            "PROPAGATE_EXCEPTIONS": False,  # as in production
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )

    def refuse():
        raise SolicitationError("round_past_review")

    refusing.add_url_rule("/refuse", "refuse", refuse)
    refusing.add_url_rule("/api/v1/refuse", "api_refuse", refuse)
    yield refusing.test_client()
    with refusing.app_context():
        db.engine.dispose()


def test_a_refusal_no_view_caught_says_why_with_a_4xx_not_a_500(refusing_client):
    response = refusing_client.get("/refuse")
    assert response.status_code == 400 and "本轮次已过评审阶段" in response.get_data(as_text=True)
    refusing_client.get("/language/en")
    assert "The round is past review" in refusing_client.get("/refuse").get_data(as_text=True)
    answer = refusing_client.get("/api/v1/refuse")
    assert answer.status_code == 400 and answer.json["error"] == "round_past_review"


# ---- every page and every button, walked ------------------------------------------------------------------------

# What views read from a form without a form class (ticked boxes, buttons' values), beside every form's fields.
RAW_FORM_NAMES = {"suggestion_id", "expert_id", "offset", "report_day", "quarter", "pair", "target", "flag", "stage"}


def addresses(app, method: str, ids: dict[str, int]):
    """Every address of the site (the JSON API apart) answering `method`, its ids those of real records."""
    for rule in app.url_map.iter_rules():
        if method in rule.methods and rule.endpoint != "static" and not rule.rule.startswith("/api/"):
            path = re.sub(r"<int:(\w+)>", lambda m: str(ids.get(m[1], 1)), rule.rule)
            yield re.sub(r"<(?:\w+:)?\w+>", "csv", path)


@pytest.fixture
def records():
    """A round with a suggestion and a submitted proposal, and a published plan: the ids addresses take."""
    unit = make_unit()
    office = make_user(role="office")
    round = make_open_round(actor=office)
    suggestion = make_suggestion(round=round)
    proposal = make_proposal(round=round, author=make_user(role="unit_staff", unit=unit), submit=True)
    plan = make_published_plan(office=office, lead_unit=unit)
    return {
        "round_id": round.id,
        "suggestion_id": suggestion.id,
        "proposal_id": proposal.id,
        "plan_id": plan.id,
        "project_id": plan.projects[0].id,
        "unit_id": unit.id,
        "category_id": round.categories[0].id,
        "quarter": 1,
    }


@pytest.mark.parametrize("role", [None, "office", "unit_staff"])
def test_no_page_fails_on_numbers_past_the_databases_integers(app, client, login_as, records, role):
    if role:
        login_as(role)
    huge = str(10**20)
    filters = "&".join(
        f"{name}={sign}{huge}" for name in ("round", "a", "b", "k", "object_id", "actor", "unit") for sign in ("", "-")
    )
    failed = []
    for address in addresses(app, "GET", records):
        for sent in (address, f"{address}?page={huge}", f"{address}?{filters}"):
            if (status := client.get(sent).status_code) >= 500:
                failed.append(f"{status} {sent}")
    assert failed == []


@pytest.mark.parametrize("role", ["office", "unit_staff"])
def test_no_button_fails_on_numbers_past_the_databases_integers(app, client, login_as, records, role):
    login_as(role)
    names = RAW_FORM_NAMES | {
        name for form in subclasses(FlaskForm) for name, value in vars(form).items() if isinstance(value, UnboundField)
    }
    failed = []
    for address in addresses(app, "POST", records):
        if address == "/logout":
            continue
        for number in (str(2**31), str(-(2**63)), str(10**20)):
            data = {name: number for name in names} | {"pair": f"1-{number}"}
            if (status := client.post(address, data=data).status_code) >= 500:
                failed.append(f"{status} {address}")
    assert failed == []
