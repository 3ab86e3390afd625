"""Unit proposals: the unit drafts, edits, submits and withdraws; the office lists, reads and returns."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from accounts.models import Unit
from accounts.permissions import is_office, login_required, office_required, require
from core.errors import DomainError
from core.exports import Kind
from core.forms import form_status, show_error
from core.lists import list_or_export
from core.storage import download_response
from extensions import db
from solicitation import queries
from solicitation.forms import (
    AttachmentForm,
    LateSubmissionForm,
    ProposalFilterForm,
    ProposalForm,
    RecordedProposalForm,
    ReturnProposalForm,
)
from solicitation.models import Proposal, ProposalAttachment, Round
from solicitation.permissions import (
    can_download_attachment,
    can_edit_proposal,
    can_list_proposals,
    can_propose,
    can_return_proposal,
    can_view_proposal,
    is_proposing_unit,
)
from solicitation.services import proposals as services
from solicitation.views import bp

PROPOSAL_COLUMNS = [
    (_l("Number"), lambda p: p.id, Kind.number),
    (_l("Project title"), lambda p: p.title),
    (_l("Unit"), lambda p: p.unit.name),
    (_l("Unit kind"), lambda p: p.unit.kind.label, Kind.status),
    (_l("Category"), lambda p: p.category.name if p.category else ""),
    (_l("Status"), lambda p: p.status.label, Kind.status),
    (_l("First submitted"), lambda p: p.submitted_at, Kind.datetime),
    (_l("Cooperating units"), lambda p: "、".join(u.name for u in p.cooperating_units)),
    (_l("Contact person"), lambda p: p.contact_name),
    (_l("Contact phone"), lambda p: p.contact_phone, Kind.code),
]


@bp.get("/rounds/<int:round_id>/proposals")
@login_required
def proposal_list(round_id):
    """List the round's proposals the reader may see, with filters and counts, or export them."""
    round = db.get_or_404(Round, round_id)
    require(can_list_proposals(current_user))
    office = is_office(current_user)
    filters = ProposalFilterForm.for_round(round, office=office)
    query = queries.proposals(
        current_user,
        round_id=round.id,
        q=filters.q.data or "",
        unit_id=filters.unit.data if office else None,
        unit_kind=filters.unit_kind.data if office else None,
        category_id=filters.category.data,
        status=filters.status.data,
    )
    return list_or_export(
        query,
        filename=f"proposals-{round.year}",
        columns=PROPOSAL_COLUMNS,
        subject=_("Proposals"),
        scope=round.title,
        template="solicitation/proposal_list.html",
        round=round,
        filters=filters,
        of_page=lambda _page: {
            "counts": queries.counts_by_status(query),
            "window_open": can_propose(current_user) and services.window_open(round=round, unit=current_user.unit),
            "late_form": LateSubmissionForm.with_units() if office else None,
        },
    )


def _save_and_maybe_submit(form, proposal):
    """After a save: submit too when that button was pressed; say what happened either way."""
    if request.form.get("action") != "submit":
        flash(_("Draft saved."), "success")
        return redirect(url_for("solicitation.proposal_detail", proposal_id=proposal.id))
    try:
        services.submit_proposal(actor=current_user, proposal=proposal)
    except DomainError as error:
        show_error(form, error)
        if form.lock_version:  # the draft was saved: a next save starts from its new version
            form.lock_version.data = proposal.lock_version
        flash(_("The draft is saved but not submitted yet."), "info")
        return render_template("solicitation/proposal_form.html", form=form, round=proposal.round, proposal=proposal)
    flash(_("Proposal submitted to the reform office."), "success")
    return redirect(url_for("solicitation.proposal_detail", proposal_id=proposal.id))


