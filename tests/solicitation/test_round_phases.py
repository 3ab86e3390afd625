"""A round's phase moves say what they will do and wait for the office's confirmation; the round page lists what
the next phase needs."""

from extensions import db
from solicitation.models import Round, RoundStatus
from tests.factories import make_criterion, make_open_round, make_proposal, make_round, make_user


def test_office_is_told_the_days_left_the_drafts_stranded_and_the_form_closing_before_review(client, login_as):
    office = login_as("office")
    round = make_open_round(actor=office)
    make_proposal(round=round)  # a draft its unit has not sent
    make_proposal(round=round, submit=True)
    page = client.get(f"/rounds/{round.id}/transition?target=reviewing").get_data(as_text=True)
    assert "截止日期为" in page and "还有 30 天" in page
    assert "1 项仍在单位手中" in page and "群众建议表单将关闭" in page
    assert db.session.get(Round, round.id).status is RoundStatus.soliciting


def test_a_move_without_the_confirmation_changes_nothing_and_says_why(client, login_as):
    office = login_as("office")
    round = make_open_round(actor=office)
    response = client.post(f"/rounds/{round.id}/transition", data={"target": "reviewing"})
    assert response.status_code == 400 and "勾选" in response.get_data(as_text=True)
    assert db.session.get(Round, round.id).status is RoundStatus.soliciting
    client.post(f"/rounds/{round.id}/transition", data={"target": "reviewing", "confirm": "y"})
    assert db.session.get(Round, round.id).status is RoundStatus.reviewing


def test_office_cannot_open_solicitation_of_a_round_without_categories_and_is_told_what_is_missing(client, login_as):
    login_as("office")
    round = make_round(categories=())
    page = client.get(f"/rounds/{round.id}").get_data(as_text=True)
    assert "target=soliciting" not in page and "开始征集前，请为本轮次至少设置一个改革领域" in page


def test_the_round_page_ticks_what_review_needs_and_links_to_where_to_do_it(client, login_as):
    office = login_as("office")
    round = make_open_round(actor=office)
    make_criterion(round=round, actor=office)
    make_proposal(round=round, submit=True)
    page = client.get(f"/rounds/{round.id}").get_data(as_text=True)
    checklist = page[page.index('id="checklist"') :]
    assert "进入“评审中”之前" in checklist
    assert 'class="done"' in checklist and f"/rounds/{round.id}/criteria" in checklist
    assert 'class="todo"' in checklist and f"/rounds/{round.id}/assignments" in checklist


def test_other_roles_see_no_checklist(client, login_as):
    round = make_open_round(actor=make_user(role="office"))
    login_as("unit_staff")
    assert 'id="checklist"' not in client.get(f"/rounds/{round.id}").get_data(as_text=True)


def test_the_office_home_shows_the_round_under_way_its_phase_and_what_the_next_phase_needs(client, login_as):
    office = login_as("office")
    round = make_open_round(actor=office)
    make_criterion(round=round, actor=office)
    make_proposal(round=round, submit=True)
    page = client.get("/").get_data(as_text=True)
    under_way = page[page.index('id="round-under-way"') :]
    assert round.title in under_way and "征集中" in under_way and "进入“评审中”之前" in under_way
    assert 'class="done"' in under_way and f"/rounds/{round.id}/criteria" in under_way
    assert 'class="todo"' in under_way and f"/rounds/{round.id}/assignments" in under_way


def test_other_roles_home_shows_no_round_checklist(client, login_as):
    make_open_round(actor=make_user(role="office"))
    login_as("unit_staff")
    assert 'id="round-under-way"' not in client.get("/").get_data(as_text=True)
