"""Near-duplicate suggestions are found by the background worker, grouped under the earliest one, and merged by the
office in one action."""

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from core import clock
from extensions import db
from jobs.models import Job
from jobs.services import run_pending
from solicitation.models import Channel, NearDuplicate, NearDuplicateCheck, Suggestion, SuggestionStatus
from solicitation.queries import campaign_count
from solicitation.services.near_duplicates import FIND_NEAR_DUPLICATES, jaccard, shingles
from solicitation.services.suggestions import submit_suggestion
from tests.factories import make_open_round, make_suggestion, make_user

ELEVATOR = (
    "我们小区是上世纪九十年代建成的老楼，共有六层，没有电梯。楼里住着很多七八十岁的老人，每天上下楼非常困难，"
    "买菜看病都要邻居帮忙。建议区里统一推进老旧小区加装电梯，简化审批手续，并对低收入家庭给予补贴。"
)
PARKING = (
    "龙城街道中心城片区晚上停车特别难，很多车只能停在人行道和消防通道上，既不安全也影响行人通行。建议利用学校、"
    "机关单位的停车场在夜间向居民错时开放，并在周边增设智能停车引导屏，方便居民找到空余车位。"
)


def reposted(text: str) -> str:
    """The text as a resident copies it from a group chat: a word changed and punctuation dropped."""
    return text.replace("非常困难", "很困难").replace("，", " ")


def test_a_reposted_suggestion_is_grouped_under_the_first_one():
    round = make_open_round()
    first = make_suggestion(round=round, title="老旧小区加装电梯", content=ELEVATOR)
    copy = make_suggestion(round=round, title="老楼加装电梯", content=reposted(ELEVATOR))
    other = make_suggestion(round=round, title="夜间停车难", content=PARKING)
    assert jaccard(shingles(ELEVATOR), shingles(reposted(ELEVATOR))) >= 0.8
    run_pending()
    near = db.session.get(NearDuplicate, copy.id)
    assert near is not None and near.original_id == first.id and near.similarity >= 0.8
    assert db.session.get(NearDuplicate, first.id) is None and db.session.get(NearDuplicate, other.id) is None


def test_suggestions_sent_while_a_search_waits_share_its_one_job():
    round = make_open_round()
    first = make_suggestion(round=round, title="老旧小区加装电梯", content=ELEVATOR)
    copies = [
        make_suggestion(round=round, title="老楼加装电梯", content=reposted(ELEVATOR) + "。" * n) for n in range(3)
    ]
    searches = select(Job).where(Job.kind == FIND_NEAR_DUPLICATES)
    assert len(db.session.scalars(searches).all()) == 1
    run_pending()
    assert [db.session.get(NearDuplicate, copy.id).original_id for copy in copies] == [first.id] * 3
    assert db.session.scalars(select(NearDuplicateCheck)).all() == []  # nothing left waiting

    later = make_suggestion(round=round, title="加装电梯", content=reposted(ELEVATOR) + "！")
    assert len(db.session.scalars(searches).all()) == 2  # the first one done: a new one for what came after
    run_pending()
    assert db.session.get(NearDuplicate, later.id).original_id == first.id


def test_the_office_reads_on_a_copy_which_original_it_repeats(client):
    round = make_open_round()
    first = make_suggestion(round=round, title="老旧小区加装电梯", content=ELEVATOR)
    copy = make_suggestion(round=round, title="老楼加装电梯", content=reposted(ELEVATOR))
    run_pending()
    client.login(make_user(role="office"))
    page = client.get(f"/suggestions/{copy.id}").get_data(as_text=True)
    assert "近似副本" in page and first.display_code in page
    assert "1 条近似副本的原件" in client.get(f"/suggestions/{first.id}").get_data(as_text=True)


def test_a_copy_received_earlier_becomes_the_groups_original():
    round = make_open_round()
    office = make_user(role="office")
    web = make_suggestion(round=round, title="加装电梯", content=ELEVATOR)
    letter = submit_suggestion(
        round=round,
        fields={"title": "来信：加装电梯", "content": reposted(ELEVATOR)},
        channel=Channel.letter,
        consent=True,
        received_on=clock.today() - timedelta(days=5),  # the letter came before the web form's copy
        actor=office,
    )
    third = make_suggestion(round=round, title="电梯", content=ELEVATOR + "谢谢！")
    run_pending()
    originals = {near.suggestion_id: near.original_id for near in db.session.scalars(db.select(NearDuplicate))}
    assert originals == {web.id: letter.id, third.id: letter.id}


