"""The criteria page: the office edits, everyone on staff reads."""

import pytest

from extensions import db
from review import queries
from review.models import Criterion
from solicitation.models import RoundStatus
from solicitation.services.rounds import transition_round
from tests.factories import make_criterion, make_round


def test_office_adds_the_standard_principles_and_sees_their_shares(client, login_as):
    login_as("office")
    round = make_round()
    client.post(f"/rounds/{round.id}/criteria/standard")
    page = client.get(f"/rounds/{round.id}/criteria").get_data(as_text=True)
    assert "聚焦中心工作" in page and "可复制推广" in page and "20.0%" in page


def test_office_adds_edits_and_removes_a_criterion(client, login_as):
    login_as("office")
    round = make_round()
    client.post(f"/rounds/{round.id}/criteria", data={"name": "可行性", "weight": "3", "max_score": "5"})
    client.post(f"/rounds/{round.id}/criteria", data={"name": "创新性", "weight": "1", "max_score": "10"})
    page = client.get(f"/rounds/{round.id}/criteria").get_data(as_text=True)
    assert "75.0%" in page and "25.0%" in page
    [(feasibility, _), (innovation, _)] = queries.criteria_of(round.id)
    client.post(
        f"/rounds/{round.id}/criteria/{feasibility.id}/edit",
        data={"name": "可行性", "description": "条件是否具备", "weight": "1", "max_score": "5"},
    )
    assert db.session.get(Criterion, feasibility.id).description == "条件是否具备"
    client.post(f"/rounds/{round.id}/criteria/{innovation.id}/delete")
    assert [c.name for c, _ in queries.criteria_of(round.id)] == ["可行性"]


def test_office_sets_scale_labels_a_veto_and_a_criterion_not_counted(client, login_as):
    login_as("office")
    round = make_round()
    client.post(
        f"/rounds/{round.id}/criteria",
        data={
            "name": "可行性",
            "weight": "3",
            "max_score": "5",
            "scale_labels": "0 不可行\n5：完全可行",
            "veto_at": "1",
        },
    )
    client.post(
        f"/rounds/{round.id}/criteria", data={"name": "适合试点?", "weight": "1", "max_score": "1", "not_counted": "y"}
    )
    [(feasibility, share), (pilot, no_share)] = queries.criteria_of(round.id)
    assert feasibility.scale_labels == {"0": "不可行", "5": "完全可行"} and feasibility.veto_at == 1
    assert (share, no_share, pilot.counted) == (100.0, None, False)
    page = client.get(f"/rounds/{round.id}/criteria").get_data(as_text=True)
    assert "5 · 完全可行" in page and "≤ 1" in page and "不计入" in page
    edit = client.get(f"/rounds/{round.id}/criteria/{feasibility.id}/edit").get_data(as_text=True)
    assert "0 不可行\n5 完全可行" in edit


def test_a_scale_label_line_without_a_point_is_refused_with_the_line_number(client, login_as):
    login_as("office")
    round = make_round()
    response = client.post(
        f"/rounds/{round.id}/criteria",
        data={"name": "可行性", "weight": "3", "max_score": "5", "scale_labels": "0 不可行\n完全可行"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "第 2 行" in page and "完全可行" in page  # the message, and what was typed is kept
    assert queries.criteria_of(round.id) == []


def test_a_zero_weight_gets_a_message_and_adds_nothing(client, login_as):
    login_as("office")
    round = make_round()
    response = client.post(f"/rounds/{round.id}/criteria", data={"name": "可行性", "weight": "0", "max_score": "5"})
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    assert queries.criteria_of(round.id) == []


def test_frozen_criteria_show_no_edit_controls_and_refuse_changes(client, login_as):
    login_as("office")
    round = make_round()
    criterion = make_criterion(round=round, name="问题导向")
    for status in (RoundStatus.soliciting, RoundStatus.reviewing, RoundStatus.planning):
        transition_round(actor=None, round=round, target=status)
    page = client.get(f"/rounds/{round.id}/criteria").get_data(as_text=True)
    assert "问题导向" in page and "/edit" not in page
    response = client.post(f"/rounds/{round.id}/criteria/{criterion.id}/delete", follow_redirects=True)
    assert "评审指标" in response.get_data(as_text=True)
    assert db.session.get(Criterion, criterion.id) is not None


@pytest.mark.parametrize("role", ["unit_staff", "expert", "leader"])
def test_staff_read_the_criteria_but_cannot_change_them(client, login_as, role):
    login_as(role)
    round = make_round()
    make_criterion(round=round, name="需求导向")
    page = client.get(f"/rounds/{round.id}/criteria").get_data(as_text=True)
    assert "需求导向" in page and "/edit" not in page
    response = client.post(f"/rounds/{round.id}/criteria", data={"name": "x", "weight": "1", "max_score": "5"})
    assert response.status_code == 403
