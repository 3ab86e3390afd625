"""Error pages: each says in the reader's language what happened and what to do, with a way on; programs get JSON."""

import pytest

from extensions import limiter
from tests.conftest import statements_run

HOME = '<a class="button" href="/">'
TEXTS = {
    "zh_CN": {
        403: ["您无权查看本页面", "请联系改革办"],
        404: ["页面不存在", "搜索"],
        413: ["上传文件过大", "每个文件不超过 1 MB"],
        429: ["尝试次数过多", "秒后重试"],
        500: ["系统出现错误", "请向改革办提供以下编号"],
    },
    "en": {
        403: ["You may not see this page", "ask the reform office"],
        404: ["Page not found", "Search"],
        413: ["The upload is too large", "Each file may be at most 1 MB"],
        429: ["Too many attempts", "Please try again in"],
        500: ["Something went wrong on our side", "tell the reform office this reference"],
    },
}


@pytest.fixture
def strict_limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "1 per minute")
    monkeypatch.setitem(app.config, "LOOKUP_RATE_LIMIT", "1 per minute")
    limiter.reset()
    yield
    limiter.reset()


def error_response(code, client, failing_client, app, monkeypatch, login_as):
    if code == 403:
        login_as("unit_staff")
        return client.get("/admin/users")
    if code == 404:
        return client.get("/no/such/page")
    if code == 413:
        monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
        monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1024 * 1024)
        return client.post("/login", data={"username": "x" * 4096})
    if code == 429:  # the login page answers its own 429, keeping the name typed (tests/accounts)
        client.get("/track?code=AAAA-BBBB-CCCC")
        return client.get("/track?code=AAAA-BBBB-CCCC")
    return failing_client.get("/boom")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("code", [403, 404, 413, 429, 500])
def test_error_pages_explain_in_both_languages_and_lead_back(
    code, language, client, failing_client, app, monkeypatch, login_as, strict_limits
):
    for browser in (client, failing_client):
        browser.get(f"/language/{language}")
    response = error_response(code, client, failing_client, app, monkeypatch, login_as)
    page = response.get_data(as_text=True)
    assert response.status_code == code and response.mimetype == "text/html"
    for text in TEXTS[language][code]:
        assert text in page
    assert HOME in page and '<link rel="stylesheet" href="/static/css/app.css">' in page


def test_the_429_page_says_when_to_try_again(client, strict_limits):
    client.get("/track?code=AAAA-BBBB-CCCC")
    response = client.get("/track?code=AAAA-BBBB-CCCC")
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert f"请在 {wait} 秒后重试" in response.get_data(as_text=True)


def test_the_500_page_shows_the_request_id_to_quote(failing_client):
    response = failing_client.get("/boom")
    assert f'<span class="code">{response.headers["X-Request-Id"]}</span>' in response.get_data(as_text=True)


def test_a_page_offers_the_way_back_to_the_page_of_this_site_the_reader_came_from(client):
    page = client.get("/no/such/page", headers={"Referer": "http://localhost/heard?page=2"}).get_data(as_text=True)
    assert 'href="/heard?page=2">返回上一页' in page
    elsewhere = client.get("/no/such/page", headers={"Referer": "https://evil.example/"}).get_data(as_text=True)
    assert "返回上一页" not in elsewhere


def test_programs_get_json_errors(app, client, failing_client, monkeypatch, login_as, strict_limits):
    assert client.get("/api/v1/no-such-thing").get_json()["error"] == "not_found"
    login_as("unit_staff")
    forbidden = client.get("/admin/users", headers={"Accept": "application/json"})
    assert (forbidden.status_code, forbidden.get_json()["error"]) == (403, "forbidden")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    too_large = client.post("/api/v1/suggestions", json={"title": "x", "content": "x" * 4096})
    assert (too_large.status_code, too_large.get_json()["error"]) == (413, "request_entity_too_large")
    client.get("/api/v1/suggestions/ABCD-EFGH-JKLM")
    limited = client.get("/api/v1/suggestions/ABCD-EFGH-JKLM")
    body = limited.get_json()
    assert (limited.status_code, body["error"]) == (429, "too_many_requests")
    assert body["retry_after"] == int(limited.headers["Retry-After"]) and 1 <= body["retry_after"] <= 60
    failed = failing_client.get("/api/v1/boom")
    assert (failed.status_code, failed.get_json()) == (
        500,
        {
            "error": "internal_server_error",
            "message": failed.get_json()["message"],
            "request_id": failed.headers["X-Request-Id"],
        },
    )


def test_a_form_sent_with_an_expired_token_is_refused_but_shows_back_what_was_typed(client):
    from sqlalchemy import func, select

    from extensions import db
    from solicitation.models import Suggestion
    from tests.factories import SUGGESTION_FORM, make_open_round

    make_open_round()
    response = client.post("/suggest", data={**SUGGESTION_FORM, "csrf_token": "from-a-session-that-ended"}, csrf=False)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "页面已过期" in page
    assert SUGGESTION_FORM["content"] in page and SUGGESTION_FORM["title"] in page  # nothing typed is lost
    assert ">y</textarea>" not in page  # the ticked consent box is no text to copy back
    assert "from-a-session-that-ended" not in page
    assert '<a class="button" href="/suggest">重新打开表单</a>' in page
    assert db.session.scalar(select(func.count()).select_from(Suggestion)) == 0


def test_an_expired_login_form_never_shows_the_password_back(client):
    response = client.post("/login", data={"username": "office", "password": "Secret-Typed-1"}, csrf=False)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "office" in page and "Secret-Typed-1" not in page


def test_an_expired_button_offers_no_form_to_open_again(client):
    page = client.post("/logout", csrf=False).get_data(as_text=True)
    assert "页面已过期" in page and "重新打开表单</a>" not in page


def test_an_error_page_spares_the_database_the_menus_to_do_count(client, login_as):
    login_as("office")
    client.get("/")  # the session's user and the site settings are read whatever the page

    def statements(url):
        return statements_run(lambda: client.get(url))

    # The home page counts the office's to-dos (a dozen statements); a 404 reads the user and the footer only.
    assert statements("/no/such/page") <= 3 < statements("/")
