from django_tasks import task


@task()
def send_due_survey_requests() -> int:
    """Sends the survey requests whose start date has come (deferred to the start date)."""
    from .services import send_due_requests

    return send_due_requests()
