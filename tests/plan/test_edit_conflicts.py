"""Two saves of the same key project, or two moves of the same plan, from pages opened at the same time: the
second is refused with what was typed kept and the first's changes listed, until it is sent again."""

from extensions import db
from plan.models import KeyProject, PlanStatus
from plan.services import plans as services
from tests.conftest import CONFLICT
from tests.factories import make_user
from tests.plan.conftest import lead_everything


def test_the_same_office_user_saving_a_key_project_from_two_tabs_is_told_the_first_saved(client, planning):
    office = planning["office"]
    client.login(office)
    project = services.create_plan(actor=office, round=planning["round"]).projects[0]
    url = f"/key-projects/{project.id}/edit"
    first_tab, second_tab = client.form_version(url), client.form_version(url)
    form = {"title": project.title, "lead_leader": "高自民", "lead_unit_id": project.lead_unit_id}

    saved = client.post(url, data=form | {"milestone_1": "完成方案制定", "lock_version": first_tab})
    refused = client.post(url, data=form | {"problem": "第二个标签页写的问题", "lock_version": second_tab})

    page = refused.get_data(as_text=True)
    assert saved.status_code == 302 and refused.status_code == 409
    assert CONFLICT in page and "第二个标签页写的问题" in page
    assert "完成方案制定" in page  # the first tab's milestone, listed as a change
    project = db.session.get(KeyProject, project.id)
    assert [m.target for m in project.milestones] == ["完成方案制定"] and project.problem != "第二个标签页写的问题"

    merged = form | {"milestone_1": "完成方案制定", "problem": "第二个标签页写的问题"}
    assert client.post(url, data=merged | {"lock_version": client.form_version(refused)}).status_code == 302
    assert project.problem == "第二个标签页写的问题" and [m.target for m in project.milestones] == ["完成方案制定"]


def test_an_approval_sent_from_a_page_opened_before_the_plan_went_back_to_draft_is_refused(
    client, other_client, planning
):
    office = planning["office"]
    plan = services.create_plan(actor=office, round=planning["round"])
    lead_everything(plan, office)
    services.transition_plan(actor=office, plan=plan, target=PlanStatus.submitted_for_review)
    colleague = make_user(role="office", display_name="陈主任")
    client.login(colleague)
    other_client.login(office)
    url = f"/rounds/{plan.round_id}/plan"
    opened = other_client.form_version(url)  # the approval form of a plan submitted for approval

    # Meanwhile a colleague sends it back to draft and submits it again (its text may have changed).
    for target in ("draft", "submitted_for_review"):
        moved = client.post(f"/plans/{plan.id}/transition", data={"target": target, "lock_version": plan.lock_version})
        assert moved.status_code == 302
    approval = {"target": "approved", "meeting": "第十三次会议", "approved_on": "2017-03-01"}
    refused = other_client.post(f"/plans/{plan.id}/transition", data=approval | {"lock_version": opened})

    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert CONFLICT in page and 'value="第十三次会议"' in page and "陈主任" in page
    assert plan.status is PlanStatus.submitted_for_review and plan.meeting == ""

    new_version = other_client.form_version(refused)
    again = other_client.post(f"/plans/{plan.id}/transition", data=approval | {"lock_version": new_version})
    assert again.status_code == 302
    assert plan.status is PlanStatus.approved and plan.meeting == "第十三次会议"