@bp.route("/rounds/<int:round_id>/proposals/new", methods=["GET", "POST"])
@login_required
def proposal_create(round_id):
    """Draft a new proposal for the reader's unit (and submit it at once if asked)."""
    round = db.get_or_404(Round, round_id)
    require(can_propose(current_user))
    form = ProposalForm.for_proposal(round=round, unit_id=current_user.unit_id)
    if form.validate_on_submit():
        try:
            proposal = services.create_proposal(
                actor=current_user,
                round=round,
                fields=form.proposal_fields(),
                cooperating_unit_ids=form.cooperating_unit_ids.data,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            return _save_and_maybe_submit(form, proposal)
    return render_template("solicitation/proposal_form.html", form=form, round=round, proposal=None)


@bp.route("/rounds/<int:round_id>/proposals/record", methods=["GET", "POST"])
@office_required
def proposal_record(round_id):
    """Record a proposal a unit sent outside the platform, with the date it sent it (a past round)."""
    round = db.get_or_404(Round, round_id)
    form = RecordedProposalForm.for_round(round)
    if form.validate_on_submit():
        try:
            proposal = services.record_proposal(
                actor=current_user,
                round=round,
                unit=db.get_or_404(Unit, form.unit_id.data),
                fields=form.proposal_fields(),
                submitted_on=form.submitted_on.data,
                cooperating_unit_ids=form.cooperating_unit_ids.data,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Proposal recorded on behalf of %(unit)s.", unit=proposal.unit.name), "success")
            return redirect(url_for("solicitation.proposal_detail", proposal_id=proposal.id))
    return render_template("solicitation/proposal_record.html", form=form, round=round), form_status(form)


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def proposal_edit(proposal_id):
    """Edit a draft or returned proposal (and submit it if asked)."""
    proposal = db.get_or_404(Proposal, proposal_id)
    require(can_edit_proposal(current_user, proposal))
    form = ProposalForm.for_proposal(round=proposal.round, unit_id=proposal.unit_id, proposal=proposal.as_revised())
    if form.validate_on_submit():
        try:
            services.update_proposal(
                actor=current_user,
                proposal=proposal,
                fields=form.proposal_fields(),
                cooperating_unit_ids=form.cooperating_unit_ids.data,
                expected_version=form.expected_version,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            return _save_and_maybe_submit(form, proposal)
    page = render_template("solicitation/proposal_form.html", form=form, round=proposal.round, proposal=proposal)
    return page, form_status(form)


@bp.get("/proposals/<int:proposal_id>")
@login_required
def proposal_detail(proposal_id):
    """Show a proposal, its attachments and the actions open to the reader."""
    proposal = db.get_or_404(Proposal, proposal_id)
    require(can_view_proposal(current_user, proposal))
    return _render_detail(proposal)


def _render_detail(proposal, *, return_form=None, attachment_form=None, status=200):
    return render_template(
        "solicitation/proposal_detail.html",
        proposal=queries.proposal_as_seen_by(current_user, proposal),
        missing=[ProposalForm.label_of(name) for name in services.missing_for_submission(proposal)],
        return_form=return_form or ReturnProposalForm(formdata=None),
        attachment_form=attachment_form or AttachmentForm.with_limit(current_app.config["ATTACHMENT_MAX_BYTES"]),
    ), status


@bp.post("/proposals/<int:proposal_id>/submit")
@login_required
def proposal_submit(proposal_id):
    """Submit a draft or returned proposal to the office."""
    proposal = db.get_or_404(Proposal, proposal_id)
    require(can_edit_proposal(current_user, proposal))
    try:
        services.submit_proposal(actor=current_user, proposal=proposal)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Proposal submitted to the reform office."), "success")
    return redirect(url_for("solicitation.proposal_detail", proposal_id=proposal.id))


@bp.post("/proposals/<int:proposal_id>/withdraw")
@login_required
def proposal_withdraw(proposal_id):
    """Withdraw a proposal of the reader's unit, or say why it no longer can be."""
    proposal = db.get_or_404(Proposal, proposal_id)
    require(is_proposing_unit(current_user, proposal))
    try:
        services.withdraw_proposal(actor=current_user, proposal=proposal)
    except DomainError as error:
        flash(error.message, "error")
        return _render_detail(proposal, status=error.status)
    flash(_("Proposal withdrawn."), "success")
    return redirect(url_for("solicitation.proposal_detail", proposal_id=proposal.id))


@bp.post("/proposals/<int:proposal_id>/return")
@office_required
def proposal_return(proposal_id):
    """Return a submitted proposal to its unit for revision, with the reason."""
    proposal = db.get_or_404(Proposal, proposal_id)
    require(can_return_proposal(current_user, proposal))
    form = ReturnProposalForm()
    if form.validate_on_submit():
        try:
            services.return_proposal(actor=current_user, proposal=proposal, reason=form.reason.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Proposal returned to %(unit)s.", unit=proposal.unit.name), "success")
            return redirect(url_for("solicitation.proposal_detail", proposal_id=proposal.id))
    return _render_detail(proposal, return_form=form, status=400)


@bp.post("/proposals/<int:proposal_id>/attachments")
@login_required
def attachment_add(proposal_id):
    """Attach a file to an editable proposal."""
    proposal = db.get_or_404(Proposal, proposal_id)
    require(can_edit_proposal(current_user, proposal))
    form = AttachmentForm.with_limit(current_app.config["ATTACHMENT_MAX_BYTES"])
    if form.validate_on_submit():
        upload = form.file.data
        try:
            services.add_attachment(
                actor=current_user, proposal=proposal, filename=upload.filename or "", data=upload.read()
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("File attached."), "success")
            return redirect(url_for("solicitation.proposal_detail", proposal_id=proposal.id, _anchor="attachments"))
    return _render_detail(proposal, attachment_form=form, status=form_status(form))


def _load_attachment(proposal_id, attachment_id) -> ProposalAttachment:
    return db.one_or_404(
        select(ProposalAttachment).where(
            ProposalAttachment.id == attachment_id, ProposalAttachment.proposal_id == proposal_id
        )
    )


@bp.post("/proposals/<int:proposal_id>/attachments/<int:attachment_id>/delete")
@login_required
def attachment_delete(proposal_id, attachment_id):
    """Remove an attachment from an editable proposal."""
    attachment = _load_attachment(proposal_id, attachment_id)
    require(can_edit_proposal(current_user, attachment.proposal))
    services.remove_attachment(actor=current_user, attachment=attachment)
    flash(_("Attachment removed."), "success")
    return redirect(url_for("solicitation.proposal_detail", proposal_id=proposal_id, _anchor="attachments"))


@bp.get("/proposals/<int:proposal_id>/attachments/<int:attachment_id>")
@login_required
def attachment_download(proposal_id, attachment_id):
    """Download an attachment, for those who may see its proposal."""
    attachment = _load_attachment(proposal_id, attachment_id)
    require(can_download_attachment(current_user, attachment))
    return download_response(attachment.storage_key, content_type=attachment.content_type, filename=attachment.filename)


@bp.post("/rounds/<int:round_id>/late-submissions")
@office_required
def late_submission_grant(round_id):
    """Let one unit propose after solicitation closed."""
    round = db.get_or_404(Round, round_id)
    form = LateSubmissionForm.with_units()
    if form.validate_on_submit():
        unit = db.get_or_404(Unit, form.unit_id.data)
        try:
            services.grant_late_submission(actor=current_user, round=round, unit=unit, until=form.until.data)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("%(unit)s may submit until %(until)s.", unit=unit.name, until=form.until.data), "success")
    else:
        flash(_("Choose a unit and a date."), "error")
    return redirect(url_for("solicitation.proposal_list", round_id=round.id))
