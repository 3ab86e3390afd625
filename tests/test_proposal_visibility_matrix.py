"""Who sees a proposal: every role × every state of a proposal, on every surface that shows one.

The rule (solicitation.queries.proposal_visible_to): the proposing unit always; the office from the first
submission on, and a draft only if the office started it; an expert what review assigns them, published, with no
conflict; nobody else. Each surface must agree with the table below: the proposal's page, the list of the round's
proposals, the search audience, the office's review page and audit log, and the expert's queue and review page.
The tests share one world, built once (as tests/test_authorization_matrix.py does).
"""

import pytest
from sqlalchemy import select

from accounts import queries as accounts_queries
from accounts.models import User
from extensions import db
from review.models import Assignment, Decision, ReviewStage
from review.services import assignments, screening, stages
from search_index.documents import audiences_of, documents
from solicitation.models import Proposal, RoundStatus
from solicitation.permissions import can_view_proposal
from solicitation.queries import visible_proposals
from solicitation.services import proposals as proposal_services
from solicitation.services import suggestions
from solicitation.services.rounds import transition_round
from tests.factories import (
    make_criterion,
    make_open_round,
    make_proposal,
    make_suggestion,
    make_unit,
    make_user,
    proposal_fields,
)

# unit_a: staff of the proposing unit; unit_b: staff of another; exp_in: the expert assigned (published) to every
# proposal that reached review; exp_out: an expert assigned to none; exp_unit: an expert of the proposing unit,
# with an assignment made before the rule (as the platform once allowed) to the submitted one; leader; office.
# see: the page opens, the list and the search show it (for the office, its review page and audit log too);
# review: the expert's queue lists it and their review page opens; -: nothing shows it.
TABLE = """
                 unit_a  unit_b  exp_in  exp_out exp_unit leader  office
draft            see     -       -       -       -        -       -
withdrawn_draft  see     -       -       -       -        -       -
office_draft     see     -       -       -       -        -       see
submitted        see     -       review  -       -        -       see
returned         see     -       review  -       -        -       see
resubmitted      see     -       review  -       -        -       see
withdrawn        see     -       -       -       -        -       see
selected         see     -       review  -       -        -       see
"""
HEADER, *LINES = [line.split() for line in TABLE.strip().splitlines()]
ROLES = HEADER
EXPECTED = {state: dict(zip(ROLES, answers, strict=True)) for state, *answers in LINES}
UNITS_OWN = [state for state in EXPECTED if state != "office_draft"]

pytestmark = pytest.mark.shared_world


def title(state: str) -> str:
    return f"【{state}】推进改革"


def build_world() -> dict:
    """A round in the office's decision, with a proposal of unit A in each state; the ids of everything."""
    office, leader = make_user(role="office"), make_user(role="leader")
    unit_a, unit_b = make_unit(name="甲单位"), make_unit(name="乙单位")
    staff_a, staff_b = make_user(role="unit_staff", unit=unit_a), make_user(role="unit_staff", unit=unit_b)
    exp_in, exp_out = make_user(role="expert"), make_user(role="expert")
    exp_unit = make_user(role="expert", unit=unit_a)
    round = make_open_round(actor=office)
    make_criterion(round=round, actor=office)

    made = {state: make_proposal(round=round, author=staff_a, title=title(state)) for state in UNITS_OWN}
    # The office starts this one from a resident's suggestion, for unit A.
    suggestion = make_suggestion(round=round, title=title("office_draft"))
    suggestion = suggestions.accept_suggestion(actor=office, suggestion=suggestion)
    made["office_draft"] = proposal_services.draft_from_suggestion(actor=office, suggestion=suggestion, unit=unit_a)

    reviewed = ["submitted", "returned", "resubmitted", "withdrawn", "selected"]
    for state in reviewed:
        proposal_services.submit_proposal(actor=staff_a, proposal=made[state])
        assignments.assign_expert(actor=office, expert=exp_in, proposal=made[state])
    db.session.add(Assignment(expert=exp_unit, proposal=made["submitted"], assigned_by_id=office.id))
    db.session.commit()
    for state in ("returned", "resubmitted"):
        proposal_services.return_proposal(actor=office, proposal=made[state], reason="请补充改革目标")
        fields = proposal_fields(round, title=title(state), goals="修改后的目标")
        proposal_services.update_proposal(actor=staff_a, proposal=made[state], fields=fields)
    proposal_services.submit_proposal(actor=staff_a, proposal=made["resubmitted"])
    for state in ("withdrawn", "withdrawn_draft"):
        proposal_services.withdraw_proposal(actor=staff_a, proposal=made[state])

    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    assignments.publish_assignments(actor=office, round=round)
    for stage in (ReviewStage.discussion, ReviewStage.decision):
        stages.move_stage(actor=office, round=round, stage=stage)
    screening.decide_proposal(actor=office, proposal=made["selected"], decision=Decision.selected)
    screening.publish_decisions(actor=office, round=round)
    users = {
        "unit_a": staff_a,
        "unit_b": staff_b,
        "exp_in": exp_in,
        "exp_out": exp_out,
        "exp_unit": exp_unit,
        "leader": leader,
        "office": office,
    }
    return {
        "round_id": round.id,
        "users": {role: user.id for role, user in users.items()},
        "proposals": {state: proposal.id for state, proposal in made.items()},
    }


