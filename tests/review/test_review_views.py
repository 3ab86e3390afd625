"""The review pages: the office assigns and publishes, the expert reviews, the office reads the ranking."""

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from extensions import db
from review.models import Assignment, Conflict, ReviewStatus
from review.services import assignments
from solicitation.models import RoundStatus
from solicitation.services.rounds import transition_round
from tests.factories import make_criterion, make_open_round, make_proposal, make_user


def reviewing_round(office):
    round = make_open_round()
    criterion = make_criterion(round=round, name="问题导向", max_score=10)
    proposal = make_proposal(round=round, submit=True, title="推进网格管理标准化")
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    return round, criterion, proposal


def test_the_office_assigns_and_publishes_and_the_expert_reviews_and_the_ranking_shows_it(app, client, login_as):
    office = login_as("office")
    round, criterion, proposal = reviewing_round(office)
    expert = make_user(role="expert", display_name="刘教授")
    page = client.get(f"/rounds/{round.id}/assignments").get_data(as_text=True)
    assert "推进网格管理标准化" in page and "刘教授" in page
    client.post(f"/rounds/{round.id}/assignments", data={"proposal_id": proposal.id, "expert_id": expert.id})
    assignment = db.session.scalar(select(Assignment))
    assert assignment.expert_id == expert.id and not assignment.published

    expert_client = app.test_client()
    expert_client.login(expert)
    assert "推进网格管理标准化" not in expert_client.get("/reviews").get_data(as_text=True)
    client.post(f"/rounds/{round.id}/assignments/publish")
    assert "推进网格管理标准化" in expert_client.get("/reviews").get_data(as_text=True)

    form = {
        f"score_{criterion.id}": "8",
        f"note_{criterion.id}": "问题清楚",
        "comment": "建议推荐",
        "recommendation": "recommend",
        "familiarity": "high",
    }
    response = expert_client.post(
        f"/reviews/{assignment.id}", data={**form, f"score_{criterion.id}": "", "action": "submit"}
    )
    assert response.status_code == 400 and "请先为每项指标打分" in response.get_data(as_text=True)
    assert 'value="问题清楚"' in response.get_data(as_text=True)
    expert_client.post(f"/reviews/{assignment.id}", data={**form, "action": "submit"})
    assert db.session.get(Assignment, assignment.id).review.status is ReviewStatus.submitted
    page = expert_client.get(f"/reviews/{assignment.id}").get_data(as_text=True)
    assert "锁定" in page and 'name="action"' not in page

    page = client.get(f"/rounds/{round.id}/ranking").get_data(as_text=True)
    assert "推进网格管理标准化" in page and "80.0" in page
    rows = list(
        load_workbook(io.BytesIO(client.get(f"/rounds/{round.id}/ranking?export=xlsx").data)).active.iter_rows(
            values_only=True
        )
    )
    exported = dict(zip(rows[2], rows[3], strict=True))  # below the title and the date
    assert exported["项目名称"] == "推进网格管理标准化" and exported["平均分"] == 80.0


def test_an_expert_cannot_open_someone_elses_assignment(app, client, login_as):
    office = make_user(role="office")
    round, _criterion, proposal = reviewing_round(office)
    assignment = assignments.assign_expert(actor=office, expert=make_user(role="expert"), proposal=proposal)
    assignments.publish_assignments(actor=office, round=round)
    login_as("expert")
    assert client.get(f"/reviews/{assignment.id}").status_code == 403


def test_the_expert_abstains_from_the_review_page(client, login_as):
    office = make_user(role="office")
    expert = login_as("expert")
    round, _criterion, proposal = reviewing_round(office)
    assignment = assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
    assignments.publish_assignments(actor=office, round=round)
    assignment_id = assignment.id
    client.post(f"/reviews/{assignment_id}/abstain", data={"reason": "曾参与前期论证"})
    assert db.session.get(Assignment, assignment_id) is None
    assert db.session.scalar(select(Conflict)).reason == "曾参与前期论证"


