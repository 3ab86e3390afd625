"""What protects a login: throttled guessing, per address and per account, and the session cookie's flags."""

import re

import pytest

from accounts import services
from extensions import limiter
from tests.factories import PASSWORD, make_user


@pytest.fixture
def strict_limits(app, monkeypatch):
    """Three failed logins a minute, per address and per username."""
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    monkeypatch.setitem(app.config, "LOGIN_USERNAME_RATE_LIMIT", "3 per minute")
    limiter.reset()
    yield
    limiter.reset()


def log_in(client, username, password, address="10.0.0.1"):
    return client.post(
        "/login", data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_too_many_failed_logins_are_refused_with_when_to_try_again_and_the_name_kept(client, strict_limits):
    user = make_user(username="liming")
    assert [log_in(client, "liming", "Wrong123456").status_code for _ in range(3)] == [200, 200, 200]
    response = log_in(client, "liming", PASSWORD)  # even the right password waits, from a browser new to the account
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and 0 < int(response.headers["Retry-After"]) <= 60
    assert "登录尝试次数过多" in page and re.search(r"请在 \d{1,2}:\d{2} 之后再试（约 1 分钟后）", page)
    assert 'value="liming"' in page and PASSWORD not in page
    client.get("/language/en")
    page = log_in(client, "liming", PASSWORD).get_data(as_text=True)
    assert "Too many failed login attempts. Try again after" in page
    assert client.get("/admin/users").status_code == 302  # nobody logged in
    assert user.last_login_at is None


def test_guesses_at_one_account_from_many_addresses_are_slowed(client, strict_limits):
    make_user(username="liming")
    make_user(username="chenjing")
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        assert log_in(client, "LiMing ", "Wrong123456", address).status_code == 200
    assert log_in(client, "liming", PASSWORD, "10.0.0.4").status_code == 429
    assert log_in(client, "chenjing", PASSWORD, "10.0.0.4").status_code == 302  # another account is not held up


def fail_three_times_from_elsewhere(app, username):
    stranger = app.test_client()
    for address in ("10.0.0.7", "10.0.0.8", "10.0.0.9"):
        assert log_in(stranger, username, "Wrong123456", address).status_code == 200
    assert log_in(stranger, username, PASSWORD, "10.0.0.10").status_code == 429


def test_a_browser_that_logged_in_before_is_not_held_back_by_strangers_guesses(app, client, strict_limits):
    user = make_user(username="liming")
    assert log_in(client, "liming", PASSWORD).status_code == 302
    client.post("/logout", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    fail_three_times_from_elsewhere(app, "liming")
    assert log_in(client, "LiMing", PASSWORD).status_code == 302
    assert client.get("/rounds").status_code == 200 and user.last_login_at is not None


def test_a_known_browser_still_has_its_own_limits(app, client, strict_limits):
    make_user(username="liming")
    assert log_in(client, "liming", PASSWORD).status_code == 302
    client.post("/logout", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        assert log_in(client, "liming", "Wrong123456", address).status_code == 200
    assert log_in(client, "liming", PASSWORD, "10.0.0.4").status_code == 429  # its guesses count, apart


def test_a_forged_cookie_or_one_for_another_account_does_not_help(app, client, strict_limits):
    make_user(username="liming")
    make_user(username="chenjing")
    owner = app.test_client()
    assert log_in(owner, "liming", PASSWORD, "10.0.0.5").status_code == 302
    assert log_in(client, "chenjing", PASSWORD).status_code == 302
    fail_three_times_from_elsewhere(app, "liming")
    assert log_in(client, "liming", PASSWORD).status_code == 429  # it knows chenjing, not liming
    signed, signature = owner.get_cookie("known_device", path="/login").value.rsplit(".", 1)
    forger = app.test_client()
    forger.set_cookie("known_device", f"{signed}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}", path="/login")
    assert log_in(forger, "liming", PASSWORD, "10.0.0.2").status_code == 429


def test_a_new_password_makes_the_browsers_that_knew_the_old_one_strangers(app, client, strict_limits):
    user = make_user(username="liming")
    assert log_in(client, "liming", PASSWORD).status_code == 302
    client.post("/logout", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    services.reset_password(actor=None, user=user, new_password="Another123")
    fail_three_times_from_elsewhere(app, "liming")
    assert log_in(client, "liming", "Another123").status_code == 429


def test_the_browser_that_changed_the_password_stays_known(app, client, strict_limits):
    make_user(username="liming")
    assert log_in(client, "liming", PASSWORD).status_code == 302
    fields = {"current_password": PASSWORD, "new_password": "Changed123", "confirm": "Changed123"}
    assert client.post("/account/password", data=fields).status_code == 302
    client.post("/logout")
    fail_three_times_from_elsewhere(app, "liming")
    assert log_in(client, "liming", "Changed123").status_code == 302


def test_the_known_browser_cookie_is_signed_long_lived_and_sent_only_to_the_login_form(client):
    make_user(username="liming")
    response = log_in(client, "liming", PASSWORD)
    [cookie] = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("known_device=")]
    flags = {flag.strip().lower() for flag in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/login"} <= flags
    assert any(flag.startswith("max-age=") and int(flag.split("=")[1]) > 300 * 24 * 3600 for flag in flags)


def test_colleagues_logging_in_from_one_address_are_not_throttled(client, strict_limits):
    for _ in range(5):
        assert log_in(client, make_user().username, PASSWORD).status_code == 302
        client.post("/logout", environ_base={"REMOTE_ADDR": "10.0.0.1"})


@pytest.mark.parametrize("secure", [False, True])
def test_the_session_cookie_is_httponly_samesite_and_secure_when_served_over_https(app, client, monkeypatch, secure):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", secure)
    response = log_in(client, make_user().username, PASSWORD)
    [cookie] = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]
    flags = {flag.strip().lower() for flag in cookie.split(";")[1:]}
    assert "httponly" in flags and "samesite=lax" in flags
    assert ("secure" in flags) is secure
