"""The office makes API tokens for other systems in the interface, sees each once, lists and revokes them."""

import re

import pytest
from sqlalchemy import select

from accounts import services
from accounts.errors import AccountError
from accounts.models import ApiToken, AuditEvent
from extensions import db
from tests.factories import make_open_round, make_user


def test_office_makes_a_token_for_the_hotline_account_and_sees_it_once(login_as, client):
    login_as("office")
    hotline = make_user(role="office", username="hotline12345", display_name="12345热线系统")
    response = client.post(
        "/admin/tokens/new", data={"user_id": hotline.id, "name": "12345热线", "rate_limit": "600/hour"}
    )
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = re.search(r"<code>([\w-]{40,})</code>", response.text).group(1)
    assert services.user_for_token(token).id == hotline.id
    listing = client.get("/admin/tokens").text
    assert "12345热线" in listing and "600/hour" in listing and token not in listing


def test_a_rate_limit_flask_limiter_cannot_read_is_refused_and_the_form_keeps_what_was_typed(login_as, client):
    login_as("office")
    wechat = make_user(role="office", username="wechat_backend")
    response = client.post(
        "/admin/tokens/new", data={"user_id": wechat.id, "name": "微信后台", "rate_limit": "lots per hour"}
    )
    assert response.status_code == 400 and "lots per hour" in response.text and "微信后台" in response.text
    assert db.session.scalar(select(ApiToken)) is None


def test_office_revokes_one_token_and_the_users_other_token_still_works(login_as, client):
    office = login_as("office")
    round = make_open_round()
    first = services.create_api_token(actor=office, user=office, name="12345热线")
    second = services.create_api_token(actor=office, user=office, name="微信后台")
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "12345热线"))
    assert client.post(f"/admin/tokens/{token.id}/revoke").status_code == 302
    url = f"/api/v1/rounds/{round.id}/suggestions"
    assert client.get(url, headers={"Authorization": f"Bearer {first}"}).status_code == 401
    assert client.get(url, headers={"Authorization": f"Bearer {second}"}).status_code == 200
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "ApiToken")).all()
    assert sorted(actions) == ["api_token.create", "api_token.create", "api_token.revoke"]


def test_the_token_list_shows_when_each_token_was_last_used_and_filters_the_revoked(login_as, client):
    office = login_as("office")
    used = services.create_api_token(actor=office, user=office, name="用过的")
    services.create_api_token(actor=office, user=office, name="没用过")
    services.user_for_token(used)
    revoked = db.session.scalar(select(ApiToken).where(ApiToken.name == "没用过"))
    services.revoke_api_token(actor=office, api_token=revoked)
    in_use = client.get("/admin/tokens", query_string={"revoked": "no"}).text
    assert "用过的" in in_use and "没用过" not in in_use
    export = client.get("/admin/tokens", query_string={"export": "csv"})
    assert export.status_code == 200 and "没用过" in export.get_data(as_text=True)


@pytest.mark.parametrize("role", ["unit_staff", "expert", "leader"])
def test_only_the_office_may_make_a_token(role):
    with pytest.raises(AccountError):
        services.create_api_token(actor=make_user(role=role), user=make_user(role="office"), name="x")
    assert db.session.scalar(select(ApiToken)) is None


def test_the_command_line_makes_lists_and_revokes_a_token_with_its_rate_limit(runner):
    make_user(role="office", username="hotline")
    made = runner.invoke(args=["users", "token", "hotline", "--name", "12345", "--rate-limit", "2/minute"])
    assert made.exit_code == 0
    listed = runner.invoke(args=["users", "tokens"]).output
    assert "12345\thotline" in listed and "2/minute" in listed and "active" in listed
    token_id = listed.split("\t", 1)[0]
    assert runner.invoke(args=["users", "revoke-token", token_id]).exit_code == 0
    assert services.user_for_token(made.output.strip()) is None
    refused = runner.invoke(args=["users", "token", "hotline", "--rate-limit", "fast"])
    assert refused.exit_code != 0
