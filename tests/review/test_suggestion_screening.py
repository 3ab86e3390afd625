"""Residents' suggestions in expert screening: sent by the office, a short form each, ranked like proposals."""

import pytest
from sqlalchemy import func, select

from extensions import db
from review.errors import ReviewError
from review.models import ReviewStage, SuggestionReview
from review.queries import suggestion_scale
from review.ranking import rank_suggestions
from review.services import assignments, stages, suggestion_reviews
from solicitation.models import RoundStatus
from solicitation.services import suggestions
from solicitation.services.rounds import transition_round
from tests.factories import make_criterion, make_open_round, make_suggestion, make_user


@pytest.fixture
def screening():
    office = make_user(role="office")
    round = make_open_round(categories=("民生事业", "城市建设"))
    make_criterion(round=round, name="问题导向", max_score=5)
    experts = [make_user(role="expert", display_name=name) for name in ("甲", "乙", "丙", "丁")]
    assignments.save_expert_profile(actor=office, expert=experts[3], institution="", expertise="城市建设", max_load=5)
    taken = []
    for index in range(4):
        suggestion = make_suggestion(round=round, title=f"建议{index}", contact_phone="13812345678")
        suggestion.category_id = round.categories[index % 2].id
        db.session.commit()
        taken.append(suggestions.accept_suggestion(actor=office, suggestion=suggestion))
    return {"office": office, "round": round, "experts": experts, "suggestions": taken}


def sent(suggestion):
    return db.session.scalars(select(SuggestionReview).where(SuggestionReview.suggestion_id == suggestion.id)).all()


def test_each_suggestion_goes_to_k_experts_with_loads_balanced(screening):
    office, round = screening["office"], screening["round"]
    short = suggestion_reviews.send_to_screening(
        actor=office, round=round, suggestion_ids=[s.id for s in screening["suggestions"]]
    )
    assert short == {}
    assert all(len(sent(s)) == 3 for s in screening["suggestions"])
    loads = db.session.execute(select(SuggestionReview.expert_id, func.count()).group_by(SuggestionReview.expert_id))
    assert sorted(n for _e, n in loads) == [3, 3, 3, 3]
    # Sending again tops up and keeps what stands.
    assert (
        suggestion_reviews.send_to_screening(actor=office, round=round, suggestion_ids=[screening["suggestions"][0].id])
        == {}
    )
    assert db.session.scalar(select(func.count(SuggestionReview.id))) == 12


def test_with_fewer_experts_than_k_the_shortfall_is_reported(screening):
    office, round = screening["office"], screening["round"]
    assignments.save_review_settings(
        actor=office, round=round, reviewers_per_proposal=5, trim_extremes=False, blind=False
    )
    first = screening["suggestions"][0]
    assert suggestion_reviews.send_to_screening(actor=office, round=round, suggestion_ids=[first.id]) == {first.id: 1}
    assert len(sent(first)) == 4


def test_only_suggestions_taken_up_are_sent(screening):
    fresh = make_suggestion(round=screening["round"])
    with pytest.raises(ReviewError, match="suggestion_not_taken_up"):
        suggestion_reviews.send_to_screening(
            actor=screening["office"], round=screening["round"], suggestion_ids=[fresh.id]
        )
    with pytest.raises(ReviewError, match="nothing_chosen"):
        suggestion_reviews.send_to_screening(actor=screening["office"], round=screening["round"], suggestion_ids=[])
    assert db.session.scalar(select(func.count(SuggestionReview.id))) == 0


