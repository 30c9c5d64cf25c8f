from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxonomyConfig(AppConfig):
    name = "taxonomy"
    verbose_name = _("分類コード")

    def ready(self):
        # Imported here: terms.py imports the models, which are loaded only now.
        from django.db.models.signals import post_delete, post_save

        from . import terms
        from .models import Term

        post_save.connect(terms.forget_after_save, sender=Term, dispatch_uid="taxonomy.forget")
        post_delete.connect(
            terms.forget_after_save, sender=Term, dispatch_uid="taxonomy.forget_deleted"
        )
