"""Published pages for the cache tests: the shared case factory, with names of their own."""

import factory

from tests import factories


class CasePageFactory(factories.CasePageFactory):
    """A published case under the case index (signals sent, as the admin does)."""

    title = factory.Sequence(lambda n: f"キャッシュ試験の事例{n:03d}")
    slug = factory.Sequence(lambda n: f"cache-case-{n:03d}")
    external_id = factory.Sequence(lambda n: f"cache-{n:03d}")
    lead = "製造業の事業承継で、後継者が自分の言葉で方針を語れるようになった事例。"
    region = "hokuriku"
