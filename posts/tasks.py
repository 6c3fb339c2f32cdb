"""Background work of the posts app (run by the worker; see radrounds.background)."""

from django_tasks import task

from posts.services.search_index import search_index_rebuild


@task()
def rebuild_search_index() -> int:
    """Rebuild the full-text index from every post; returns how many were indexed."""
    return search_index_rebuild()
