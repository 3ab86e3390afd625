"""Each API token counts its calls against its own rate limit, or the API's default."""

import pytest

from accounts import services as accounts
from extensions import limiter
from tests.factories import make_open_round, make_user


@pytest.fixture(autouse=True)
def _fresh_counts():
    limiter.reset()
    yield
    limiter.reset()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_limited_to_2_a_minute_gets_429_on_its_third_call_while_another_token_does_not(client):
    office = make_user(role="office")
    round = make_open_round()
    hotline = accounts.create_api_token(actor=office, user=office, name="12345热线", rate_limit="2/minute")
    wechat = accounts.create_api_token(actor=office, user=office, name="微信公众号")
    url = f"/api/v1/rounds/{round.id}/suggestions"
    assert [client.get(url, headers=bearer(hotline)).status_code for _ in range(3)] == [200, 200, 429]
    assert [client.get(url, headers=bearer(wechat)).status_code for _ in range(3)] == [200, 200, 200]


def test_a_token_without_its_own_limit_gets_the_apis_default(app, client, monkeypatch):
    office = make_user(role="office")
    round = make_open_round()
    token = accounts.create_api_token(actor=None, user=office, name="统计系统")
    url = f"/api/v1/rounds/{round.id}/suggestions"
    monkeypatch.setitem(app.config, "API_TOKEN_RATE_LIMIT", "1 per minute")
    assert [client.get(url, headers=bearer(token)).status_code for _ in range(2)] == [200, 429]


def test_a_token_limit_also_counts_its_calls_to_routes_with_their_own_limits(client):
    office = make_user(role="office")
    make_open_round()
    token = accounts.create_api_token(actor=office, user=office, name="搜索", rate_limit="1 per minute")
    statuses = [
        client.get("/api/v1/search", query_string={"q": "停车"}, headers=bearer(token)).status_code for _ in range(2)
    ]
    assert statuses[1] == 429