def test_suggestions_about_different_things_are_not_grouped():
    round = make_open_round()
    make_suggestion(round=round, title="加装电梯", content=ELEVATOR)
    make_suggestion(round=round, title="停车难", content=PARKING)
    make_suggestion(round=make_open_round(), title="加装电梯", content=ELEVATOR)  # another round's copy
    run_pending()
    assert db.session.scalars(db.select(NearDuplicate)).all() == []


def test_the_office_merges_a_group_into_its_original_in_one_action(client):
    round = make_open_round()
    first = make_suggestion(round=round, title="老旧小区加装电梯", content=ELEVATOR)
    copies = [make_suggestion(round=round, title=f"加装电梯{n}", content=reposted(ELEVATOR) + "!" * n) for n in (1, 2)]
    run_pending()
    client.login(make_user(role="office"))
    page = client.get(f"/rounds/{round.id}/suggestions/near-duplicates").get_data(as_text=True)
    assert first.display_code in page and all(copy.display_code in page for copy in copies)
    assert "将 2 条副本并入原件" in page
    chosen = {"suggestion_id": [str(copy.id) for copy in copies], "action": "duplicate", "original": first.display_code}
    preview = client.post(f"/rounds/{round.id}/suggestions/bulk", data=chosen)
    assert preview.status_code == 200 and "2" in preview.get_data(as_text=True)
    assert all(db.session.get(Suggestion, copy.id).status is SuggestionStatus.received for copy in copies)
    client.post(f"/rounds/{round.id}/suggestions/bulk/apply", data=chosen)
    for copy in copies:
        merged = db.session.get(Suggestion, copy.id)
        assert merged.status is SuggestionStatus.duplicate and merged.duplicate_of_id == first.id
    page = client.get(f"/rounds/{round.id}/suggestions/near-duplicates").get_data(as_text=True)
    assert first.display_code not in page  # nothing left open in its group
    assert first.display_code in client.get(f"/rounds/{round.id}/suggestions/near-duplicates?show=all").get_data(
        as_text=True
    )
    export = client.get(f"/rounds/{round.id}/suggestions/near-duplicates?export=xlsx")
    rows = list(load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    copied = {row[2] for row in rows[3:-1]}  # below the title, the date and the header; above the count
    assert rows[0][0].endswith("近似重复建议") and copied == {copy.display_code for copy in copies}


def test_only_the_office_sees_the_near_duplicates(client):
    round = make_open_round()
    client.login(make_user(role="unit_staff"))
    assert client.get(f"/rounds/{round.id}/suggestions/near-duplicates").status_code == 403


def test_many_near_copies_in_a_short_time_are_flagged_on_the_dashboard(app, client):
    round = make_open_round()
    app.config["CAMPAIGN_MIN_COPIES"] = 3
    try:
        for n in range(4):
            make_suggestion(round=round, title="加装电梯", content=ELEVATOR + "。" * n + f"第{n}位居民")
        make_suggestion(round=round, title="停车难", content=PARKING)
        run_pending()
        assert campaign_count(round.id) == 1
        client.login(make_user(role="office"))
        page = client.get(f"/rounds/{round.id}/dashboard").get_data(as_text=True)
        assert "疑似" in page and f"/rounds/{round.id}/suggestions/near-duplicates" in page
    finally:
        app.config["CAMPAIGN_MIN_COPIES"] = 10


def test_the_operator_looks_again_at_a_whole_round(runner):
    round = make_open_round()
    first = make_suggestion(round=round, title="加装电梯", content=ELEVATOR)
    copy = make_suggestion(round=round, title="加装电梯", content=reposted(ELEVATOR))
    run_pending()
    db.session.execute(db.delete(NearDuplicate))  # as before the search existed
    db.session.commit()
    result = runner.invoke(args=["rounds", "near-duplicates", str(round.id)])
    assert "Queued 2 suggestions" in result.output
    run_pending()
    assert db.session.get(NearDuplicate, copy.id).original_id == first.id
    assert "No round" in runner.invoke(args=["rounds", "near-duplicates", "999999"]).output