def test_a_conflicted_expert_cannot_be_assigned_from_the_board(client, login_as):
    office = login_as("office")
    round, _criterion, proposal = reviewing_round(office)
    insider = make_user(role="expert", unit=proposal.unit)
    client.post(f"/rounds/{round.id}/conflicts/detect")
    response = client.post(
        f"/rounds/{round.id}/assignments",
        data={"proposal_id": proposal.id, "expert_id": insider.id},
        follow_redirects=True,
    )
    assert "存在利益冲突" in response.get_data(as_text=True)
    assert db.session.scalar(select(Assignment)) is None


def test_the_office_previews_and_applies_an_automatic_assignment(client, login_as):
    office = login_as("office")
    round = make_open_round()
    make_criterion(round=round)
    first = make_proposal(round=round, submit=True, title="第一项")
    second = make_proposal(round=round, submit=True, title="第二项")
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    experts = [make_user(role="expert") for _ in range(3)]
    insider = make_user(role="expert", unit=first.unit)
    client.post(f"/rounds/{round.id}/conflicts/detect")
    page = client.get(f"/rounds/{round.id}/assignments/auto?k=4").get_data(as_text=True)
    assert "第一项" in page and db.session.scalar(select(Assignment)) is None  # a preview changes nothing
    pairs = re.findall(r'name="pair" value="([\d:]+)"', page)
    assert len(pairs) == 7  # 4 for the second, 3 for the first: its insider is barred
    assert "第一项" in page.split("alert-error")[1]  # reported short
    client.post(f"/rounds/{round.id}/assignments/auto", data={"pair": pairs})
    made = db.session.scalars(select(Assignment)).all()
    assert len(made) == 7 and insider.id not in {a.expert_id for a in made if a.proposal_id == first.id}
    assert {a.expert_id for a in made if a.proposal_id == second.id} == {e.id for e in [*experts, insider]}


def test_the_ranking_shows_the_calibrated_rank_and_the_harsh_expert(client, login_as):
    from demo.cli import load_demo

    login_as("office")
    history, _next_round = load_demo()
    page = client.get(f"/rounds/{history.id}/ranking?sort=calibrated").get_data(as_text=True)
    harshest = page.split('id="biases"')[1].split("<td>")[1].split("</td>")[0]
    assert "王教授" in harshest  # the demo's harsh expert has the lowest estimated bias
    assert 'value="trimmed"' not in page
    client.post(f"/rounds/{history.id}/review-settings", data={"reviewers_per_proposal": "3", "trim_extremes": "y"})
    assert 'value="trimmed"' in client.get(f"/rounds/{history.id}/ranking").get_data(as_text=True)


def test_the_office_reads_every_review_of_a_proposal_and_reopens_one(client, login_as):
    office = login_as("office")
    round, criterion, proposal = reviewing_round(office)
    expert = make_user(role="expert", display_name="孙研究员")
    assignment = assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
    assignments.publish_assignments(actor=office, round=round)
    from review.models import Recommendation
    from review.services import reviews

    reviews.save_review(
        actor=expert,
        assignment=assignment,
        scores={criterion.id: (7, "可行")},
        comment="建议推荐",
        recommendation=Recommendation.recommend,
        familiarity=None,
    )
    reviews.submit_review(actor=expert, assignment=assignment)
    page = client.get(f"/proposals/{proposal.id}/reviews").get_data(as_text=True)
    assert "孙研究员" in page and "7 / 10" in page and "可行" in page and "建议推荐" in page
    client.post(f"/reviews/{assignment.review.id}/reopen")
    assert db.session.get(Assignment, assignment.id).review.status is ReviewStatus.draft


def test_a_blind_round_hides_the_proposing_unit_from_the_expert(app, client, login_as):
    office = make_user(role="office")
    expert = login_as("expert")
    round, _criterion, proposal = reviewing_round(office)
    unit_name = proposal.unit.name
    assignment = assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
    assignments.publish_assignments(actor=office, round=round)
    assert unit_name in client.get(f"/reviews/{assignment.id}").get_data(as_text=True)
    assignments.save_review_settings(
        actor=office, round=round, reviewers_per_proposal=3, trim_extremes=False, blind=True
    )
    for page in (client.get(f"/reviews/{assignment.id}"), client.get("/reviews")):
        text = page.get_data(as_text=True)
        assert unit_name not in text and "推进网格管理标准化" in text


