"""The quarterly bulletins (季度跟踪通报): every project's status with the office's remarks, as a page and a Word
document."""

from flask import abort, flash, redirect, render_template, request, url_for
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
from plan.services import bulletins, documents
from plan.views import bp
from plan.views.public import stored_pdf_response


def _bulletin_rows(plan, quarter, bulletin):
    """The bulletin's rows as the page and the document show them."""
    remarks = bulletin.remarks if bulletin else {}
    return [
        {
            "project": project,
            "part": project.part_title,
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
        "plan/bulletin.html",
        plan=plan,
        quarter=quarter,
        bulletin=current,
        rows=_bulletin_rows(plan, quarter, current),
        pdf=queries.document_pdf(bulletin_id=current.id) if current and current.issued_at else None,
    )


@bp.get("/plans/<int:plan_id>/bulletins/<int:quarter>.docx")
@login_required
def bulletin_document(plan_id, quarter):
    """The quarter's bulletin as a Word document."""
    plan = db.get_or_404(Plan, plan_id, options=[queries.PROJECT_ROWS])
    require(can_view_plan(current_user) and quarter in (1, 2, 3, 4))
    return docx_response(documents.bulletin_document(plan, quarter), filename=f"{plan.title}第{quarter}季度跟踪通报")


@bp.get("/plans/<int:plan_id>/bulletins/<int:quarter>.pdf")
@login_required
def bulletin_pdf(plan_id, quarter):
    """The issued bulletin as the PDF made when it was issued; until the worker has made it, a page saying so."""
    plan = db.get_or_404(Plan, plan_id)
    require(can_view_plan(current_user) and quarter in (1, 2, 3, 4))
    issued = queries.bulletin_of(plan.id, quarter)
    if issued is None or issued.issued_at is None:
        abort(404)
    return stored_pdf_response(queries.document_pdf(bulletin_id=issued.id))
