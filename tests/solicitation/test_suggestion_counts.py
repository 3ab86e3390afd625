"""The summary counts of suggestions: exact after every kind of change, whatever service made it."""

from sqlalchemy import String, func, select

from extensions import db
from solicitation import queries
from solicitation.models import Channel, RejectReason, Suggestion, SuggestionCount, SuggestionStatus
from solicitation.services import suggestions as services
from solicitation.services.suggestion_counts import recount_suggestions
from solicitation.services.suggestions import BulkChoice
from tests.factories import make_open_round, make_suggestion, make_unit, make_user

St = SuggestionStatus


def counted_from_rows() -> dict[tuple, int]:
    """Every key's count, counting the suggestions themselves."""
    key = (
        Suggestion.round_id,
        Suggestion.status,
        Suggestion.channel,
        func.coalesce(Suggestion.category_id, 0),
        func.coalesce(Suggestion.reject_reason, "", type_=String),
        (Suggestion.reply != "") & Suggestion.reply_published_at.is_(None),
        Suggestion.reply_published_at.is_not(None),
        Suggestion.is_public,
    )
    return {tuple(row[:-1]): row[-1] for row in db.session.execute(select(*key, func.count()).group_by(*key))}


def counted_from_summary() -> dict[tuple, int]:
    """Every key's count, summing the summary's slots (keys counted down to nothing left out)."""
    key = (
        SuggestionCount.round_id,
        SuggestionCount.status,
        SuggestionCount.channel,
        SuggestionCount.category_id,
        SuggestionCount.reject_reason,
        SuggestionCount.reply_held,
        SuggestionCount.reply_published,
        SuggestionCount.is_public,
    )
    total = func.sum(SuggestionCount.count)
    query = select(*key, total).group_by(*key).having(total != 0)
    return {tuple(row[:-1]): row[-1] for row in db.session.execute(query)}


def test_the_summary_counts_equal_the_suggestions_counted_after_every_kind_of_change():
    office = make_user(role="office")
    unit = make_unit()
    unit_staff = make_user(role="unit_staff", unit=unit)
    round, other_round = make_open_round(), make_open_round()
    economy, welfare = round.categories
    sent = [
        make_suggestion(round=round, channel=channel, category_id=category)
        for channel in ("web", "mobile", "wechat")
        for category in (economy.id, welfare.id, None)
    ]
    office_entered = make_suggestion(round=other_round, channel="hotline", actor=office)
    assert counted_from_summary() == counted_from_rows()

    first, second, third, fourth, fifth, sixth, seventh, eighth, ninth = sent
    services.accept_suggestion(actor=office, suggestion=first)
    services.reject_suggestion(actor=office, suggestion=second, reason=RejectReason.spam, reply="无具体内容。")
    services.accept_suggestion(actor=office, suggestion=second)  # taken up again: its reason stays, its key moves
    services.reject_suggestion(actor=office, suggestion=third, reason=RejectReason.out_of_scope, reply="")
    services.mark_duplicate(actor=office, suggestion=fourth, original=first)
    services.accept_suggestion(actor=office, suggestion=fifth)
    services.refer_suggestion(actor=office, suggestion=fifth, unit=unit, note="请研究。")
    services.answer_referral(actor=unit_staff, suggestion=fifth, answer="已纳入计划。")
    services.decide_suggestion(actor=office, suggestion=fifth, adopted=True, reply="已采纳。", publish_reply=False)
    services.accept_suggestion(actor=office, suggestion=sixth)
    services.decide_suggestion(actor=office, suggestion=sixth, adopted=False, reply="暂不采纳。", publish_reply=True)
    services.publish_replies(actor=office, suggestions=[fifth])
    services.set_public(actor=office, suggestion=first, public=True)
    choice = BulkChoice(action="reject", reason=RejectReason.other, reply="")
    services.preview_triage(actor=office, round=round, suggestions=[seventh, eighth], choice=choice)
    assert counted_from_summary() == counted_from_rows()  # a preview changes nothing, the counts neither
    services.triage_suggestions(actor=office, round=round, suggestions=[seventh, eighth], choice=choice)
    ninth.category_id = economy.id  # a change no service makes yet is counted all the same
    db.session.commit()
    db.session.delete(office_entered)
    db.session.commit()
    sent.append(make_suggestion(round=round))
    sent[-1].status = St.accepted
    db.session.flush()
    db.session.rollback()  # a change never committed is never counted

    assert counted_from_summary() == counted_from_rows()
    of_round = Suggestion.round_id == round.id
    statuses = select(Suggestion.status, func.count()).where(of_round).group_by(Suggestion.status)
    assert dict(queries.status_counts(round_id=round.id)) == dict(db.session.execute(statuses).all())
    web_economy = queries.status_counts(round_id=round.id, channel=Channel.web, category_id=economy.id)
    assert web_economy == [(St.accepted, 1)]
    held = statuses.where(Suggestion.reply != "", Suggestion.reply_published_at.is_(None))
    assert dict(queries.status_counts(round_id=round.id, held_reply=True)) == dict(db.session.execute(held).all())
    heard = queries.heard_counts(round.id)
    assert heard.received == len(sent)
    assert dict(heard.set_aside) == {RejectReason.out_of_scope: 1, RejectReason.other: 2}
    assert dict(heard.by_channel) == {Channel.web: 3, Channel.mobile: 3, Channel.wechat: 1}
    assert heard.published == 1  # the first, published; the others are not
    answered = select(func.count()).where(Suggestion.reply_published_at.is_not(None))
    assert queries.suggestion_figures() == (len(sent), db.session.scalar(answered))

    before = counted_from_summary()
    recount_suggestions()  # counting anew (after a bulk load) gives the same, in fewer rows
    assert counted_from_summary() == before