def test_the_short_form_checks_the_scale_and_the_verdict_and_ranks_by_hand(screening):
    office, round = screening["office"], screening["round"]
    first, second = screening["suggestions"][:2]
    suggestion_reviews.send_to_screening(actor=office, round=round, suggestion_ids=[first.id, second.id])
    assert suggestion_scale(round.id) == 5
    screenings = {(s.suggestion_id, s.expert_id): s for s in db.session.scalars(select(SuggestionReview))}
    one = next(s for (sid, _e), s in screenings.items() if sid == first.id)
    with pytest.raises(ReviewError, match="score_out_of_range"):
        suggestion_reviews.screen_suggestion(actor=one.expert, screening=one, score=6, comment="", worth_a_project=True)
    with pytest.raises(ReviewError, match="worth_missing"):
        suggestion_reviews.screen_suggestion(actor=one.expert, screening=one, score=4, comment="", worth_a_project=None)
    with pytest.raises(ReviewError, match="not_your_assignment"):
        suggestion_reviews.screen_suggestion(actor=office, screening=one, score=4, comment="", worth_a_project=True)
    # first: 5, 4, 3 of 5 → 100, 80, 60; second: 1, 2 of 5 → 20, 40, one expert not done
    values = {first.id: [5, 4, 3], second.id: [1, 2]}
    for (sid, _e), s in sorted(screenings.items()):
        if values[sid]:
            value = values[sid].pop(0)
            suggestion_reviews.screen_suggestion(
                actor=s.expert, screening=s, score=value, comment="可行", worth_a_project=value >= 3
            )
    rows = rank_suggestions(round.id)
    assert [r.suggestion for r in rows] == [first, second]
    top, other = rows
    assert (top.rank, top.n, top.sent, top.mean, top.median, top.worth, top.not_worth) == (1, 3, 3, 80, 80, 3, 0)
    assert (other.n, other.sent, other.mean, other.worth, other.not_worth) == (2, 3, pytest.approx(30), 0, 2)


def test_screening_closes_with_the_office_decision(screening):
    office, round = screening["office"], screening["round"]
    first = screening["suggestions"][0]
    suggestion_reviews.send_to_screening(actor=office, round=round, suggestion_ids=[first.id])
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    stages.move_stage(actor=office, round=round, stage=ReviewStage.discussion)
    stages.move_stage(actor=office, round=round, stage=ReviewStage.decision)
    one = sent(first)[0]
    with pytest.raises(ReviewError, match="screening_closed"):
        suggestion_reviews.screen_suggestion(actor=one.expert, screening=one, score=3, comment="", worth_a_project=True)


def test_the_expert_screens_from_my_reviews_and_never_sees_contact_details(client, screening):
    office, round = screening["office"], screening["round"]
    first = screening["suggestions"][0]
    first.second_count = 17
    db.session.commit()
    suggestion_reviews.send_to_screening(actor=office, round=round, suggestion_ids=[first.id])
    one = sent(first)[0]
    client.login(one.expert)
    listing = client.get("/reviews").get_data(as_text=True)
    assert "建议0" in listing and "待筛选" in listing and "<title>我的评审 · " in listing
    page = client.get(f"/suggestion-reviews/{one.id}").get_data(as_text=True)
    assert "17 位群众附议" in page
    assert "王芳" not in page and "13812345678" not in page and "138" not in page
    refused = client.post(f"/suggestion-reviews/{one.id}", data={"score": "3", "comment": "值得推广"})
    assert refused.status_code == 400 and "值得推广" in refused.get_data(as_text=True)
    assert (
        client.post(f"/suggestion-reviews/{one.id}", data={"score": "3", "worth_a_project": "yes"}).status_code == 302
    )
    db.session.refresh(one)
    assert (one.score, one.worth_a_project) == (3, True)
    # Another expert cannot open it.
    client.login(next(e for e in screening["experts"] if e.id != one.expert_id))
    assert client.get(f"/suggestion-reviews/{one.id}").status_code == 403


def test_the_office_sends_from_its_page_and_reads_the_ranking(client, screening):
    office, round = screening["office"], screening["round"]
    client.login(office)
    page = client.get(f"/rounds/{round.id}/suggestion-screening").get_data(as_text=True)
    assert all(s.title in page for s in screening["suggestions"])
    ids = [str(s.id) for s in screening["suggestions"][:2]]
    response = client.post(
        f"/rounds/{round.id}/suggestion-screening/send", data={"suggestion_id": ids}, follow_redirects=True
    )
    assert "已将 2 条建议送专家筛选" in response.get_data(as_text=True)
    export = client.get(f"/rounds/{round.id}/suggestion-screening?export=csv").get_data(as_text=True)
    assert "建议0" in export and "建议1" in export and "建议2" not in export and "13812345678" not in export
