"""Rules of the plan package, as codes with the messages people read."""

from flask_babel import lazy_gettext as _l

from core.errors import DomainError


class PlanError(DomainError):
    messages = {
        "round_not_planning": _l("The plan is drafted once the round has moved to “Drafting the plan”."),
        "plan_exists": _l("This round already has a plan titled %(title)s."),
        "field_required": _l("This field is required."),
        "plan_not_draft": _l("The plan is “%(status)s”: key projects change only while it is a draft."),
        "transition_not_allowed": _l("A plan that is “%(current)s” cannot become “%(target)s”."),
        "plan_empty": _l("A plan needs at least one key project."),
        "project_incomplete": _l("Project %(number)s needs a lead district leader."),
        "project_without_lead_unit": _l("Project %(number)s needs a lead unit."),
        "meeting_required": _l("Give the meeting that approved the plan and its date."),
        "title_required": _l("A key project needs a title."),
        "category_not_in_round": _l("Choose one of this round's categories."),
        "lead_leader_not_leader": _l("Choose the account of an active district leader, or write the leader's name."),
        "cannot_move": _l("Give a place from 1 to %(count)s."),
        "part_not_in_plan": _l("Choose one of this plan's parts."),
        "part_title_required": _l("A part needs a title."),
        "part_not_empty": _l("Move the part's key projects to another part before deleting it."),
        "cannot_move_part": _l("The part is already at that end of the list."),
        "plan_not_published": _l("Progress is reported once the plan is published."),
        "not_lead_unit": _l("Only the lead unit of the project reports its progress."),
        "quarter_out_of_range": _l("A quarter is 1, 2, 3 or 4."),
        "percent_out_of_range": _l("The share done goes from 0 to 100."),
        "report_locked": _l("The report is with the office (“%(state)s”); it changes if the office returns it."),
        "report_incomplete": _l("Say what was achieved before submitting."),
        "report_not_submitted": _l("Only a submitted report can be accepted or returned."),
        "no_report_chosen": _l("Choose at least one submitted report of this plan."),
        "return_comment_required": _l("Say why the report is returned, so the unit knows what to add."),
        "bulletin_issued": _l("This bulletin has been issued; it no longer changes."),
        "rating_required": _l("Choose a rating for the evaluation written."),
        "evaluation_required": _l("Write the evaluation that goes with the rating."),
        "import_unknown_project": _l("The plan has no project numbered %(number)s, or it comes twice."),
        "import_unknown_status": _l("Unknown status “%(value)s”: write 正常推进, 滞后 or 已完成."),
        "nobody_to_remind": _l("Every lead unit has reported for this quarter."),
        "tasks_not_yours": _l("Only the reform office and the project's lead unit keep its tasks."),
        "task_title_required": _l("Say what the task is."),
        "weight_out_of_range": _l("A task's weight goes from 1 to 100."),
        "unknown_unit": _l("Choose a unit from the list."),
        "import_unknown_unit": _l(
            "No active unit is named “%(value)s”: write the units' names as the platform has them."
        ),
        "task_has_progress": _l("Reports have given this task's progress; it stays in the work plan."),
        "task_percent_missing": _l("Give how far the task “%(task)s” has come, from 0 to 100."),
        "report_day_out_of_range": _l("Reports fall due on a day from 1 to 28 of the quarter's last month."),
    }
