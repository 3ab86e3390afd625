"""The annual plan (改革计划文本) of a round, its key projects (重点改革项目), their quarterly milestones and tasks,
the quarterly progress and the bulletins, one module per record. Each name is also exported here, as `plan.models.x`."""

from plan.models.bulletins import Bulletin, BulletinRead
from plan.models.documents import DocumentPdf
from plan.models.key_projects import KeyProject, Milestone, Rating, key_project_cooperating_units
from plan.models.plans import PLAN_TRANSITIONS, Numbering, Plan, PlanPart, PlanStatus, PlanVersion
from plan.models.progress import (
    REACHED_OFFICE,
    REPORT_EDITABLE,
    ProgressAttachment,
    ProgressReminder,
    ProgressReport,
    ProgressStatus,
    ReportState,
    TaskProgress,
)
from plan.models.tasks import Task

__all__ = [
    "Bulletin",
    "BulletinRead",
    "DocumentPdf",
    "Rating",
    "key_project_cooperating_units",
    "KeyProject",
    "Milestone",
    "PlanStatus",
    "PLAN_TRANSITIONS",
    "Plan",
    "PlanPart",
    "Numbering",
    "PlanVersion",
    "ProgressStatus",
    "ReportState",
    "REPORT_EDITABLE",
    "REACHED_OFFICE",
    "ProgressReport",
    "TaskProgress",
    "ProgressAttachment",
    "ProgressReminder",
    "Task",
]
