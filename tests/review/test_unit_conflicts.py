"""An expert of the proposing unit or of a cooperating one is conflicted from the start: no path assigns them,
no review page opens to them, without anyone pressing "detect"."""

import re

import pytest
from sqlalchemy import select

from core.errors import RowsRejected
from extensions import db
from review import queries
from review.errors import ReviewError
from review.models import Assignment, Conflict, ConflictStatus, Recommendation
from review.services import assignments, reviews
from solicitation.models import RoundStatus
from solicitation.services import proposals as proposal_services
from solicitation.services.rounds import transition_round
from tests.factories import make_criterion, make_open_round, make_proposal, make_unit, make_user, proposal_fields


@pytest.fixture
def fagaiju_round():
    """A round under review: a proposal of 区发改局, one of 区财政局 with 区发改局 cooperating, one of neither;
    an expert of 区发改局 and one from a university."""
    office = make_user(role="office")
    round = make_open_round()
    criterion = make_criterion(round=round)
    fagaiju, caizhengju, other = make_unit(name="区发改局"), make_unit(name="区财政局"), make_unit(name="区教育局")
    own = make_proposal(round=round, author=make_user(role="unit_staff", unit=fagaiju), submit=True, title="发改项目")
    cooperating = make_proposal(
        round=round,
        author=make_user(role="unit_staff", unit=caizhengju),
        submit=True,
        title="财政项目",
        cooperating_unit_ids=[fagaiju.id],
    )
    free = make_proposal(round=round, author=make_user(role="unit_staff", unit=other), submit=True, title="教育项目")
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    return {
        "office": office,
        "round": round,
        "criterion": criterion,
        "proposals": (own, cooperating, free),
        "insider": make_user(role="expert", unit=fagaiju, display_name="发改专家"),
        "outsider": make_user(role="expert", display_name="高校专家"),
    }


def test_the_office_cannot_assign_an_expert_to_their_own_units_proposals_by_hand(client, fagaiju_round):
    office, insider = fagaiju_round["office"], fagaiju_round["insider"]
    own, cooperating, free = fagaiju_round["proposals"]
    client.login(office)
    for proposal in (own, cooperating):
        response = client.post(
            f"/rounds/{fagaiju_round['round'].id}/assignments",
            data={"proposal_id": proposal.id, "expert_id": insider.id},
            follow_redirects=True,
        )
        assert "存在利益冲突" in response.get_data(as_text=True)
    assert db.session.scalar(select(Assignment)) is None
    assignments.assign_expert(actor=office, expert=insider, proposal=free)


def test_the_automatic_assignment_never_pairs_an_expert_with_their_own_units_proposals(client, fagaiju_round):
    round, insider, outsider = fagaiju_round["round"], fagaiju_round["insider"], fagaiju_round["outsider"]
    own, cooperating, free = fagaiju_round["proposals"]
    client.login(fagaiju_round["office"])
    page = client.get(f"/rounds/{round.id}/assignments/auto?k=2").get_data(as_text=True)
    pairs = set(re.findall(r'name="pair" value="([\d:]+)"', page))
    assert pairs == {f"{own.id}:{outsider.id}", f"{cooperating.id}:{outsider.id}"} | {
        f"{free.id}:{insider.id}",
        f"{free.id}:{outsider.id}",
    }
    with pytest.raises(ReviewError, match="conflict_of_interest"):  # nor a hand-made pair slipped in
        assignments.apply_assignments(actor=fagaiju_round["office"], round=round, pairs=[(own.id, insider.id)])


def test_a_spreadsheet_naming_an_expert_for_their_own_units_proposal_is_refused_whole(fagaiju_round):
    own, _cooperating, free = fagaiju_round["proposals"]
    data = f"\ufeff项目编号,项目名称,评审专家\n{free.id},,发改专家\n{own.id},,发改专家\n".encode()
    with pytest.raises(RowsRejected) as refused:
        assignments.import_assignments(
            actor=fagaiju_round["office"], round=fagaiju_round["round"], filename="a.csv", data=data
        )
    assert [line for line, _column, _message in refused.value.problems] == [3]
    assert db.session.scalar(select(Assignment)) is None


def test_an_expert_whose_unit_joins_a_proposal_after_assignment_can_no_longer_review_it(app, client):
    """Assigned to a proposal returned for revision, to which the unit then adds the expert's unit as cooperating."""
    office = make_user(role="office")
    round = make_open_round()
    criterion = make_criterion(round=round)
    staff = make_user(role="unit_staff")
    proposal = make_proposal(round=round, author=staff, submit=True)
    expert = make_user(role="expert", unit=make_unit(name="区发改局"))
    assignment = assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    assignments.publish_assignments(actor=office, round=round)
    client.login(expert)
    assert client.get(f"/reviews/{assignment.id}").status_code == 200
    transition_round(actor=office, round=round, target=RoundStatus.soliciting)  # reopened: the unit revises

    proposal_services.return_proposal(actor=office, proposal=proposal, reason="请补充合作单位")
    proposal_services.update_proposal(
        actor=staff, proposal=proposal, fields=proposal_fields(round), cooperating_unit_ids=[expert.unit_id]
    )
    proposal_services.submit_proposal(actor=staff, proposal=proposal)
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)

    assert client.get(f"/reviews/{assignment.id}").status_code == 403
    assert proposal.title not in client.get("/reviews").get_data(as_text=True)
    assert queries.is_conflicted(expert.id, proposal.id)
    with pytest.raises(ReviewError, match="not_your_assignment"):
        reviews.save_review(
            actor=expert,
            assignment=db.session.get(Assignment, assignment.id),
            scores={criterion.id: (8, "")},
            comment="",
            recommendation=Recommendation.recommend,
            familiarity=None,
        )


def test_detect_shows_the_unit_conflicts_on_the_board_and_the_office_cannot_dismiss_them(client, fagaiju_round):
    round, insider = fagaiju_round["round"], fagaiju_round["insider"]
    client.login(fagaiju_round["office"])
    client.post(f"/rounds/{round.id}/conflicts/detect")
    found = db.session.scalars(select(Conflict).order_by(Conflict.id)).all()
    assert [(c.expert_id, c.proposal.title, c.status) for c in found] == [
        (insider.id, "发改项目", ConflictStatus.confirmed),
        (insider.id, "财政项目", ConflictStatus.confirmed),
    ]
    response = client.post(f"/conflicts/{found[0].id}/decide", data={"confirm": "0"}, follow_redirects=True)
    assert "不能排除" in response.get_data(as_text=True)
    assert db.session.get(Conflict, found[0].id).status is ConflictStatus.confirmed
