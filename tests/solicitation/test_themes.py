"""Themes: a round's suggestions grouped by what they ask for, new ones placed in the closest theme, and the office's
renames, merges, splits and moves kept when the themes are computed again."""

import random

import pytest
from sqlalchemy import select

from accounts.models import AuditEvent
from extensions import db
from jobs.models import Job
from jobs.services import run_pending
from solicitation.errors import SolicitationError
from solicitation.models import RejectReason, Suggestion, SuggestionStatus, Theme, ThemeMember, ThemeRun
from solicitation.services.suggestions import reject_suggestion
from solicitation.services.themes import (
    compute_themes,
    merge_themes,
    move_suggestions,
    place_suggestion,
    queue_theme_computation,
    rename_theme,
    split_theme,
)
from tests.factories import make_open_round, make_suggestion, make_unit, make_user

# Four concerns, each in the words residents use for it; places and polite phrases shared by all.
CONCERNS = {
    "elevator": ["老旧小区加装电梯", "老楼没有电梯，老人上下楼困难", "加装电梯审批手续繁琐", "电梯补贴资金到位慢"],
    "parking": ["夜间停车难，车位严重不足", "机关停车场错时开放", "违停占用消防通道", "增设智能停车引导屏"],
    "school": ["小学学位紧张，孩子入学难", "学校课后托管服务", "学区划分不合理", "新建学校开学时间推迟"],
    "noise": ["工地夜间施工噪音扰民", "广场舞音响声音太大", "噪音投诉没有回应", "渣土车深夜轰鸣影响睡眠"],
}
PLACES = ["龙城街道", "布吉街道", "坂田街道", "横岗街道"]
POLITE = ["您好，", "希望政府重视，", "恳请有关部门尽快解决，", "谢谢！"]


def _text(concern: str, rng: random.Random) -> tuple[str, str]:
    phrases = rng.sample(CONCERNS[concern], 3)
    content = f"{rng.choice(POLITE)}{rng.choice(PLACES)}{phrases[0]}，{phrases[1]}，{phrases[2]}。{rng.choice(POLITE)}"
    return phrases[0][:12], content


def planted_round(per_concern: int = 8):
    """An open round with suggestions of the four concerns; returns it and each concern's suggestions."""
    rng = random.Random(7)
    round = make_open_round()
    planted = {concern: [] for concern in CONCERNS}
    for index in range(per_concern * len(CONCERNS)):
        concern = list(CONCERNS)[index % len(CONCERNS)]
        title, content = _text(concern, rng)
        planted[concern].append(make_suggestion(round=round, title=title, content=content))
    return round, planted


def theme_of(suggestion) -> Theme | None:
    member = db.session.get(ThemeMember, suggestion.id)
    return member.theme if member else None


def test_a_round_with_planted_concerns_gets_one_theme_each():
    round, planted = planted_round()
    summary = compute_themes(round_id=round.id)
    assert summary["suggestions"] == 32 and summary["placed"] == 32
    found = {concern: {theme_of(s).id for s in suggestions} for concern, suggestions in planted.items()}
    assert all(len(themes) == 1 for themes in found.values())
    assert len({next(iter(themes)) for themes in found.values()}) == 4
    elevator = theme_of(planted["elevator"][0])
    assert elevator.size == 8 and "电梯" in elevator.words[:3] and "电梯" in elevator.name
    run = db.session.scalars(select(ThemeRun).where(ThemeRun.round_id == round.id)).one()
    assert run.finished_at is not None and run.summary["themes"] == 4


def test_theme_words_leave_out_places_polite_phrases_and_contact_fields():
    round, planted = planted_round()
    make_suggestion(round=round, title="老旧小区加装电梯", content="老楼没有电梯", contact_name="欧阳电梯王")
    compute_themes(round_id=round.id)
    words = {
        word for theme in db.session.scalars(select(Theme)) for word in theme.words + list(theme.centroid["weights"])
    }
    assert not words & {"龙城", "布吉", "坂田", "横岗", "街道", "您好", "希望", "谢谢", "欧阳", "电梯王"}


def test_a_renamed_theme_keeps_its_name_and_members_after_a_recompute():
    round, planted = planted_round()
    compute_themes(round_id=round.id)
    office = make_user(role="office")
    theme = theme_of(planted["parking"][0])
    rename_theme(actor=office, theme=theme, name="停车难")
    summary = compute_themes(round_id=round.id)
    theme = db.session.get(Theme, theme.id)
    assert theme.name == "停车难" and theme.named_by_office and theme.size == 8
    assert {theme_of(s).id for s in planted["parking"]} == {theme.id}
    assert summary["kept"] == 1 and summary["stayed"] == 8
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "theme.rename")) is not None


def test_a_suggestion_moved_by_hand_stays_after_a_recompute():
    round, planted = planted_round()
    compute_themes(round_id=round.id)
    office = make_user(role="office")
    noise = theme_of(planted["noise"][0])
    moved = planted["school"][0]
    move_suggestions(actor=office, suggestions=[moved], theme=noise)
    assert db.session.get(ThemeMember, moved.id).by_hand and noise.size == 9
    compute_themes(round_id=round.id)
    assert theme_of(moved).id == noise.id
    assert theme_of(planted["school"][1]).id != noise.id


