"""Issue 14: every case search has an Atom feed at a stable address, linked from the list page."""

import re
from urllib.parse import quote

import feedparser
import pytest
from django.conf import settings
from django.urls import reverse

from cases.models import CasePage

from .factories import CasePageFactory, KnowHowPageFactory

pytestmark = pytest.mark.django_db

WORD = "ホヤ養殖"  # in no demo case or know-how


def feed(client, query: str = ""):
    response = client.get(reverse("following:case_feed") + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_a_keyword_feed_lists_published_matches_only(client, private_search_index):
    case = CasePageFactory(title=f"{WORD}の六次産業化で販路を広げた事例")
    article = KnowHowPageFactory(title=f"{WORD}の現場で聴く力")
    draft = CasePageFactory(title=f"{WORD}の下書き事例", live=False)
    parsed = feed(client, f"q={quote(WORD)}")
    titles = [entry.title for entry in parsed.entries]
    assert set(titles) == {case.title, article.title}
    assert draft.title not in parsed.feed.title + " ".join(titles)
    by_title = {entry.title: entry for entry in parsed.entries}
    assert by_title[case.title].link == "http://testserver" + case.url
    assert by_title[article.title].link == "http://testserver" + article.url
    assert [t.term for t in by_title[case.title].tags] == ["支援事例"]
    assert [t.term for t in by_title[article.title].tags] == ["ノウハウ"]
    assert case.lead in by_title[case.title].summary
    assert WORD in parsed.feed.title
    # The feed's page is the case list with the same search.
    assert parsed.feed.link.endswith("/cases/?q=" + quote(WORD))


def test_a_filter_feed_is_newest_first_and_cases_only(client, private_search_index):
    case = CasePageFactory(title="北陸の製造業で理念を言葉にした事例")
    parsed = feed(client, "industry=E&region=hokuriku")
    assert parsed.entries, "絞り込みのフィードが空です"
    # Published today (Japan): newer than every demo case, so first.
    assert parsed.entries[0].title == case.title
    listed = CasePage.objects.live().filter(industry="E", region="hokuriku").count()
    assert len(parsed.entries) == min(listed, 30)
    assert all(entry.tags[0].term == "支援事例" for entry in parsed.entries)


def test_a_page_unpublished_after_indexing_is_not_in_the_feed(client, private_search_index):
    case = CasePageFactory(title=f"{WORD}で公開をやめた事例")
    assert [e.title for e in feed(client, f"q={quote(WORD)}").entries] == [case.title]
    # Unpublished; the index still has it until the worker drains the outbox.
    case.unpublish()
    assert feed(client, f"q={quote(WORD)}").entries == []


def test_the_feed_names_no_person(client, private_search_index, world):
    CasePageFactory(title=f"{WORD}の事例")
    response = client.get(reverse("following:case_feed") + f"?q={quote(WORD)}")
    text = response.content.decode()
    assert "<email>" not in text
    parsed = feedparser.parse(response.content)
    assert parsed.feed.author == settings.WAGTAIL_SITE_NAME
    assert all(
        entry.get("author", settings.WAGTAIL_SITE_NAME) == settings.WAGTAIL_SITE_NAME
        for entry in parsed.entries
    )
    for person in (world.secretariat, world.editor):
        assert person.email not in text and person.display_name not in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("industry=ZZ", "使えないコードです"),
        ("q=" + "あ" * 201, "200 文字以内"),
        ("&".join(["industry=E"] * 101), "絞り込みの条件が多すぎます"),
    ],
)
def test_bad_input_gets_a_japanese_400(client, query, message):
    response = client.get(reverse("following:case_feed") + "?" + query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_list_page_links_its_feed_in_the_head_and_the_body(client):
    response = client.get(
        "/cases/?q=" + quote("傾聴") + "&industry=E&industry=zz&page=2&sort=published"
    )
    html = response.content.decode()
    feed_url = reverse("following:case_feed") + "?q=" + quote("傾聴") + "&amp;industry=E"
    head = html[: html.index("</head>")]
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="この検索の新着（Atom）" href="{feed_url}">'
        in head
    )
    assert re.search(
        rf'<a class="follow__feed" href="{re.escape(feed_url)}"[^>]*>この検索の新着をフィード（Atom）で受け取る</a>',
        html,
    )
    # The unknown code the page ignored is not in the feed's address: the feed opens.
    assert client.get(feed_url.replace("&amp;", "&")).status_code == 200
