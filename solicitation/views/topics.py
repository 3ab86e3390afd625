"""Topics (点题): the office sets a round's topics, publishes and withdraws them, and reads each one's answers."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.permissions import office_required
from core.errors import DomainError
from core.forms import form_status, show_error
from core.lists import list_or_export
from extensions import db
from solicitation import queries
from solicitation.forms import TopicFilterForm, TopicForm
from solicitation.models import Round, Topic
from solicitation.services import topics as services
from solicitation.views import bp

TOPIC_COLUMNS = [
    (_l("Number"), lambda t: t.id),
    (_l("Problem to solve"), lambda t: t.title),
    (_l("Field"), lambda t: t.category.name if t.category else ""),
    (_l("What goes wrong today"), lambda t: t.problem),
    (_l("Expected result"), lambda t: t.expected_result),
    (_l("Status"), lambda t: t.status.label),
    (_l("Published"), lambda t: t.published_at),
]


@bp.get("/rounds/<int:round_id>/topics")
@office_required
def topic_list(round_id):
    """The round's topics, filtered, or exported."""
    round = db.get_or_404(Round, round_id)
    filters = TopicFilterForm.for_round(round)
    query = queries.topics(
        round_id=round.id, q=filters.q.data or "", status=filters.status.data, category_id=filters.category_id.data
    )
    return list_or_export(
        query,
        filename=f"topics-{round.year}",
        columns=TOPIC_COLUMNS,
        subject=_("Topics"),
        scope=round.title,
        template="solicitation/topic_list.html",
        filters=filters,
        round=round,
    )


@bp.route("/rounds/<int:round_id>/topics/new", methods=["GET", "POST"])
@office_required
def topic_create(round_id):
    """Set a new topic of the round, as a draft."""
    round = db.get_or_404(Round, round_id)
    form = TopicForm.for_round(round)
    if form.validate_on_submit():
        try:
            topic = services.create_topic(actor=current_user, round=round, **_fields(form))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Topic “%(title)s” saved as a draft.", title=topic.title), "success")
            return redirect(url_for("solicitation.topic_detail", topic_id=topic.id))
    return render_template("solicitation/topic_form.html", form=form, round=round, topic=None), form_status(form)


@bp.route("/topics/<int:topic_id>/edit", methods=["GET", "POST"])
@office_required
def topic_edit(topic_id):
    """Change a topic's problem, field or expected result."""
    topic = db.get_or_404(Topic, topic_id)
    form = TopicForm.for_round(topic.round, topic)
    if form.validate_on_submit():
        try:
            services.update_topic(actor=current_user, topic=topic, **_fields(form))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Topic “%(title)s” saved.", title=topic.title), "success")
            return redirect(url_for("solicitation.topic_detail", topic_id=topic.id))
    return render_template("solicitation/topic_form.html", form=form, round=topic.round, topic=topic), form_status(form)


def _fields(form: TopicForm) -> dict:
    return {
        "title": form.title.data,
        "category_id": form.category_id.data,
        "problem": form.problem.data or "",
        "expected_result": form.expected_result.data or "",
    }


@bp.get("/topics/<int:topic_id>")
@office_required
def topic_detail(topic_id):
    """A topic and the proposals answering it, side by side."""
    topic = db.get_or_404(Topic, topic_id)
    return render_template("solicitation/topic_detail.html", topic=topic, answers=queries.topic_answers(topic.id))


@bp.post("/topics/<int:topic_id>/publish")
@office_required
def topic_publish(topic_id):
    """Publish a draft topic for units to answer."""
    return _move_topic(topic_id, services.publish_topic, _("Topic published: units may answer it with a proposal."))


@bp.post("/topics/<int:topic_id>/withdraw")
@office_required
def topic_withdraw(topic_id):
    """Withdraw a published topic: it takes no new answers."""
    return _move_topic(topic_id, services.withdraw_topic, _("Topic withdrawn: it takes no new answers."))


def _move_topic(topic_id, move, done_message):
    """Load the topic, make the move (its service checks who and from which state), say how it went, go back."""
    topic = db.get_or_404(Topic, topic_id)
    try:
        move(actor=current_user, topic=topic)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(done_message, "success")
    return redirect(url_for("solicitation.topic_detail", topic_id=topic.id))
