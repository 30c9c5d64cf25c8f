from django_tasks import task

from .sending import send_due_requests


@task()
def send_due_survey_requests() -> int:
    """Sends the survey requests whose start date has come (deferred to the start date)."""
    return send_due_requests()
