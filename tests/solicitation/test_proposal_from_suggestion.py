"""A promising suggestion turned into a proposal, by the office or by the unit it was referred to, linked both ways."""

from datetime import timedelta

import pytest

from core import clock
from extensions import db
from solicitation.errors import SolicitationError
from solicitation.models import ProposalStatus, RoundStatus
from solicitation.services import proposals, suggestions
from solicitation.services.rounds import transition_round
from tests.factories import make_open_round, make_suggestion, make_unit, make_user


@pytest.fixture
def taken_up():
    office = make_user(role="office")
    round = make_open_round(categories=("民生事业",))
    unit = make_unit(name="区卫健局")
    suggestion = make_suggestion(
        round=round, title="推广家庭医生签约服务", content="社区老人看病难，建议推广家庭医生。"
    )
    suggestion.category_id = round.categories[0].id
    db.session.commit()
    suggestions.accept_suggestion(actor=office, suggestion=suggestion)
    return {"office": office, "round": round, "unit": unit, "suggestion": suggestion}


def test_the_office_drafts_a_proposal_for_a_unit_linked_both_ways(taken_up):
    office, suggestion, unit = taken_up["office"], taken_up["suggestion"], taken_up["unit"]
    proposal = proposals.draft_from_suggestion(actor=office, suggestion=suggestion, unit=unit)
    assert (proposal.unit, proposal.status, proposal.title) == (unit, ProposalStatus.draft, "推广家庭医生签约服务")
    assert proposal.background == "社区老人看病难，建议推广家庭医生。"
    assert proposal.category_id == suggestion.category_id
    assert proposal.source_suggestion == suggestion and suggestion.proposals == [proposal]
    # The unit completes and submits it like any proposal; it then goes to review.
    staff = make_user(role="unit_staff", unit=unit)
    fields = {"title": proposal.title, "category_id": proposal.category_id, "background": proposal.background}
    proposals.update_proposal(actor=staff, proposal=proposal, fields=fields | {"content": "签约", "goals": "覆盖全区"})
    proposals.submit_proposal(actor=staff, proposal=proposal)
    assert proposal.status is ProposalStatus.submitted


def test_the_office_must_choose_a_unit_unless_the_suggestion_was_referred(taken_up):
    office, suggestion, unit = taken_up["office"], taken_up["suggestion"], taken_up["unit"]
    with pytest.raises(SolicitationError, match="unit_required"):
        proposals.draft_from_suggestion(actor=office, suggestion=suggestion)
    suggestions.refer_suggestion(actor=office, suggestion=suggestion, unit=unit)
    assert proposals.draft_from_suggestion(actor=office, suggestion=suggestion).unit == unit


def test_the_referred_unit_drafts_for_itself_and_no_other_unit_can(taken_up):
    office, suggestion, unit = taken_up["office"], taken_up["suggestion"], taken_up["unit"]
    outsider = make_user(role="unit_staff", unit=make_unit(name="区教育局"))
    suggestions.refer_suggestion(actor=office, suggestion=suggestion, unit=unit)
    with pytest.raises(SolicitationError, match="not_referred_to_you"):
        proposals.draft_from_suggestion(actor=outsider, suggestion=suggestion, unit=outsider.unit)
    staff = make_user(role="unit_staff", unit=unit)
    proposal = proposals.draft_from_suggestion(actor=staff, suggestion=suggestion, unit=outsider.unit)
    assert proposal.unit == unit  # a unit drafts for itself whatever it asks


def test_a_suggestion_not_taken_up_or_a_closed_window_is_refused(taken_up):
    office, round, unit = taken_up["office"], taken_up["round"], taken_up["unit"]
    received = make_suggestion(round=round)
    with pytest.raises(SolicitationError, match="suggestion_not_taken_up"):
        proposals.draft_from_suggestion(actor=office, suggestion=received, unit=unit)
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    with pytest.raises(SolicitationError, match="unit_window_closed"):
        proposals.draft_from_suggestion(actor=office, suggestion=taken_up["suggestion"], unit=unit)
    proposals.grant_late_submission(actor=office, round=round, unit=unit, until=clock.today() + timedelta(days=7))
    assert proposals.draft_from_suggestion(actor=office, suggestion=taken_up["suggestion"], unit=unit).unit == unit


def test_from_the_suggestions_page_to_the_proposal_and_back(client, taken_up):
    office, suggestion, unit = taken_up["office"], taken_up["suggestion"], taken_up["unit"]
    client.login(office)
    page = client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "转为改革项目申报" in page
    refused = client.post(f"/suggestions/{suggestion.id}/draft-proposal", data={"unit_id": ""})
    assert refused.status_code == 400 and "请选择申报单位" in refused.get_data(as_text=True)
    response = client.post(f"/suggestions/{suggestion.id}/draft-proposal", data={"unit_id": str(unit.id)})
    assert response.status_code == 302
    proposal_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "推广家庭医生签约服务" in proposal_page and f"/suggestions/{suggestion.id}" in proposal_page
    back = client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "由此建议起草" in back and "区卫健局" in back
    # Another unit's staff cannot draft from it.
    client.login(make_user(role="unit_staff", unit=make_unit(name="区教育局")))
    assert client.post(f"/suggestions/{suggestion.id}/draft-proposal").status_code == 403
