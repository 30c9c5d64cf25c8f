from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = _("事例化と公開")

    def ready(self):
        # Imported here: these modules import the models, which are loaded only now.
        from cases.models import CasePage
        from training import packs

        from . import gate, signals
        from .panels import AnonymisationPanel

        gate.install()
        signals.connect()
        # The case editor shows what still blocks publication at the top of its first tab.
        # The cases app does not import publishing (a layer above it), so the panel is added
        # from here, before Wagtail builds and caches the edit handler on first use.
        if not any(isinstance(p, AnonymisationPanel) for p in CasePage.content_panels):
            CasePage.content_panels.insert(0, AnonymisationPanel(heading=_("匿名化チェック")))
        self._connect_media_privacy()
        # Case packs print live pages again when their PDF is made: the same gate re-checks them.
        packs.set_public_check(gate.blocking_problems)

    def _connect_media_privacy(self):
        """Drafts' images and documents stay private until a page using them is published."""
        # Imported here, like those of ready(): media.py and the model getters need the models.
        from django.db.models.signals import post_save, pre_save
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.signals import page_published, page_unpublished

        from . import media

        for model in (get_image_model(), get_document_model()):
            pre_save.connect(
                media.on_media_saving,
                sender=model,
                dispatch_uid=f"publishing.media.{model.__name__}",
            )
            post_save.connect(
                media.on_media_saved,
                sender=model,
                dispatch_uid=f"publishing.media.{model.__name__}",
            )
        page_published.connect(media.on_page_published, dispatch_uid="publishing.media.published")
        page_unpublished.connect(
            media.on_page_unpublished, dispatch_uid="publishing.media.unpublished"
        )
