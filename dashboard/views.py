"""The dashboard's pages: a round's figures as charts, each with its numbers as a table, and all as one sheet."""

from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from accounts.permissions import login_required, require
from core import clock
from core.exports import Document, table_response
from core.lists import export_format
from dashboard import charts, queries
from dashboard.permissions import can_view_dashboard
from extensions import db
from plan import queries as plan_queries
from solicitation.models import Category, Round
from solicitation.queries import campaign_count, theme_overview

bp = Blueprint("dashboard", __name__)

PROPOSAL_STEPS = {
    "received": _l("Received"),
    "reviewed": _l("Reviewed"),
    "shortlisted": _l("Shortlisted"),
    "selected": _l("Selected"),
}
SUGGESTION_STEPS = {
    "received": _l("Received"),
    "taken_up": _l("Taken up by the office"),
    "proposal": _l("Fed a proposal"),
    "key_project": _l("Fed a key project"),
}
# Beside the suggestions' funnel, not a step of it: a proposal may be drafted from a suggestion no expert screened.
SUGGESTION_ASIDE = {"screened": _l("Sent to expert screening")}
NO_PROPOSALS, NO_SUGGESTIONS = _l("No proposals received yet."), _l("No suggestions received yet.")


class Spec(NamedTuple):
    """What a figure shows: its anchor, the RoundFigures field it draws, its words, and what it says when empty.

    `kind` is a funnel's steps, or the header of the column that a count chart's labels fill; `aside` a funnel's
    counts that are no step of it.
    """

    key: str
    field: str
    title: str
    caption: str
    kind: dict | str
    empty: str
    aside: dict = {}


FUNNELS = [
    Spec(
        "proposal-funnel",
        "proposal_funnel",
        _l("Proposals: from received to selected"),
        _l(
            "Each step counts the proposals that reached it or a later one, so each is part of the step before. "
            "Received: submitted to the office. Reviewed: at least one expert review submitted. Shortlisted and "
            "selected: the office's screening; a proposal selected without a shortlist counts as shortlisted."
        ),
        PROPOSAL_STEPS,
        NO_PROPOSALS,
    ),
    Spec(
        "suggestion-funnel",
        "suggestion_funnel",
        _l("Residents' suggestions: from received to a key project"),
        _l(
            "Each step counts the suggestions that reached it or a later one, so each is part of the step before: "
            "taken up by the office at triage (including those later not adopted), linked to a proposal, linked to "
            "a proposal that became a key project of the plan. Below the line, not a step: those sent to at least "
            "one expert for screening (a proposal may be drafted from a suggestion no expert screened)."
        ),
        SUGGESTION_STEPS,
        NO_SUGGESTIONS,
        SUGGESTION_ASIDE,
    ),
]
COUNTS = [
    Spec(
        "proposals-by-category",
        "proposals_by_category",
        _l("Proposals by category"),
        _l("The proposals received, by reform field."),
        _l("Category"),
        NO_PROPOSALS,
    ),
    Spec(
        "proposals-by-unit-kind",
        "proposals_by_unit_kind",
        _l("Proposals by kind of proposing unit"),
        _l("The proposals received, by the kind of unit that proposed them."),
        _l("Unit kind"),
        NO_PROPOSALS,
    ),
    Spec(
        "suggestions-by-channel",
        "suggestions_by_channel",
        _l("Suggestions by channel"),
        _l("The residents' suggestions, by the channel they came through."),
        _l("Channel"),
        NO_SUGGESTIONS,
    ),
    Spec(
        "suggestions-by-category",
        "suggestions_by_category",
        _l("Suggestions by category"),
        _l("The residents' suggestions, by reform field."),
        _l("Category"),
        NO_SUGGESTIONS,
    ),
]
# The battle map's colours of a project's status, so both pages read alike.
STATUS_COLOURS = {"on_track": "#1e7b34", "lagging": "#b42318", "completed": "#0b5cad"}
EXPORT_COLUMNS = [(_l("Chart"), itemgetter(0)), (_l("Label"), itemgetter(1)), (_l("Value"), itemgetter(2))]


@dataclass
class Figure:
    """One chart of the page: its anchor, its words, the numbers its table shows, and the chart itself."""

    key: str
    title: str
    caption: str
    headers: tuple[str, str, str | None]  # the table's label, value and (if any) note columns
    rows: list[tuple[str, object, str]]  # label, value, note
    svg: Markup  # built from escaped parts

    def export_rows(self) -> list[tuple[str, str, object]]:
        """(chart, label, value) rows; a note goes with its label."""
        return [(self.title, f"{label} · {note}" if note else label, value) for label, value, note in self.rows]


def _label(item) -> str:
    """A category's name, an enum member's label, or the word for no category."""
    if item is None:
        return _("No category")
    return item.name if isinstance(item, Category) else str(item.label)


def _funnel(spec: Spec, counts: dict[str, int]) -> Figure:
    """A funnel's steps, with the share of each step that reached the next, and its counts beside them."""
    steps = [(str(label), counts[step]) for step, label in spec.kind.items()]
    aside = [(str(label), counts[key]) for key, label in spec.aside.items()]
    rows = [(label, count, "") for label, count in steps + aside]
    svg = charts.funnel_chart(
        steps,
        title=str(spec.title),
        empty=str(spec.empty),
        conversion=lambda share: _("%(share)s of the step before", share=share),
        aside=aside,
    )
    return Figure(spec.key, str(spec.title), str(spec.caption), (_("Step"), _("Count"), None), rows, Markup(svg))


