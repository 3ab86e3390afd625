"""The quarterly bulletins (季度跟踪通报): every project's status with the office's remarks, as a page and a Word
document."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.permissions import login_required, require
from core.errors import DomainError
from core.exports import docx_response
from extensions import db
from plan import queries
from plan.models import Plan
from plan.permissions import (
    can_manage_plan,
    can_view_plan,
)
from plan.services import bulletins
from plan.views import bp
from plan.word_documents import bulletin_docx


def _bulletin_rows(plan, quarter, bulletin):
    """The bulletin's rows as the page and the document show them."""
    remarks = bulletin.remarks if bulletin else {}
    return [
        {
            "project": project,
            "number": project.number,
            "title": project.title,
            "lead_unit": project.lead_unit.name if project.lead_unit else "",
            "status": report.status.label if report else str(_l("Missing")),
            "lagging": report is not None and report.status.value == "lagging",
            "percent": report.percent if report else "—",
            "achievements": report.achievements if report else "",
            "problems": report.problems if report else "",
            "remark": remarks.get(str(project.id), ""),
        }
        for project, report in queries.bulletin_rows(plan, quarter)
    ]


@bp.route("/plans/<int:plan_id>/bulletins/<int:quarter>", methods=["GET", "POST"])
@login_required
def bulletin(plan_id, quarter):
    """季度跟踪通报: every project's status, lagging ones first, with the office's remarks; the office writes it."""
    plan = db.get_or_404(Plan, plan_id, options=[queries.PROJECT_ROWS])
    require(can_view_plan(current_user) and quarter in (1, 2, 3, 4))
    current = queries.bulletin_of(plan.id, quarter)
    if request.method == "POST":
        require(can_manage_plan(current_user))
        issue = request.form.get("action") == "issue"
        remarks = {
            int(key.removeprefix("remark_")): value
            for key, value in request.form.items()
            if key.startswith("remark_") and key.removeprefix("remark_").isdigit()
        }
        try:
            bulletins.save_bulletin(
                actor=current_user,
                plan=plan,
                quarter=quarter,
                summary=request.form.get("summary", ""),
                remarks=remarks,
                issue=issue,
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Bulletin issued.") if issue else _("Bulletin saved."), "success")
        return redirect(url_for("plan.bulletin", plan_id=plan.id, quarter=quarter))
    if current is not None:
        bulletins.mark_bulletin_read(user=current_user, bulletin=current)
    return render_template(
        "plan/bulletin.html", plan=plan, quarter=quarter, bulletin=current, rows=_bulletin_rows(plan, quarter, current)
    )


@bp.get("/plans/<int:plan_id>/bulletins/<int:quarter>.docx")
@login_required
def bulletin_document(plan_id, quarter):
    """The quarter's bulletin as a Word document."""
    plan = db.get_or_404(Plan, plan_id)
    require(can_view_plan(current_user) and quarter in (1, 2, 3, 4))
    current = queries.bulletin_of(plan.id, quarter)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # an official document is in Chinese
        rows = _bulletin_rows(plan, quarter, current)
    data = bulletin_docx(plan_title=plan.title, quarter=quarter, summary=current.summary if current else "", rows=rows)
    return docx_response(data, filename=f"{plan.title}第{quarter}季度跟踪通报")
