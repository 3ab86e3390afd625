"""The read-only selects of the solicitation: the counts lists and pages show beside their rows."""

from accounts.models import UnitKind
from solicitation import queries
from solicitation.models import Channel, ProposalStatus, RejectReason, RoundStatus, Suggestion
from solicitation.services import rounds as round_services
from solicitation.services import suggestions as suggestion_services
from tests.factories import make_open_round, make_proposal, make_round, make_suggestion, make_unit, make_user


def test_suggestions_are_counted_by_a_column_among_those_the_filters_select():
    office = make_user(role="office")
    round = make_open_round(categories=("民生事业", "经济发展"))
    livelihood = round.categories[0].id
    make_suggestion(round=round, title="停车难", category_id=livelihood)
    make_suggestion(round=round, title="老旧小区停车位不足", category_id=livelihood)
    make_suggestion(round=round, title="热线反映的停车问题", channel="hotline", actor=office)
    make_suggestion(round=round, title="路灯不亮", category_id=livelihood)
    make_suggestion(title="另一轮的停车建议")

    by_category = queries.counts_by(Suggestion.category_id, queries.suggestions(office, round_id=round.id))
    assert by_category == [(livelihood, 3), (None, 1)]
    parking = queries.suggestions(office, round_id=round.id, q="停车")
    assert queries.counts_by(Suggestion.channel, parking) == [(Channel.web, 2), (Channel.hotline, 1)]


def test_proposals_are_counted_by_status_among_those_the_filters_select():
    office = make_user(role="office")
    round = make_open_round()
    street = make_user(role="unit_staff", unit=make_unit(name="平湖街道", kind=UnitKind.subdistrict))
    make_proposal(round=round, author=street, submit=True)
    make_proposal(round=round, author=street)
    make_proposal(round=round, submit=True)

    assert queries.counts_by_status(queries.proposals(office, round_id=round.id)) == {ProposalStatus.submitted: 2}
    streets = queries.proposals(office, round_id=round.id, unit_kind=UnitKind.subdistrict)
    assert queries.counts_by_status(streets) == {ProposalStatus.submitted: 1}
    own = queries.proposals(street, round_id=round.id)
    assert queries.counts_by_status(own) == {ProposalStatus.draft: 1, ProposalStatus.submitted: 1}


def test_what_a_round_heard_is_counted_by_category_and_channel_leaving_out_the_set_aside():
    office = make_user(role="office")
    round = make_open_round(categories=("民生事业", "经济发展"))
    livelihood, economy = (category.id for category in round.categories)
    make_suggestion(round=round, title="停车难", category_id=livelihood)
    make_suggestion(round=round, title="老旧小区停车位不足", category_id=livelihood, channel="wechat")
    make_suggestion(round=round, title="热线反映的停车问题", channel="hotline", actor=office)
    make_suggestion(round=round, title="营商环境", category_id=economy)
    spam = make_suggestion(round=round, title="广告", category_id=economy)
    suggestion_services.reject_suggestion(actor=office, suggestion=spam, reason=RejectReason.spam)
    make_suggestion(title="另一轮的停车建议")

    heard = queries.heard_counts(round.id)
    assert heard.by_category == [("民生事业", 2), (None, 1), ("经济发展", 1)]  # a tie: not classified first
    assert heard.by_channel == [(Channel.web, 2), (Channel.hotline, 1), (Channel.wechat, 1)]
    assert (heard.received, heard.counted, heard.set_aside) == (5, 4, [(RejectReason.spam, 1)])


def test_the_public_sees_the_rounds_out_of_preparation_those_soliciting_first():
    office = make_user(role="office")
    preparing = make_round(year=2301)
    reviewing = make_open_round(year=2302)
    round_services.transition_round(actor=office, round=reviewing, target=RoundStatus.reviewing)
    newer_open, older_open = make_open_round(year=2300), make_open_round(year=2299)
    assert queries.public_rounds() == [newer_open, older_open, reviewing]
    assert preparing not in queries.public_rounds()
