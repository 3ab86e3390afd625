"""The office's themes (议题归类): a round's suggestions grouped by what they are about, each theme's suggestions
with the edits that the next recompute keeps, bulk triage of a theme, and publishing it on /heard."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.permissions import office_required
from core import clock
from core.errors import DomainError
from core.forms import show_error
from core.lists import list_or_export, paginate
from core.request_input import stored_int
from extensions import db
from solicitation import queries
from solicitation.errors import SolicitationError
from solicitation.forms import (
    BulkTriageForm,
    ThemeFilterForm,
    ThemeMergeForm,
    ThemeMoveForm,
    ThemePublishForm,
    ThemeRenameForm,
    ThemeSplitForm,
)
from solicitation.models import Round, Suggestion, Theme
from solicitation.queries import theme_overview
from solicitation.services import background_triage, theme_publishing
from solicitation.services import suggestions as suggestion_services
from solicitation.services import themes as services
from solicitation.views import bp

THEME_COLUMNS = [
    (_l("Number"), lambda t: t.id),
    (_l("Theme"), lambda t: t.name),
    (_l("Suggestions"), lambda t: t.size),
    (_l("Most telling words"), lambda t: "、".join(t.words or [])),
    (_l("Named by the office"), lambda t: _("yes") if t.named_by_office else ""),
    (_l("Published"), lambda t: t.published_at),
    (_l("The reform office's reply"), lambda t: t.public_reply or ""),
]

# What a recompute's summary (ThemeRun.summary) counts, in the order the list says it.
RUN_SUMMARY = [
    ("suggestions", _l("suggestions grouped")),
    ("themes", _l("themes")),
    ("made", _l("new themes")),
    ("removed", _l("themes gone")),
    ("kept", _l("themes kept as the office left them")),
    ("stayed", _l("suggestions kept where the office put them")),
    ("regrouped", _l("suggestions regrouped")),
    ("placed", _l("suggestions newly placed")),
    ("left", _l("suggestions that left the themes (set aside or merged)")),
]


def _theme(round_id: int, theme_id: int) -> Theme:
    """The theme, if it is one of the round's."""
    theme = db.get_or_404(Theme, theme_id)
    if theme.round_id != round_id:
        abort(404)
    return theme


@bp.get("/rounds/<int:round_id>/themes")
@office_required
def theme_list(round_id):
    """The round's themes, largest first, with where and when their suggestions came from; or exported."""
    round = db.get_or_404(Round, round_id)
    filters = ThemeFilterForm.make()
    query = theme_overview.themes(round_id=round.id, q=filters.q.data or "", published=filters.published.data)
    return list_or_export(
        query,
        filename=f"themes-{round.year}",
        columns=THEME_COLUMNS,
        subject=_("Themes"),
        scope=round.title,
        template="solicitation/theme_list.html",
        of_page=lambda page: _list_extras(round, page),
        filters=filters,
        round=round,
    )


def _list_extras(round: Round, page) -> dict:
    """What the list shows besides its page of themes: their facts, the weeks, the last recompute and its changes."""
    run = theme_overview.last_run(round.id)
    summary = run.summary if run and run.finished_at else {}
    return {
        "facts": theme_overview.theme_facts(round, [t.id for t in page.items], clock.today()),
        "weeks": theme_overview.solicitation_weeks(round, clock.today()),
        "run": run,
        "changes": [(label, summary[key]) for key, label in RUN_SUMMARY if key in summary],
    }


@bp.post("/rounds/<int:round_id>/themes/recompute")
@office_required
def theme_recompute(round_id):
    """Queue the grouping of the round's suggestions into themes; follow it on the job's page."""
    round = db.get_or_404(Round, round_id)
    job = services.queue_theme_computation(actor=current_user, round=round)
    return redirect(url_for("jobs.job_detail", job_id=job.id))


def _render_theme(theme, *, forms=None, status=200):
    """A theme's page: its suggestions most representative first, and its forms (a given one with its errors)."""
    forms = forms or {}
    others = theme_overview.other_themes(theme)
    page = paginate(theme_overview.theme_suggestions(theme.id))
    return render_template(
        "solicitation/theme_detail.html",
        round=theme.round,
        theme=theme,
        page=page,
        closeness=theme_overview.closeness_of([s.id for s in page.items]),
        chosen_ids=set(request.form.getlist("suggestion_id", type=stored_int)),
        rename_form=forms.get("rename") or ThemeRenameForm(formdata=None, name=theme.name),
        merge_form=forms.get("merge") or ThemeMergeForm.for_theme(others, formdata=None),
        split_form=forms.get("split") or ThemeSplitForm(formdata=None),
        move_form=forms.get("move") or ThemeMoveForm.for_theme(others, formdata=None),
        publish_form=forms.get("publish")
        or ThemePublishForm(formdata=None, public_name=theme.name, public_reply=theme.public_reply or ""),
        bulk_form=forms.get("bulk")
        or BulkTriageForm.for_round(queries.submitted_proposals(theme.round_id), formdata=None),
    ), status


@bp.get("/rounds/<int:round_id>/themes/<int:theme_id>")
@office_required
def theme_detail(round_id, theme_id):
    """A theme's suggestions, the most representative first, with its edits and triage."""
    return _render_theme(_theme(round_id, theme_id))


