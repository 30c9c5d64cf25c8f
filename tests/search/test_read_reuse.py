"""Issues 12 and 16: what a search request reuses instead of building again.

One Sudachi dictionary for the process, however many threads answer requests (the dev server
starts a thread per request); the index searcher until the index changes; the vocabulary of
query words until a label changes.
"""

import threading
from urllib.parse import quote

import pytest
from django.test import Client

from search import analysis, query_words, service
from search.backends.embedded import EmbeddedBackend
from taxonomy.models import Term

from .test_contract import doc


def test_requests_in_threads_of_their_own_share_the_dictionary(monkeypatch, db):
    # runserver answers each request in a new thread: a dictionary per thread cost 35-50 ms per
    # request (issue 12). Counted from a cold process: one dictionary for all requests.
    made = []
    real = analysis.Dictionary

    def counting(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis, "Dictionary", counting)
    monkeypatch.setattr(analysis, "_DICTIONARY", None)
    statuses = []

    def request():
        response = Client().get("/api/v1/search/?q=" + quote("後継者の育成"))
        statuses.append(response.status_code)

    for _ in range(3):
        thread = threading.Thread(target=request)
        thread.start()
        thread.join()
    assert statuses == [200, 200, 200]
    assert len(made) == 1


def test_the_searcher_is_kept_until_the_index_changes(tmp_path):
    engine = EmbeddedBackend(tmp_path / "index")
    engine.index([doc(1, "価格交渉の事例", "傾聴を重視した。", industry="E")])
    first = engine._searcher()
    assert engine._searcher() is first  # nothing committed: no reload, no new searcher
    engine.index([doc(2, "傾聴の事例", "社長の話を傾聴した。", industry="M")])
    second = engine._searcher()
    assert second is not first  # a commit is seen at once, by the next search
    assert second.num_docs == 2
    engine.delete([1])
    assert engine._searcher().num_docs == 1


@pytest.mark.django_db
def test_query_words_are_read_again_only_after_a_label_changes(monkeypatch):
    built = []
    real = query_words.vocabulary

    def counting():
        built.append(1)
        return real()

    monkeypatch.setattr(query_words, "vocabulary", counting)
    service.facet_vocabulary()
    built.clear()
    service.facet_vocabulary()
    service.facet_vocabulary()
    assert built == []
    term = Term.objects.get(vocabulary="owner_age", code="60s")
    term.label = "60代の経営者"
    term.save()  # taxonomy.terms forgets its copy
    assert "60代の経営者" in service.facet_vocabulary()
    assert built == [1]
