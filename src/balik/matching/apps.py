from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "balik.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        # In ready(), not at the top: explain imports models, which need the app registry.
        from balik.matching.explain import reason_sentences
        from balik.matching.programme_page import requests_part
        from balik.mentorships import hooks
        from balik.programs import hooks as programme_hooks

        hooks.set_reason_renderer(reason_sentences)
        programme_hooks.add_page_part("matching", requests_part)