def test_field_visits_by_an_assigned_expert_and_the_office_but_nobody_else(app, client, login_as):
    office = make_user(role="office")
    expert = login_as("expert")
    round, _criterion, proposal = reviewing_round(office)
    assignment = assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
    assignments.publish_assignments(actor=office, round=round)
    visit = {
        "visited_on": "2026-01-10",
        "place": "平湖街道网格中心",
        "people_met": "街道网格办",
        "findings": "事件分拨流程已试运行",
    }
    response = client.post(f"/proposals/{proposal.id}/field-visits", data=visit)
    assert response.headers["Location"].startswith(f"/reviews/{assignment.id}")
    assert "事件分拨流程已试运行" in client.get(f"/reviews/{assignment.id}").get_data(as_text=True)
    stranger = app.test_client()
    stranger.login(make_user(role="expert"))
    assert stranger.post(f"/proposals/{proposal.id}/field-visits", data=visit).status_code == 403
    from review.queries import field_visits
    from review.ranking import rank_round

    assert len(field_visits(proposal.id)) == 1
    assert rank_round(round.id).rows[0].field_visits == 1
    tomorrow = {**visit, "visited_on": "2999-01-01"}
    office_client = app.test_client()
    office_client.login(office)
    office_client.post(f"/proposals/{proposal.id}/field-visits", data=tomorrow)
    assert len(field_visits(proposal.id)) == 1


def test_a_field_visit_keeps_its_files_for_those_who_may_see_it(app, client, login_as):
    office = login_as("office")
    round, _criterion, proposal = reviewing_round(office)
    pdf = "%PDF-1.4\n调研纪要\n%%EOF\n".encode()
    visit = {"visited_on": "2026-01-10", "place": "平湖街道", "findings": "已试运行"}
    response = client.post(
        f"/proposals/{proposal.id}/field-visits",
        data=visit | {"file": [(io.BytesIO(pdf), "调研纪要.pdf"), (io.BytesIO(b"MZ\x90\x00"), "照片.pdf")]},
    )
    # A file that is not what it says refuses the whole visit, and the form keeps what was typed.
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "平湖街道" in page and "已试运行" in page
    from review.queries import field_visits

    assert field_visits(proposal.id) == []
    response = client.post(
        f"/proposals/{proposal.id}/field-visits", data=visit | {"file": [(io.BytesIO(pdf), "调研纪要.pdf")]}
    )
    assert response.status_code == 302
    [recorded] = field_visits(proposal.id)
    [attached] = recorded.attachments
    page = client.get(f"/proposals/{proposal.id}/reviews").get_data(as_text=True)
    link = f"/field-visits/{recorded.id}/files/{attached.id}"
    assert "调研纪要.pdf" in page and link in page
    assert client.get(link).data == pdf
    expert = make_user(role="expert")
    assignment = assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
    assignments.publish_assignments(actor=office, round=round)
    client.login(expert)
    assert client.get(link).data == pdf and link in client.get(f"/reviews/{assignment.id}").get_data(as_text=True)
    client.login(make_user(role="expert"))
    assert client.get(link).status_code == 403
    client.login(make_user(role="unit_staff", unit=proposal.unit))
    assert client.get(link).status_code == 403


def test_saving_an_expert_profile_goes_back_to_the_page_it_came_from_and_never_to_another_site(client, login_as):
    login_as("office")
    expert = make_user(role="expert")
    profile = {"institution": "深圳大学", "expertise": "城市建设", "max_load": "5"}
    response = client.post(f"/experts/{expert.id}/profile?back=/rounds/1/assignments", data=profile)
    assert response.headers["Location"] == "/rounds/1/assignments"
    for elsewhere in ("https://evil.example/", "//evil.example/"):
        response = client.post(f"/experts/{expert.id}/profile?back={elsewhere}", data=profile)
        assert response.headers["Location"] == "/"