def _edit(round_id, theme_id, name, form, act, done_message):
    """Load the theme, validate `form`, make the edit; on a refusal show the theme's page with the form's errors."""
    theme = _theme(round_id, theme_id)
    if form.validate_on_submit():
        try:
            target = act(theme, form)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(done_message, "success")
            return redirect(url_for("solicitation.theme_detail", round_id=round_id, theme_id=(target or theme).id))
    return _render_theme(theme, forms={name: form}, status=400)


def _chosen(theme: Theme) -> list[Suggestion]:
    """The suggestions ticked on the theme's page that belong to the theme."""
    ids = set(request.form.getlist("suggestion_id", type=stored_int)) & set(
        theme_overview.theme_suggestion_ids(theme.id)
    )
    return queries.round_suggestions(theme.round_id, list(ids))


@bp.post("/rounds/<int:round_id>/themes/<int:theme_id>/rename")
@office_required
def theme_rename(round_id, theme_id):
    """Give the theme the office's name: a recompute keeps it."""
    return _edit(
        round_id,
        theme_id,
        "rename",
        ThemeRenameForm(),
        lambda t, f: services.rename_theme(actor=current_user, theme=t, name=f.name.data),
        _("Theme renamed."),
    )


@bp.post("/rounds/<int:round_id>/themes/<int:theme_id>/merge")
@office_required
def theme_merge(round_id, theme_id):
    """Merge the chosen other themes into this one."""
    theme = _theme(round_id, theme_id)
    form = ThemeMergeForm.for_theme(theme_overview.other_themes(theme))

    def act(t, f):
        others = theme_overview.round_themes(t.round_id, f.other_ids.data)
        return services.merge_themes(actor=current_user, target=t, others=others)

    return _edit(round_id, theme_id, "merge", form, act, _("Themes merged."))


@bp.post("/rounds/<int:round_id>/themes/<int:theme_id>/split")
@office_required
def theme_split(round_id, theme_id):
    """Move the chosen suggestions out into a new theme of their own, named by the office."""
    return _edit(
        round_id,
        theme_id,
        "split",
        ThemeSplitForm(),
        lambda t, f: services.split_theme(
            actor=current_user, theme=t, suggestion_ids=[s.id for s in _chosen(t)], name=f.new_name.data
        ),
        _("The chosen suggestions now make a theme of their own."),
    )


@bp.post("/rounds/<int:round_id>/themes/<int:theme_id>/move")
@office_required
def theme_move(round_id, theme_id):
    """Move the chosen suggestions to another theme of the round: a recompute leaves them there."""
    theme = _theme(round_id, theme_id)
    form = ThemeMoveForm.for_theme(theme_overview.other_themes(theme))

    def act(t, f):
        chosen = _chosen(t)
        if not chosen:
            raise SolicitationError("nothing_chosen", field="to_theme")
        target = next(iter(theme_overview.round_themes(t.round_id, [f.to_theme.data])), None)
        if target is None:
            raise SolicitationError("theme_other_round", field="to_theme")
        services.move_suggestions(actor=current_user, suggestions=chosen, theme=target)
        return t

    return _edit(round_id, theme_id, "move", form, act, _("Suggestions moved."))


@bp.post("/rounds/<int:round_id>/themes/<int:theme_id>/bulk")
@office_required
def theme_bulk_confirm(round_id, theme_id):
    """Preview a triage action on the chosen suggestions of the theme, or on all of them, then confirm it through
    the suggestions' bulk triage (each suggestion changed and audited on its own)."""
    theme = _theme(round_id, theme_id)
    round = theme.round
    form = BulkTriageForm.for_round(queries.submitted_proposals(round.id))
    if form.validate_on_submit():
        try:
            if form.all_matching.data:
                outcome = background_triage.preview_all_matching(
                    actor=current_user,
                    round=round,
                    selection=background_triage.Selection(theme_id=theme.id),
                    choice=form.choice(),
                )
            else:
                outcome = suggestion_services.preview_triage(
                    actor=current_user, round=round, suggestions=_chosen(theme), choice=form.choice()
                )
        except DomainError as error:
            show_error(form, error)
        else:
            back = url_for("solicitation.theme_detail", round_id=round.id, theme_id=theme.id)
            return render_template(
                "solicitation/suggestion_bulk.html",
                round=round,
                form=form,
                outcome=outcome,
                applied=False,
                back_to=back,
                theme=theme,
            )
    return _render_theme(theme, forms={"bulk": form}, status=400)


@bp.post("/rounds/<int:round_id>/themes/<int:theme_id>/publish")
@office_required
def theme_publish(round_id, theme_id):
    """Publish the theme on “What we heard” under the name the office approves, with its reply."""
    return _edit(
        round_id,
        theme_id,
        "publish",
        ThemePublishForm(),
        lambda t, f: theme_publishing.publish_theme(
            actor=current_user, theme=t, name=f.public_name.data, reply=f.public_reply.data
        ),
        _("The theme is published on “What we heard”."),
    )


@bp.post("/rounds/<int:round_id>/themes/<int:theme_id>/withdraw")
@office_required
def theme_withdraw(round_id, theme_id):
    """Take the theme off “What we heard”."""
    theme = _theme(round_id, theme_id)
    try:
        theme_publishing.withdraw_theme(actor=current_user, theme=theme)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The theme is taken off “What we heard”."), "success")
    return redirect(url_for("solicitation.theme_detail", round_id=round_id, theme_id=theme.id))
