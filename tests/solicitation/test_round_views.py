"""The office's round pages: create, edit, move through statuses, categories; other roles read only."""

import pytest
from sqlalchemy import select

from extensions import db
from solicitation.models import Round, RoundStatus
from tests.factories import ROUND_FORM, make_round


def test_office_creates_a_round_with_a_category_preset(client, login_as):
    login_as("office")
    response = client.post("/rounds/new", data=ROUND_FORM)
    round = db.session.scalar(select(Round).where(Round.year == 2018))
    assert response.headers["Location"] == f"/rounds/{round.id}"
    page = client.get(f"/rounds/{round.id}").get_data(as_text=True)
    assert "龙岗区2018年改革计划" in page and "政府职能转变" in page and "民生事业" in page


def test_dates_out_of_order_get_a_message_and_the_form_keeps_the_input(client, login_as):
    login_as("office")
    response = client.post("/rounds/new", data=dict(ROUND_FORM, review_deadline="2017-11-01"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[page.find("<main") :]  # refused: nothing saved
    assert "日期须依次排列" in page
    assert 'value="龙岗区2018年改革计划"' in page and 'value="2017-11-01"' in page
    assert db.session.scalar(select(Round)) is None


def test_office_edits_a_round(client, login_as):
    login_as("office")
    round = make_round(year=2019)
    data = dict(ROUND_FORM, year="2019", title="2019年改革计划（修订）", lock_version=round.lock_version)
    client.post(f"/rounds/{round.id}/edit", data=data)
    assert db.session.get(Round, round.id).title == "2019年改革计划（修订）"


def test_office_moves_a_round_once_it_confirms_and_an_illegal_move_gets_a_message(client, login_as):
    login_as("office")
    round = make_round()
    page = client.get(f"/rounds/{round.id}").get_data(as_text=True)
    assert "transition?target=soliciting" in page and "target=reviewing" not in page
    unconfirmed = client.post(f"/rounds/{round.id}/transition", data={"target": "soliciting"})
    assert unconfirmed.status_code == 400 and "勾选" in unconfirmed.get_data(as_text=True)
    assert db.session.get(Round, round.id).status is RoundStatus.preparing
    client.post(f"/rounds/{round.id}/transition", data={"target": "soliciting", "confirm": "y"})
    assert db.session.get(Round, round.id).status is RoundStatus.soliciting
    data = {"target": "closed", "confirm": "y"}
    response = client.post(f"/rounds/{round.id}/transition", data=data, follow_redirects=True)
    assert "不能从" in response.get_data(as_text=True)
    assert db.session.get(Round, round.id).status is RoundStatus.soliciting
    client.post(f"/rounds/{round.id}/transition", data={"target": "nonsense", "confirm": "y"})
    assert db.session.get(Round, round.id).status is RoundStatus.soliciting


def test_office_adds_renames_and_removes_categories(client, login_as):
    login_as("office")
    round = make_round(categories=())
    client.post(f"/rounds/{round.id}/categories", data={"name": "社会管理", "description": ""})
    response = client.post(f"/rounds/{round.id}/categories", data={"name": "社会管理", "description": ""})
    assert response.status_code == 400 and "已有名为“社会管理”的改革领域" in response.get_data(as_text=True)
    [category] = db.session.get(Round, round.id).categories
    client.post(f"/rounds/{round.id}/categories/{category.id}/edit", data={"name": "社会治理", "description": ""})
    assert category.name == "社会治理"
    client.post(f"/rounds/{round.id}/categories/preset", data={"preset": "jinwan"})
    assert len(db.session.get(Round, round.id).categories) == 5
    client.post(f"/rounds/{round.id}/categories/{category.id}/delete")
    assert "社会治理" not in [c.name for c in db.session.get(Round, round.id).categories]


def test_a_category_of_another_round_is_not_found_through_this_one(client, login_as):
    login_as("office")
    first, second = make_round(), make_round()
    other = second.categories[0]
    assert client.post(f"/rounds/{first.id}/categories/{other.id}/delete").status_code == 404


@pytest.mark.parametrize("role", ["unit_staff", "expert", "leader"])
def test_other_roles_read_rounds_but_cannot_change_them(client, login_as, role):
    login_as(role)
    round = make_round()
    page = client.get(f"/rounds/{round.id}").get_data(as_text=True)
    assert round.title in page and 'name="target"' not in page
    assert client.get("/rounds").status_code == 200
    assert client.post(f"/rounds/{round.id}/transition", data={"target": "soliciting"}).status_code == 403
    assert client.post(f"/rounds/{round.id}/categories", data={"name": "x"}).status_code == 403
    assert db.session.get(Round, round.id).status is RoundStatus.preparing


def test_round_list_filters_by_status_and_exports(client, login_as):
    login_as("office")
    make_round(year=2030, title="二〇三〇年计划")
    soliciting = make_round(year=2031, title="二〇三一年计划")
    from solicitation.services.rounds import transition_round

    transition_round(actor=None, round=soliciting, target=RoundStatus.soliciting)
    page = client.get("/rounds?status=soliciting").get_data(as_text=True)
    assert "二〇三一年计划" in page and "二〇三〇年计划" not in page
    text = client.get("/rounds?status=soliciting&export=csv").data.decode("utf-8-sig")
    assert "二〇三一年计划" in text and "二〇三〇年计划" not in text
