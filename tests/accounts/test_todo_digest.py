"""The mail of what waits: to staff who did not log in that day, only when something new waits, never empty,
and each may turn it off."""

from datetime import timedelta

from sqlalchemy import select

from accounts import services
from core import clock
from core.mail import OutboxMessage
from core.models import utcnow
from extensions import db
from tests.factories import make_open_round, make_suggestion, make_user


def digests() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_digest_lists_what_waits_with_links_and_goes_only_when_something_new_waits(app):
    office = make_user(role="office", email="office@example.cn")
    round = make_open_round(actor=office)
    make_suggestion(round=round, title="公园厕所太少")
    assert services.send_todo_digests() == 1
    [mail] = digests()
    assert mail.recipient == "office@example.cn" and mail.subject == "改革项目平台上有 1 项待办"
    assert f"{round.title}：尚未受理的群众建议" in mail.body
    assert f"{app.config['PUBLIC_URL']}/rounds/{round.id}/suggestions?status=received" in mail.body

    assert services.send_todo_digests() == 0  # nothing new since: no second mail
    make_suggestion(round=round, title="路灯不亮")
    assert services.send_todo_digests() == 1  # one more waits
    assert f"{round.title}：尚未受理的群众建议 (2)" in digests()[-1].body


def test_no_digest_for_nothing_waiting_for_a_login_today_or_for_one_who_turned_it_off():
    idle = make_user(role="leader", email="leader@example.cn")  # nothing waits for a leader here
    office = make_user(role="office", email="office@example.cn")
    make_suggestion(round=make_open_round(actor=office))
    office.last_login_at = utcnow()
    db.session.commit()
    assert services.send_todo_digests() == 0 and digests() == []
    office.last_login_at = utcnow() - timedelta(days=2)
    services.set_todo_digest(user=office, enabled=False)
    assert services.send_todo_digests() == 0 and idle.todo_digest_sent == {}
    services.set_todo_digest(user=office, enabled=True)
    assert services.send_todo_digests(today=clock.today()) == 1


def test_staff_turn_the_digest_off_and_on_on_their_account_page(client, login_as):
    user = login_as("office")
    page = client.get("/account/password").get_data(as_text=True)
    assert "todo_digest" in page and "checked" in page
    client.post("/account/todo-digest", data={})
    assert db.session.get(type(user), user.id).todo_digest is False
    assert "checked" not in client.get("/account/password").get_data(as_text=True).split('id="todo-digest"')[1]
    client.post("/account/todo-digest", data={"todo_digest": "y"})
    assert db.session.get(type(user), user.id).todo_digest is True


def test_the_command_says_how_many_digests_it_queued(runner):
    make_user(role="office", email="office@example.cn")
    make_suggestion()
    result = runner.invoke(args=["users", "todo-digest"])
    assert result.exit_code == 0 and "1 digests queued." in result.output