def test_the_table_covers_every_state_a_proposal_takes(world):
    statuses = {db.session.get(Proposal, proposal_id).status.value for proposal_id in world["proposals"].values()}
    assert statuses == {"draft", "submitted", "returned", "resubmitted", "withdrawn"}


@pytest.mark.parametrize("role", ROLES)
def test_the_rule_the_page_and_the_search_audience_agree_with_the_table(app, world, role):
    user = db.session.get(User, world["users"][role])
    client = app.test_client()
    client.login(user)
    found = set(db.session.scalars(visible_proposals(user).with_only_columns(Proposal.id)))
    wrong = []
    for state, proposal_id in world["proposals"].items():
        sees = EXPECTED[state][role] == "see"
        proposal = db.session.get(Proposal, proposal_id)
        [document] = documents("proposal", [proposal_id])  # a proposal has no public document
        audiences = document.audiences
        answers = {
            "the predicate": can_view_proposal(user, proposal),
            "the rule's select": proposal_id in found,
            "the page": client.get(f"/proposals/{proposal_id}").status_code == 200,
            "the search audience": bool(set(audiences) & set(audiences_of(user))),
        }
        wrong += [f"{state}: {surface} says {got}" for surface, got in answers.items() if got != sees]
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_the_list_of_the_rounds_proposals_agrees_with_the_table(app, world, role):
    client = app.test_client()
    client.login(db.session.get(User, world["users"][role]))
    response = client.get(f"/rounds/{world['round_id']}/proposals")
    page = response.get_data(as_text=True) if response.status_code == 200 else ""
    wrong = [
        f"{state}: listed {title(state) in page}"
        for state in EXPECTED
        if (title(state) in page) != (EXPECTED[state][role] == "see")
    ]
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_the_review_pages_agree_with_the_table(app, world, role):
    """The office's page of a proposal's reviews; the expert's queue and review page."""
    user = db.session.get(User, world["users"][role])
    client = app.test_client()
    client.login(user)
    queue = client.get("/reviews")
    queue = queue.get_data(as_text=True) if queue.status_code == 200 else ""
    wrong = []
    for state, proposal_id in world["proposals"].items():
        expected = EXPECTED[state][role]
        office_page = client.get(f"/proposals/{proposal_id}/reviews").status_code == 200
        if office_page != (role == "office" and expected == "see"):
            wrong.append(f"{state}: the office's review page opens: {office_page}")
        if (title(state) in queue) != (expected == "review"):
            wrong.append(f"{state}: in the expert's queue: {title(state) in queue}")
        mine = select(Assignment.id).where(Assignment.expert_id == user.id, Assignment.proposal_id == proposal_id)
        for assignment_id in db.session.scalars(mine):
            opens = client.get(f"/reviews/{assignment_id}").status_code == 200
            if opens != (expected == "review"):
                wrong.append(f"{state}: the review page opens: {opens}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_the_office_reads_the_audit_events_of_the_proposals_it_sees_only(app, world):
    office = db.session.get(User, world["users"]["office"])
    client = app.test_client()
    client.login(office)
    wrong = []
    for state, proposal_id in world["proposals"].items():
        sees = EXPECTED[state]["office"] == "see"
        events = accounts_queries.audit_events(office, object_type="Proposal", object_id=proposal_id)
        page = client.get("/audit", query_string={"object_type": "Proposal", "object_id": proposal_id})
        if bool(db.session.scalars(events).all()) != sees or (title(state) in page.get_data(as_text=True)) != sees:
            wrong.append(f"{state}: shown to the office")
    export = client.get("/audit", query_string={"export": "csv"}).get_data(as_text=True)
    for state, expected in EXPECTED.items():
        if (title(state) in export) != (expected["office"] == "see"):
            wrong.append(f"{state}: in the export")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_a_returned_proposals_unsent_revision_is_read_by_its_unit_alone(app, world, role):
    """Each who sees the returned proposal reads it as it was returned; only its unit reads the revision (the
    goals it rewrote), which everyone who sees it reads once it is resubmitted."""
    client = app.test_client()
    client.login(db.session.get(User, world["users"][role]))
    wrong = []
    for state, revised_shown in (("returned", role == "unit_a"), ("resubmitted", True)):
        response = client.get(f"/proposals/{world['proposals'][state]}")
        if response.status_code != 200:
            continue
        if ("修改后的目标" in response.get_data(as_text=True)) != revised_shown:
            wrong.append(f"{state}: the revised goals shown: {not revised_shown}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
