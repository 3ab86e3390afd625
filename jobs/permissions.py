"""Who may see a job, and who runs the list of jobs."""

from accounts.permissions import is_office


def can_manage_jobs(user) -> bool:
    """The office sees every job, failed ones with their error, and queues a failed one again."""
    return is_office(user)


def can_view_job(user, job) -> bool:
    """Whoever enqueued a job follows it (and downloads what it made); the office sees them all."""
    if not user.is_authenticated:
        return False
    return is_office(user) or (job.created_by_id is not None and job.created_by_id == user.id)


TEMPLATE_PREDICATES = {"can_manage_jobs": can_manage_jobs, "can_view_job": can_view_job}
