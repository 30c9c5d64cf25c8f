"""Published pages for the cache tests, made through Wagtail (add_child, revision, publish)."""

import factory

from cases.models import CaseIndexPage, CasePage, CaseSection


class CasePageFactory(factory.Factory):
    """A published case under the case index (signals sent, as the admin does)."""

    class Meta:
        model = CasePage

    title = factory.Sequence(lambda n: f"キャッシュ試験の事例{n:03d}")
    slug = factory.Sequence(lambda n: f"cache-case-{n:03d}")
    external_id = factory.Sequence(lambda n: f"cache-{n:03d}")
    lead = "製造業の事業承継で、後継者が自分の言葉で方針を語れるようになった事例。"
    industry = "E"
    region = "hokuriku"
    employees = "21-50"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        page = model_class(*args, **kwargs)
        page.sections = [
            CaseSection(phase="trust", heading="初回", body=[("text", "対話から始めた。")])
        ]
        CaseIndexPage.objects.get().add_child(instance=page)
        page.save_revision().publish()
        return CasePage.objects.get(pk=page.pk)
