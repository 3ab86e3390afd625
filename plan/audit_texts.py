"""How the audit log reads the plan's events (accounts.audit_text): plans, key projects, tasks and progress
reports; fields as the forms name them."""

from flask_babel import lazy_gettext as _l

from accounts.audit_text import RecordText, form_labels
from plan.forms import FIELD_LABELS, AssessmentRowForm, ProgressForm, ReturnReportForm, TaskForm
from plan.models import Numbering, PlanStatus, ProgressStatus, Rating, ReportState

STATUS = _l("Status")

AUDIT_TEXTS = {
    "Plan": RecordText(
        name=_l("plan"),
        verbs={
            "plan.create": _l("created"),
            "plan.transition": _l("moved"),
            "plan.report_day": _l("set the reporting day of"),
            "plan.layout": _l("set the numbering and the lead leaders' rule of"),
            "plan.add_part": _l("added a part to"),
            "plan.rename_part": _l("renamed a part of"),
            "plan.move_part": _l("moved a part of"),
            "plan.delete_part": _l("deleted a part of"),
            "plan.import_projects": _l("imported key projects into"),
            "progress.import": _l("imported progress reports into"),
            "progress.remind": _l("reminded lead units of"),
            "bulletin.save": _l("saved a bulletin of"),
            "bulletin.issue": _l("issued a bulletin of"),
        },
        fields={
            "title": FIELD_LABELS["title"],
            "status": STATUS,
            "meeting": FIELD_LABELS["meeting"],
            "approved_on": FIELD_LABELS["approved_on"],
            "document_number": FIELD_LABELS["document_number"],
            "quarter": _l("Quarter"),
            "part": FIELD_LABELS["part"],
            "part_position": _l("Position"),
            "numbering": FIELD_LABELS["numbering"],
            "requires_lead_leader": FIELD_LABELS["requires_lead_leader"],
            "projects": _l("Key projects"),
            "file": _l("File"),
            "rows": _l("Rows"),
            "summary": _l("Summary"),
            "remarks": _l("Remarks"),
        },
        values={"status": PlanStatus, "numbering": Numbering},
    ),
    "KeyProject": RecordText(
        name=_l("key project"),
        verbs={
            "key_project.create": _l("added"),
            "key_project.update": _l("edited"),
            "key_project.delete": _l("removed"),
            "key_project.move": _l("moved"),
            "key_project.assess": _l("assessed"),
        },
        fields={
            **{name: label for name, label in FIELD_LABELS.items() if name},
            "category_id": FIELD_LABELS["category"],
            "part_id": FIELD_LABELS["part"],
            "lead_unit_id": FIELD_LABELS["lead_unit"],
            "lead_leader_id": FIELD_LABELS["lead_leader"],
            "position": _l("Position"),
            "origin": _l("Origin"),
            **form_labels(AssessmentRowForm, "rating", "evaluation", "replicable"),
        },
        values={"rating": Rating},
    ),
    "Task": RecordText(
        name=_l("task"),
        verbs={"task.create": _l("added"), "task.update": _l("edited"), "task.delete": _l("removed")},
        fields=form_labels(TaskForm, "title", "weight", "owner_unit_id", "due_quarter"),
    ),
    "ProgressReport": RecordText(
        name=_l("progress report"),
        verbs={
            "progress.save": _l("saved"),
            "progress.submit": _l("submitted"),
            "progress.review": _l("reviewed"),
        },
        fields={
            **form_labels(ProgressForm, "percent", "status", "achievements", "problems", "next_steps"),
            "state": _l("Review"),
            "comment": ReturnReportForm.comment.args[0],
            "office_comment": ReturnReportForm.comment.args[0],
            "files": _l("Files"),
            "tasks": _l("Tasks"),
        },
        values={"status": ProgressStatus, "state": ReportState},
    ),
}
