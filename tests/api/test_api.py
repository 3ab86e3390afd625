"""The JSON API: public submission and lookup, office listing and import, errors as JSON."""

import io
import re

import pytest
from sqlalchemy import select

from accounts import services as accounts
from extensions import db, limiter
from solicitation.models import Channel, Suggestion
from tests.factories import make_open_round, make_suggestion, make_user

NEW = {
    "title": "建议延长政务服务中心周末办理时间",
    "content": "上班族工作日无法办理，建议周六开放。",
    "channel": "wechat",
    "contact": {"name": "刘女士", "phone": "13600002222"},
    "consent": True,
}


@pytest.fixture
def office_token():
    return {
        "Authorization": "Bearer " + accounts.create_api_token(actor=None, user=make_user(role="office"), name="12345")
    }


def test_a_mini_program_submits_a_suggestion_and_looks_it_up(client):
    make_open_round()
    response = client.post("/api/v1/suggestions", json=NEW)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "received" and len(body["tracking_code"]) == 14
    assert "13600002222" not in response.get_data(as_text=True)
    assert db.session.scalar(select(Suggestion)).channel is Channel.wechat
    lookup = client.get(f"/api/v1/suggestions/{body['tracking_code']}")
    assert lookup.status_code == 200 and lookup.get_json()["title"] == NEW["title"]


def test_validation_errors_come_back_as_json_with_the_field(client):
    make_open_round()
    response = client.post("/api/v1/suggestions", json={**NEW, "title": ""})
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"title": "此项为必填项。"}
    response = client.post("/api/v1/suggestions", json={**NEW, "consent": False})
    assert response.status_code == 422 and "consent" in response.get_json()["fields"]
    assert db.session.scalar(select(Suggestion)) is None


