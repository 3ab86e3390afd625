"""The staff password policy, applied wherever a password is set: the office, the command line, one's own."""

import pytest
from sqlalchemy import select

from accounts.models import User
from accounts.passwords import password_problem
from extensions import db
from tests.factories import PASSWORD, make_user


@pytest.mark.parametrize(
    ("password", "username", "problem"),
    [
        ("Short12", "wangfang", "password_too_short"),
        ("onlyletters", "wangfang", "password_letters_and_digits"),
        ("1234567890123", "wangfang", "password_letters_and_digits"),
        ("Wangfang2024", "wangfang", "password_contains_username"),
        ("my-pinghu-2024", "unit.pinghu", "password_contains_username"),
        ("Password123", "wangfang", "password_too_common"),
        ("QWERTY123456", "wangfang", "password_too_common"),
        ("Longgang2017", "office", None),
        ("Longgang2017", "unit.zhengwuban", None),
        ("Community2024", "unit.pinghu", None),  # "unit" is too short a part to forbid
        ("深圳改革2024abc", "liming", None),
    ],
)
def test_the_policy_names_the_rule_a_password_breaks(password, username, problem):
    assert password_problem(password, username=username) == problem


def test_the_office_creating_a_user_with_a_weak_password_is_told_why_and_keeps_what_was_typed(client, login_as):
    login_as("office")
    form = {"username": "wangfang", "display_name": "王芳", "role": "expert", "email": "", "password": "Wangfang2024"}
    page = client.post("/admin/users/new", data=form).get_data(as_text=True)
    assert "密码不能包含用户名" in page
    assert 'value="wangfang"' in page and 'value="王芳"' in page and "Wangfang2024" not in page
    client.get("/language/en")
    page = client.post("/admin/users/new", data={**form, "password": "Sh0rt"}).get_data(as_text=True)
    assert "A password needs at least 10 characters." in page
    assert db.session.scalar(select(User).where(User.username == "wangfang")) is None


def test_the_office_resetting_a_password_is_held_to_the_policy(client, login_as):
    login_as("office")
    user = make_user(role="leader")
    data = {"new_password": "password123", "confirm": "password123"}
    response = client.post(f"/admin/users/{user.id}/password", data=data)
    assert response.status_code == 400 and "该密码过于常见" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_the_command_line_is_held_to_the_policy(runner):
    create = ["users", "create", "zhaolei", "--name", "赵磊", "--role", "expert"]
    result = runner.invoke(args=create, input="abc\nabc\n")
    assert result.exit_code != 0 and "密码至少需要 10 个字符" in result.output
    assert db.session.scalar(select(User).where(User.username == "zhaolei")) is None
    user = make_user(username="sunli")
    result = runner.invoke(args=["users", "reset-password", "sunli"], input="Sunli20240\nSunli20240\n")
    assert result.exit_code != 0 and "密码不能包含用户名" in result.output
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_every_user_changes_their_own_password_with_the_current_one_within_the_policy(app, client, login_as):
    user = login_as("unit_staff")
    other_session = app.test_client()
    other_session.login(user)
    assert "修改密码" in client.get("/").get_data(as_text=True)  # the header links to the page

    def change(current, new):
        data = {"current_password": current, "new_password": new, "confirm": new}
        return client.post("/account/password", data=data)

    assert "当前密码不正确" in change("Wrong123456", "Fresh2024ab").get_data(as_text=True)
    assert "密码必须同时包含字母和数字" in change(PASSWORD, "onlyletters").get_data(as_text=True)
    assert "新密码不能与当前密码相同" in change(PASSWORD, PASSWORD).get_data(as_text=True)
    assert other_session.get("/rounds").status_code == 200  # nothing changed yet
    assert change(PASSWORD, "Fresh2024ab").status_code == 302
    assert db.session.get(User, user.id).check_password("Fresh2024ab")
    assert client.get("/rounds").status_code == 200
    assert other_session.get("/rounds").status_code == 302
