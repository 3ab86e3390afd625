"""Operator commands: create a user, reset a password, list users and rounds."""

from sqlalchemy import select

from accounts.models import Role, User
from extensions import db
from tests.factories import make_round, make_unit, make_user


def test_users_create_makes_an_account_that_can_log_in(runner, client):
    make_unit(name="区教育局")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "jiaoyu",
            "--name",
            "教育局经办人",
            "--role",
            "unit_staff",
            "--unit",
            "区教育局",
            "--password",
            "Xuexiao2017",
        ],
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "jiaoyu"))
    assert user.role is Role.unit_staff and user.unit.name == "区教育局"
    response = client.post("/login", data={"username": "jiaoyu", "password": "Xuexiao2017"})
    assert response.status_code == 302


def test_users_create_reports_a_bad_input_and_creates_nothing(runner):
    make_user(username="taken")
    result = runner.invoke(
        args=["users", "create", "taken", "--name", "x", "--role", "expert", "--password", "Abcd123456"]
    )
    assert result.exit_code != 0 and "taken" in result.output
    result = runner.invoke(
        args=[
            "users",
            "create",
            "new",
            "--name",
            "x",
            "--role",
            "unit_staff",
            "--unit",
            "无此单位",
            "--password",
            "Abcd123456",
        ]
    )
    assert result.exit_code != 0 and "无此单位" in result.output
    assert db.session.scalar(select(User).where(User.username == "new")) is None


def test_users_reset_password_asks_twice_and_sets_it(runner):
    user = make_user(username="wang")
    result = runner.invoke(args=["users", "reset-password", "wang"], input="Fresh12345\nFresh12345\n")
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.check_password("Fresh12345")
    result = runner.invoke(args=["users", "reset-password", "nobody"], input="Fresh12345\nFresh12345\n")
    assert result.exit_code != 0 and "nobody" in result.output


def test_users_list_and_rounds_list(runner):
    make_user(username="lister", role="expert")
    make_round(year=2017, title="龙岗区2017年改革计划")
    assert "lister\texpert" in runner.invoke(args=["users", "list"]).output
    output = runner.invoke(args=["rounds", "list"]).output
    assert "2017\tpreparing\t龙岗区2017年改革计划" in output