def test_malformed_json_is_a_400_and_an_office_channel_a_422(client):
    make_open_round()
    response = client.post("/api/v1/suggestions", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "bad_json"
    response = client.post("/api/v1/suggestions", json={**NEW, "channel": "hotline"})
    assert response.status_code == 422 and response.get_json()["error"] == "channel_not_allowed"


def test_the_hotline_system_records_hotline_suggestions_with_an_office_token(client, office_token):
    make_open_round()
    response = client.post("/api/v1/suggestions", json={**NEW, "channel": "hotline"}, headers=office_token)
    assert response.status_code == 201
    assert db.session.scalar(select(Suggestion)).channel is Channel.hotline


def test_no_round_soliciting_is_a_422(client):
    response = client.post("/api/v1/suggestions", json=NEW)
    assert response.status_code == 422 and response.get_json()["error"] == "round_not_soliciting"


def test_an_unknown_code_is_a_json_404(client):
    response = client.get("/api/v1/suggestions/ABCD-EFGH-JKMN")
    assert response.status_code == 404 and response.get_json()["error"] == "tracking_code_unknown"


def test_office_lists_need_an_office_token(client, office_token):
    suggestion = make_suggestion()
    url = f"/api/v1/rounds/{suggestion.round_id}/suggestions"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
    expert = {
        "Authorization": "Bearer " + accounts.create_api_token(actor=None, user=make_user(role="expert"), name="x")
    }
    assert client.get(url, headers=expert).status_code == 403
    body = client.get(url, headers=office_token).get_json()
    assert body["total"] == 1 and body["items"][0]["contact"]["phone"] == "138****5678"
    assert client.get(url + "?status=nonsense", headers=office_token).status_code == 422


def test_office_imports_through_the_api_all_or_nothing(client, office_token):
    round = make_open_round()
    url = f"/api/v1/rounds/{round.id}/suggestions/import"
    bad = "标题,内容\n好的,内容\n,没有标题\n".encode()
    response = client.post(url, data={"file": (io.BytesIO(bad), "a.csv")}, headers=office_token)
    assert response.status_code == 422 and response.get_json()["problems"][0]["line"] == 3
    assert db.session.scalar(select(Suggestion)) is None
    good = "标题,内容\n好的,内容\n".encode()
    response = client.post(url, data={"file": (io.BytesIO(good), "a.csv")}, headers=office_token)
    assert response.status_code == 201 and response.get_json()["imported"] == 1


def test_the_public_submission_is_rate_limited_with_a_json_429(app, client, monkeypatch):
    make_open_round()
    monkeypatch.setitem(app.config, "PUBLIC_POST_RATE_LIMIT", "1 per minute")
    limiter.reset()
    client.post("/api/v1/suggestions", json=NEW)
    response = client.post("/api/v1/suggestions", json=NEW)
    limiter.reset()
    assert response.status_code == 429 and response.is_json


def test_every_api_route_is_declared_so_validated_and_documented(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    described = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    routes = {
        (re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == described


@pytest.mark.parametrize(
    "body",
    [{**NEW, "title": 123}, {**NEW, "contact": "13600002222"}, {**NEW, "category_id": "1"}, {**NEW, "round_id": "x"}],
)
def test_wrongly_typed_json_is_a_400_not_a_crash(client, body):
    make_open_round()
    response = client.post("/api/v1/suggestions", json=body)
    assert response.status_code == 400 and response.get_json()["error"] == "bad_json"


def test_office_tokens_are_not_throttled_like_the_public(app, client, monkeypatch, office_token):
    make_open_round()
    monkeypatch.setitem(app.config, "PUBLIC_POST_RATE_LIMIT", "1 per minute")
    limiter.reset()
    statuses = [client.post("/api/v1/suggestions", json=NEW, headers=office_token).status_code for _ in range(3)]
    limiter.reset()
    assert statuses == [201, 201, 201]


def test_a_merged_suggestion_shows_the_originals_title_never_its_code(client):
    office = make_user(role="office")
    round = make_open_round()
    original, copy = make_suggestion(round=round, title="原建议"), make_suggestion(round=round)
    from solicitation.services import suggestions

    suggestions.mark_duplicate(actor=office, suggestion=copy, original=original)
    body = client.get(f"/api/v1/suggestions/{copy.tracking_code}").get_json()
    assert body["duplicate_of"] == "原建议" and original.tracking_code not in str(body)
    page = client.get(f"/track?code={copy.tracking_code}").get_data(as_text=True)
    assert "原建议" in page and original.display_code not in page


def test_an_unknown_round_is_a_json_404_in_the_documented_shape(client, office_token):
    response = client.get("/api/v1/rounds/999999/suggestions", headers=office_token)
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    assert response.get_json()["message"]


@pytest.mark.parametrize("per_page", ["0", "-5", "101", "x"])
def test_a_search_page_size_out_of_range_is_a_422(client, per_page):
    response = client.get(f"/api/v1/search?q=x&per_page={per_page}")
    assert response.status_code == 422 and response.get_json()["error"] == "bad_filter"
    assert "per_page" in response.get_json()["fields"]


@pytest.mark.parametrize("query", ["zz=0", "=0"])
def test_a_query_parameter_the_document_does_not_name_is_a_422(client, office_token, query):
    round = make_open_round()
    for url in (f"/api/v1/search?q=x&{query}", f"/api/v1/rounds/{round.id}/suggestions?{query}"):
        response = client.get(url, headers=office_token)
        assert response.status_code == 422 and response.get_json()["error"] == "bad_filter", url


@pytest.mark.parametrize("per_page", ["0", "-5"])
def test_an_office_list_page_size_out_of_range_is_a_422(client, office_token, per_page):
    round = make_open_round()
    response = client.get(f"/api/v1/rounds/{round.id}/suggestions?per_page={per_page}", headers=office_token)
    assert response.status_code == 422 and response.get_json()["error"] == "bad_filter"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ('{"title": "\\ud800", "content": "内容"}', 400, "bad_json"),
        ('{"title": "标题\\u0000", "content": "内容"}', 400, "bad_json"),
        ('{"title": "标题", "content": "内容", "category_id": 2147483648}', 422, "category_not_in_round"),
        ('{"title": "标题", "content": "内容", "round_id": 9223372036854775808}', 422, "round_not_soliciting"),
        ('{"title": "标题", "content": ' + "[" * 100_000 + "]" * 100_000 + "}", 400, "bad_json"),
    ],
    ids=["lone-surrogate", "nul", "category-id-past-32-bits", "round-id-past-64-bits", "deeply-nested"],
)
def test_input_no_database_can_hold_is_refused_and_saves_nothing(client, body, status, code):
    make_open_round()
    response = client.post("/api/v1/suggestions", data=body, content_type="application/json")
    assert response.status_code == status and response.get_json()["error"] == code
    assert db.session.scalar(select(Suggestion)) is None


def test_a_missing_title_is_named_in_the_readers_language(client):
    make_open_round()
    response = client.post("/api/v1/suggestions", json={"content": "内容"})
    assert response.status_code == 422 and response.get_json()["error"] == "field_required"
    assert response.get_json()["fields"] == {"title": "此项为必填项。"}


def test_an_unknown_round_is_a_404_and_a_code_no_database_can_hold_a_400(client, office_token):
    assert client.get("/api/v1/rounds/2147483648/suggestions", headers=office_token).status_code == 404
    response = client.get("/api/v1/suggestions/ABCD%00EFGH")
    assert response.status_code == 400 and response.get_json()["error"] == "control_character"


def test_the_lookup_url_is_on_the_configured_address_whatever_the_host_header(app, client):
    make_open_round()
    response = client.post("/api/v1/suggestions", json=NEW, headers={"Host": "evil.example"})
    url = response.get_json()["lookup_url"]
    assert url.startswith(app.config["PUBLIC_URL"] + "/") and "evil.example" not in url
    lookup = client.get(f"/api/v1/suggestions/{response.get_json()['tracking_code']}", headers={"Host": "evil.example"})
    assert lookup.get_json()["lookup_url"] == url
