"""A round of tasks handed down (无征集): made and approved without empty solicitation and review phases."""

from datetime import date

import pytest
from sqlalchemy import select

from extensions import db
from plan.services import key_projects
from plan.services import plans as plan_services
from solicitation.errors import SolicitationError
from solicitation.models import Round, RoundStatus
from solicitation.services.rounds import create_round, transition_round
from tests.factories import make_unit, make_user


def test_a_round_without_solicitation_starts_drafting_its_plans_and_never_solicits():
    office = make_user(role="office")
    round = create_round(
        actor=office,
        year=2093,
        title="2023年区委深改委工作要点",
        solicitation_opens=None,
        solicitation_closes=None,
        review_deadline=None,
        plan_date=date(2093, 7, 1),
        solicits=False,
    )
    assert round.status is RoundStatus.planning
    assert (round.solicitation_opens, round.review_deadline) == (date(2093, 7, 1), date(2093, 7, 1))
    assert round.transition_refusal(RoundStatus.reviewing) == "round_without_solicitation"
    with pytest.raises(SolicitationError, match="round_without_solicitation"):
        transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    plan = plan_services.create_plan(actor=office, round=round, title="区委全面深化改革委员会2023年工作要点")
    key_projects.add_key_project(
        actor=office, plan=plan, fields={"title": "耕地保护“田长制”", "lead_leader": "", "lead_unit_id": make_unit().id}
    )
    assert [p.title for p in plan.projects] == ["耕地保护“田长制”"]
    assert (
        transition_round(actor=office, round=round, target=RoundStatus.implementing).status is RoundStatus.implementing
    )


def test_a_soliciting_round_still_needs_its_solicitation_dates():
    with pytest.raises(SolicitationError, match="field_required"):
        create_round(
            actor=None,
            year=2094,
            title="2094年改革计划",
            solicitation_opens=None,
            solicitation_closes=None,
            review_deadline=None,
            plan_date=date(2094, 3, 1),
        )


def test_the_office_makes_a_round_of_tasks_handed_down_from_the_round_form(client, login_as):
    login_as("office")
    form = {"year": "2095", "title": "2095年工作要点", "plan_date": "2095-07-01"}
    refused = client.post("/rounds/new", data=form)
    assert refused.status_code == 400 and "2095年工作要点" in refused.get_data(as_text=True)  # kept as typed
    assert db.session.scalar(select(Round).where(Round.year == 2095)) is None
    response = client.post("/rounds/new", data={**form, "plan_only": "y"})
    assert response.status_code == 302
    round = db.session.scalar(select(Round).where(Round.year == 2095))
    assert (round.status, round.solicits) == (RoundStatus.planning, False)
    page = client.get(f"/rounds/{round.id}").get_data(as_text=True)
    assert f"/rounds/{round.id}/transition?target=reviewing" not in page  # never offered
    plan_page = client.get(f"/rounds/{round.id}/plan").get_data(as_text=True)
    assert 'name="from_selection"' not in plan_page  # nothing selected to take