def _counts(spec: Spec, counts: list[tuple[object, int]]) -> Figure:
    """Counts by category, channel or kind, as horizontal bars."""
    rows = [(_label(item), count, "") for item, count in counts]
    svg = charts.bar_chart(
        [charts.Bar(label, count) for label, count, _note in rows], title=str(spec.title), empty=str(spec.empty)
    )
    return Figure(spec.key, str(spec.title), str(spec.caption), (str(spec.kind), _("Count"), None), rows, Markup(svg))


def _histogram(bands: list[tuple[int, int, int]]) -> Figure:
    """The proposals by their mean review total, in bands of the 0–100 scale."""
    title = _("Proposals by mean review total")
    rows = [(f"{low}–{high}", count, "") for low, high, count in bands]
    svg = charts.histogram(
        [(band, count) for band, count, _note in rows],
        title=title,
        empty=_("No proposal has a review that counts yet."),
        axis_label=_("Mean review total (out of 100 points)"),
    )
    caption = _(
        "How many proposals have their mean review total in each band of the scale, the mean as the ranking "
        "computes it (reviews with a conflict of interest left out)."
    )
    return Figure("score-histogram", title, caption, (_("Mean review total"), _("Proposals"), None), rows, Markup(svg))


def _progress(rows: list) -> Figure:
    """Each key project's latest share done that the office accepted, coloured by its status."""
    title, bars, table = _("Plan progress"), [], []
    several = len({project.plan_id for project, _report in rows}) > 1
    for project, report in rows:
        label = f"{project.number}、{project.title}"
        if project.part:  # the plan's grouping kept: its part (板块) before each project
            label = f"{project.part.title} · {label}"
        if several:  # with several plans in the round, their numbers repeat: each label says its plan
            label = f"{project.plan.title} · {label}"
        if report is None:
            note = _("No accepted report yet")
            bars.append(charts.Bar(label, None, note))
            table.append((label, None, note))
            continue
        colour = STATUS_COLOURS.get(report.status.value, charts.BAR)
        bars.append(charts.Bar(label, report.percent, f"{report.percent}% · {report.status.label}", colour))
        table.append((label, report.percent, f"{report.status.label} · {_('Q%(q)s', q=report.quarter)}"))
    svg = charts.bar_chart(bars, title=title, empty=_("This round has no plan yet."), maximum=100)
    caption = _(
        "Each key project's share done in its latest quarterly report accepted by the office, coloured by the "
        "status it reported."
    )
    headers = (_("Key project"), _("Share done (percent)"), _("Status"))
    return Figure("plan-progress", title, caption, headers, table, Markup(svg))


def _leads(rows: list) -> Figure:
    """Who leads the plan's key projects: how many each kind of lead unit leads (区直单位牵头34项、各镇牵头11项)."""
    title = _("Who leads the key projects")
    counts = [(kind.label, count, "") for kind, count in plan_queries.lead_counts([project for project, _r in rows])]
    svg = charts.bar_chart(
        [charts.Bar(label, count) for label, count, _n in counts], title=title, empty=_("This round has no plan yet.")
    )
    caption = _("How many of the plan's key projects each kind of unit leads, one lead unit a project.")
    return Figure("plan-leads", title, caption, (_("Kind of lead unit"), _("Key projects"), None), counts, Markup(svg))


def _figures(figures: queries.RoundFigures) -> list[Figure]:
    """The round's figures, labelled and drawn, in the order the page shows them."""
    return [
        *(_funnel(spec, getattr(figures, spec.field)) for spec in FUNNELS),
        *(_counts(spec, getattr(figures, spec.field)) for spec in COUNTS),
        _histogram(figures.score_histogram),
        _leads(figures.plan_progress),
        _progress(figures.plan_progress),
    ]


@bp.get("/dashboard")
@login_required
def dashboard_index():
    """Open the newest round's dashboard."""
    require(can_view_dashboard(current_user))
    round = queries.newest_round()
    if round is None:
        return render_template("dashboard/dashboard.html", round=None, rounds=[], figures=[])
    return redirect(url_for("dashboard.round_dashboard", round_id=round.id))


@bp.get("/rounds/<int:round_id>/dashboard")
@login_required
def round_dashboard(round_id):
    """A round's figures as charts with their numbers, or (`?export=xlsx|csv`) every figure as one table."""
    round = db.get_or_404(Round, round_id)
    require(can_view_dashboard(current_user))
    figures = _figures(queries.round_figures(round.id))
    if fmt := export_format():
        rows = [row for figure in figures for row in figure.export_rows()]
        document = Document(subject=_("Figures"), scope=round.title)
        return table_response(
            filename=f"dashboard-{round.year}", columns=EXPORT_COLUMNS, rows=rows, fmt=fmt, document=document
        )
    return render_template(
        "dashboard/dashboard.html",
        round=round,
        rounds=queries.rounds(),
        figures=figures,
        campaigns=campaign_count(round.id),
        largest_themes=theme_overview.largest_themes(round.id),
        growing_themes=theme_overview.growing_themes(round.id, clock.today()),
    )
