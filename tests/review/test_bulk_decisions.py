"""Deciding a selection of proposals at once from the ranking: one rule a record, each audited, refusals reported."""

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent
from extensions import db
from review.errors import ReviewError
from review.models import Decision, ReviewStage, Screening
from review.queries import criteria_of, review_settings, screenings
from review.ranking import rank_round, rest_below_cut
from review.services import screening, stages
from tests.factories import make_open_round, make_proposal, make_user


@pytest.fixture
def history():
    """The demo's 2017 round in the office's decision stage: 20 proposals reviewed, 14 shortlisted."""
    from demo.cli import load_demo

    round, _next = load_demo(through_plan=False)
    stages.move_stage(actor=make_user(role="office"), round=round, stage=ReviewStage.decision)
    return round


def ranked(round):
    return [row.proposal for row in rank_round(round.id).rows]


def decisions(round) -> dict[int, Decision]:
    return {pid: s.decision for pid, s in screenings(round.id).items() if s.decision}


def audited(action: str, actor=None) -> list[int]:
    """The records audited with `action` (by `actor`, when given)."""
    query = select(AuditEvent.object_id).where(AuditEvent.action == action)
    if actor is not None:
        query = query.where(AuditEvent.actor_id == actor.id)
    return list(db.session.scalars(query))


def test_office_can_decide_a_selection_with_one_reason_each_audited_on_its_own(history):
    office = make_user(role="office")
    chosen = ranked(history)[12:16]
    outcome = screening.decide_proposals(
        actor=office, round=history, proposals=chosen, decision=Decision.not_selected, reason="与现有改革任务重复"
    )
    assert outcome.done == chosen and outcome.refused == []
    assert decisions(history) == {p.id: Decision.not_selected for p in chosen}
    assert {screenings(history.id)[p.id].reason for p in chosen} == {"与现有改革任务重复"}
    assert sorted(audited("screening.decide")) == sorted(p.id for p in chosen)


def test_a_selection_decision_skips_and_reports_what_the_rule_refuses(history):
    office = make_user(role="office")
    proposals = ranked(history)
    target = proposals[0]
    elsewhere = make_proposal(round=make_open_round(), submit=True)
    outcome = screening.decide_proposals(
        actor=office,
        round=history,
        proposals=[target, proposals[5], elsewhere],
        decision=Decision.merged,
        reason="内容相近，合并推进",
        merged_into=target,
    )
    assert outcome.done == [proposals[5]]
    assert [(p, error.code) for p, error in outcome.refused] == [
        (target, "merge_into_self"),
        (elsewhere, "not_under_review_in_round"),
    ]
    assert decisions(history) == {proposals[5].id: Decision.merged}
    assert screenings(history.id)[proposals[5].id].merged_into_id == target.id


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"proposals": []}, "nothing_selected"),
        ({"decision": Decision.merged}, "merge_target_required"),
        ({"decision": Decision.merged, "merged_into": "another round's"}, "merge_target_not_in_round"),
    ],
)
def test_bad_input_to_a_selection_decision_changes_nothing(history, changes, code):
    office = make_user(role="office")
    if changes.get("merged_into"):
        changes["merged_into"] = make_proposal(round=make_open_round(), submit=True)
    arguments = {"proposals": ranked(history)[:3], "decision": Decision.selected, "reason": "重点推进"} | changes
    with pytest.raises(ReviewError, match=code):
        screening.decide_proposals(actor=office, round=history, **arguments)
    assert db.session.scalar(select(func.count()).select_from(Screening).where(Screening.decision.is_not(None))) == 0
    assert audited("screening.decide") == []


def test_a_selection_needs_a_reason_only_where_one_decision_does_against_the_cut_line(history):
    office = make_user(role="office")
    screening.set_cut_line(actor=office, round=history, cut_line=10, cut_percent=None)
    proposals = ranked(history)
    above = screening.decide_proposals(
        actor=office, round=history, proposals=proposals[:3], decision=Decision.selected, reason=""
    )
    below = screening.decide_proposals(
        actor=office, round=history, proposals=proposals[12:], decision=Decision.not_selected, reason=""
    )
    assert above.done == proposals[:3] and below.done == proposals[12:]
    across = screening.decide_proposals(
        actor=office, round=history, proposals=proposals[3:5] + [proposals[10]], decision=Decision.selected, reason=""
    )
    assert across.done == proposals[3:5]
    assert [(p, error.code) for p, error in across.refused] == [(proposals[10], "reason_required_against_cut")]
    assert proposals[10].id not in decisions(history)


def test_unit_staff_cannot_decide_a_selection(history):
    unit = make_user(role="unit_staff")
    with pytest.raises(ReviewError, match="office"):
        screening.decide_proposals(
            actor=unit, round=history, proposals=ranked(history)[:1], decision=Decision.selected, reason="x"
        )


def test_the_rest_below_the_cut_line_are_those_below_it_without_a_decision(history):
    office = make_user(role="office")
    screening.set_cut_line(actor=office, round=history, cut_line=11, cut_percent=None)
    proposals = ranked(history)
    screening.decide_proposal(actor=office, proposal=proposals[12], decision=Decision.selected, reason="市级试点")
    rest = rest_below_cut(rank_round(history.id), review_settings(history.id), screenings(history.id))
    assert rest == proposals[11:12] + proposals[13:]
    outcome = screening.decide_proposals(
        actor=office, round=history, proposals=rest, decision=Decision.not_selected, reason="得分在分数线以下"
    )
    assert len(outcome.done) == 8
    assert sum(1 for d in decisions(history).values() if d is Decision.not_selected) == 8


