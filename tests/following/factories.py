"""Published pages and saved searches for the following tests (factory_boy)."""

import factory
from django.contrib.auth import get_user_model

from cases.models import CaseIndexPage, CasePage, CaseSection
from following.models import SavedSearch
from following.queries import Query
from following.services import saved_search_create
from knowhow.models import KnowHowIndexPage, KnowHowPage
from search import service
from taxonomy import terms


def _publish(page, *, publish: bool):
    if publish:
        page.save_revision().publish()
        # What the search worker does after the commit: the page reaches the index.
        service.drain_outbox()
    else:
        page.save_revision()
    return page


class CasePageFactory(factory.Factory):
    """A case under the case list; published (and indexed) unless publish=False."""

    class Meta:
        model = CasePage

    title = factory.Sequence(lambda n: f"フォロー確認用の事例 {n}")
    slug = factory.Sequence(lambda n: f"following-case-{n}")
    external_id = factory.Sequence(lambda n: f"following-case-{n}")
    lead = "製造業の事業承継で、後継者が自分の言葉で方針を語れるようになった事例。"
    industry = "E"
    region = "hokuriku"
    employees = "21-50"

    @classmethod
    def _create(cls, model_class, *args, publish: bool = True, **kwargs):
        page = model_class(**kwargs)
        page.sections = [
            CaseSection(phase="trust", heading="初回", body=[("text", "対話から始めた。")])
        ]
        CaseIndexPage.objects.get().add_child(instance=page)
        if not publish:
            page.live = False
            page.save()
        return _publish(page, publish=publish)


class KnowHowPageFactory(factory.Factory):
    class Meta:
        model = KnowHowPage

    title = factory.Sequence(lambda n: f"フォロー確認用のノウハウ {n}")
    slug = factory.Sequence(lambda n: f"following-knowhow-{n}")
    skill = factory.LazyFunction(lambda: next(iter(terms.terms("skill"))))
    phases = factory.LazyFunction(lambda: ["trust"])
    summary = "経営者の言葉を待つ間の取り方が身につく。"
    body = factory.LazyFunction(lambda: [("text", "沈黙を恐れずに待つ。")])

    @classmethod
    def _create(cls, model_class, *args, publish: bool = True, **kwargs):
        page = model_class(**kwargs)
        KnowHowIndexPage.objects.get().add_child(instance=page)
        return _publish(page, publish=publish)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    email = factory.Sequence(lambda n: f"follower-{n}@example.test")
    display_name = factory.Sequence(lambda n: f"フォロー {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(password="long-enough-passphrase", **kwargs)


class SavedSearchFactory(factory.Factory):
    """Saved through the service, as the form does (the cap, the starting point)."""

    class Meta:
        model = SavedSearch

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"保存した検索 {n}")
    text = ""
    filters = factory.LazyFunction(dict)
    frequency = SavedSearch.Frequency.DAILY

    @classmethod
    def _create(cls, model_class, *args, user, name, text, filters, frequency, **kwargs):
        return saved_search_create(
            user=user, query=Query.of(text, filters), name=name, frequency=frequency
        )
