"""A key project's pace: the share it should have done by a quarter, and whether a report finds it behind (滞后)."""

from plan.models import ProgressReport, ProgressStatus, Task


def expected_share(tasks: list[Task], quarter: int) -> int:
    """The share (percent) a project should have done by the end of `quarter`: the weight of its tasks due by then,
    or, for a project not broken into tasks, an even quarter a quarter."""
    total = sum(task.weight for task in tasks)
    if not total:
        return 25 * quarter
    return round(100 * sum(task.weight for task in tasks if task.due_quarter <= quarter) / total)


def is_behind(report: ProgressReport, tasks: list[Task]) -> bool:
    """Whether a report finds its project behind: the lead unit says it lags, or its share done is below the
    quarter's milestone (`expected_share`)."""
    if report.status is ProgressStatus.completed:
        return False
    return report.status is ProgressStatus.lagging or report.percent < expected_share(tasks, report.quarter)