def test_office_can_shortlist_a_selection_the_already_shortlisted_reported(history):
    office = make_user(role="office")
    chosen = {s.proposal_id for s in screenings(history.id).values() if s.shortlisted}
    proposals = ranked(history)
    already = next(p for p in proposals if p.id in chosen)
    fresh = [p for p in proposals if p.id not in chosen][:2]
    outcome = screening.shortlist_proposals(actor=office, round=history, proposals=[already, *fresh])
    assert outcome.done == fresh
    assert [(p, error.code) for p, error in outcome.refused] == [(already, "already_shortlisted")]
    assert sorted(audited("screening.shortlisted", office)) == sorted(p.id for p in fresh)


def test_office_draws_the_cut_line_at_a_number_or_a_percentage_not_both(history):
    office = make_user(role="office")
    with pytest.raises(ReviewError, match="cut_line_twice"):
        screening.set_cut_line(actor=office, round=history, cut_line=5, cut_percent=10)
    screening.set_cut_line(actor=office, round=history, cut_line=None, cut_percent=55)
    settings = review_settings(history.id)
    assert (settings.cut_line, settings.cut_percent) == (None, 55)
    assert rank_round(history.id).cut_rank(settings) == 11
    assert settings.reviewers_per_proposal == 3  # the other settings stay as they were


def test_office_decides_the_ticked_proposals_from_the_ranking_after_confirming(client, login_as, history):
    login_as("office")
    chosen = ranked(history)[14:17]
    staff = chosen[0].unit.users[0]
    staff.email = "unit@example.cn"
    db.session.commit()
    form = {"proposal_ids": [str(p.id) for p in chosen], "action": "not_selected", "reason": "与现有改革任务重复"}
    asked = client.post(f"/rounds/{history.id}/decisions/bulk", data=form)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and all(p.title in page for p in chosen)
    assert "将对 3 个项目记录“未入选”" in page and "1 人有电子邮箱" in page
    assert decisions(history) == {}  # nothing changes before the office confirms
    done = client.post(f"/rounds/{history.id}/decisions/bulk", data=form | {"confirmed": "1"}).get_data(as_text=True)
    assert "已对 3 个项目记录“未入选”" in done and "0 个被拒绝" in done
    assert decisions(history) == {p.id: Decision.not_selected for p in chosen}
    assert sorted(audited("screening.decide")) == sorted(p.id for p in chosen)


@pytest.mark.parametrize(
    "form, message",
    [
        ({"action": "not_selected", "reason": "得分靠后"}, "请至少勾选一个项目"),
        ({"action": "merged", "proposal_ids": "first", "reason": "内容相近"}, "请选择合并到的项目"),
        ({"action": "merged", "proposal_ids": "first", "reason": "内容相近", "merged_into_id": "elsewhere"}, "在审"),
    ],
)
def test_bad_input_on_the_ranking_is_refused_keeping_what_was_typed(client, login_as, history, form, message):
    login_as("office")
    first = ranked(history)[0]
    elsewhere = make_proposal(round=make_open_round(), submit=True)
    form = {k: {"first": str(first.id), "elsewhere": str(elsewhere.id)}.get(v, v) for k, v in form.items()}
    refused = client.post(f"/rounds/{history.id}/decisions/bulk", data=form | {"confirmed": "1"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and message in page
    assert form.get("reason", "") in page
    assert decisions(history) == {}


def test_office_draws_the_cut_line_on_the_ranking_then_decides_the_rest_below_it(client, login_as, history):
    login_as("office")
    assert client.post(f"/rounds/{history.id}/cut-line", data={"cut_line": "10"}).status_code == 302
    page = client.get(f"/rounds/{history.id}/ranking").get_data(as_text=True)
    assert page.count("above-cut") == 10 and "分数线以下其余 10 个项目" in page
    form = {"scope": "below_cut", "reason": "得分在分数线以下"}
    asked = client.post(f"/rounds/{history.id}/decisions/bulk", data=form).get_data(as_text=True)
    below = ranked(history)[10:]
    assert "将对 10 个项目记录“未入选”" in asked and all(p.title in asked for p in below)
    confirmed = {"proposal_ids": [str(p.id) for p in below], "action": "not_selected", "confirmed": "1"}
    client.post(f"/rounds/{history.id}/decisions/bulk", data=confirmed | {"reason": form["reason"]})
    assert decisions(history) == {p.id: Decision.not_selected for p in below}
    refused = client.post(f"/rounds/{history.id}/decisions/bulk", data=form)
    assert refused.status_code == 400 and "分数线以下已没有未作决定的项目" in refused.get_data(as_text=True)


def test_the_reader_hides_column_groups_of_the_ranking_and_the_export_keeps_them(client, login_as, history):
    import io

    from openpyxl import load_workbook

    login_as("office")
    criterion = criteria_of(history.id)[0][0].name
    assert criterion in client.get(f"/rounds/{history.id}/ranking").get_data(as_text=True)
    narrow = client.get(f"/rounds/{history.id}/ranking?hide=criteria&hide=aggregates").get_data(as_text=True)
    assert f'class="num criterion">{criterion}' not in narrow and "标准差</th>" not in narrow
    assert 'name="hide" value="criteria" checked' in narrow
    exported = client.get(f"/rounds/{history.id}/ranking?hide=criteria&export=xlsx")
    header = next(load_workbook(io.BytesIO(exported.data)).active.iter_rows(min_row=3, values_only=True))
    assert criterion in header and "标准差" in header
