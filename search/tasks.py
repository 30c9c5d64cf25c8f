from django_tasks import task


@task()
def drain_search_outbox() -> int:
    """Bring the search index up to date with the outbox (run by the single task worker)."""
    from .service import drain_outbox

    return drain_outbox()