def test_merged_themes_stay_merged_after_a_recompute():
    round, planted = planted_round()
    compute_themes(round_id=round.id)
    office = make_user(role="office")
    school, noise = theme_of(planted["school"][0]), theme_of(planted["noise"][0])
    noise_id = noise.id
    merge_themes(actor=office, target=school, others=[noise])
    assert db.session.get(Theme, noise_id) is None and school.size == 16 and school.kept
    compute_themes(round_id=round.id)
    assert {theme_of(s).id for s in planted["school"] + planted["noise"]} == {school.id}
    assert db.session.scalar(select(Theme.size).where(Theme.id == school.id)) == 16


def test_a_split_theme_keeps_both_parts_after_a_recompute():
    round, planted = planted_round()
    compute_themes(round_id=round.id)
    office = make_user(role="office")
    elevator = theme_of(planted["elevator"][0])
    part = [s.id for s in planted["elevator"][:3]]
    new = split_theme(actor=office, theme=elevator, suggestion_ids=part, name="电梯补贴")
    assert new.size == 3 and elevator.size == 5 and new.kept and elevator.kept
    compute_themes(round_id=round.id)
    assert {theme_of(s).id for s in planted["elevator"][:3]} == {new.id}
    assert {theme_of(s).id for s in planted["elevator"][3:]} == {elevator.id}
    with pytest.raises(SolicitationError):
        split_theme(actor=office, theme=new, suggestion_ids=part, name="全部")


def test_a_new_suggestion_is_placed_in_the_closest_theme_by_the_worker():
    round, planted = planted_round()
    compute_themes(round_id=round.id)
    run_pending()
    new = make_suggestion(round=round, title="噪音", content="隔壁工地夜间施工噪音太大，晚上睡不着，投诉也没有回应。")
    assert theme_of(new) is None  # not in the resident's request
    run_pending()
    assert theme_of(new).id == theme_of(planted["noise"][0]).id
    assert db.session.get(Theme, theme_of(new).id).size == 9
    assert place_suggestion(new.id) is False  # already placed


def test_a_new_suggestion_follows_the_office_merge_made_since_the_last_placement():
    round, planted = planted_round()
    compute_themes(round_id=round.id)
    noise_text = "隔壁工地夜间施工噪音太大，晚上睡不着，投诉也没有回应。"
    first = make_suggestion(round=round, title="噪音", content=noise_text)
    assert place_suggestion(first.id)  # the round's centres are now kept by this process
    school, noise = theme_of(planted["school"][0]), theme_of(planted["noise"][0])
    merge_themes(actor=make_user(role="office"), target=school, others=[noise])
    second = make_suggestion(round=round, title="噪音", content=noise_text)
    assert place_suggestion(second.id)
    assert theme_of(second).id == school.id and db.session.get(Theme, school.id).size == 18


def test_a_rejected_suggestion_leaves_its_theme_on_recompute():
    round, planted = planted_round()
    compute_themes(round_id=round.id)
    office = make_user(role="office")
    gone = planted["noise"][0]
    reject_suggestion(actor=office, suggestion=gone, reason=RejectReason.spam)
    assert db.session.get(Suggestion, gone.id).status is SuggestionStatus.rejected
    summary = compute_themes(round_id=round.id)
    assert theme_of(gone) is None and summary["left"] == 1


def test_the_computation_is_queued_for_the_worker_with_its_run():
    round, _ = planted_round()
    queued = queue_theme_computation(actor=make_user(role="office"), round=round)
    run_pending()
    assert db.session.get(Job, queued.id).result["themes"] == 4
    run = db.session.scalars(select(ThemeRun).where(ThemeRun.job_id == queued.id)).one()
    assert run.finished_at is not None and run.summary["placed"] == 32


@pytest.mark.parametrize("role", ["unit_staff", "expert"])
def test_only_the_office_edits_themes(role):
    round, planted = planted_round(per_concern=4)
    compute_themes(round_id=round.id)
    unit = make_unit() if role == "unit_staff" else None
    someone = make_user(role=role, unit=unit)
    theme = theme_of(planted["noise"][0])
    other = theme_of(planted["school"][0])
    with pytest.raises(SolicitationError):
        rename_theme(actor=someone, theme=theme, name="噪音")
    with pytest.raises(SolicitationError):
        merge_themes(actor=someone, target=theme, others=[other])
    with pytest.raises(SolicitationError):
        split_theme(actor=someone, theme=theme, suggestion_ids=[planted["noise"][0].id], name="噪音")
    with pytest.raises(SolicitationError):
        move_suggestions(actor=someone, suggestions=[planted["school"][0]], theme=theme)
    with pytest.raises(SolicitationError):
        queue_theme_computation(actor=someone, round=round)
    assert db.session.get(Theme, theme.id).name != "噪音"


def test_the_operator_computes_a_rounds_themes_from_the_command_line(runner):
    round, planted = planted_round(per_concern=4)
    result = runner.invoke(args=["rounds", "themes", str(round.id)])
    assert result.exit_code == 0, result.output
    assert "4 themes of 16 suggestions" in result.output and "16 suggestions placed" in result.output
    assert theme_of(planted["school"][0]) is not None
    assert runner.invoke(args=["rounds", "themes", "999999"]).exit_code != 0
