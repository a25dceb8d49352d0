from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipsConfig(AppConfig):
    name = "balik.mentorships"
    label = "mentorships"
    verbose_name = _("Mentorships")

    # The signal receivers that keep its copies (the agenda time on sessions) are connected
    # with the health sums' from one table: balik.insights.receivers.

    def ready(self) -> None:
        # In ready(), not at the top: the part reads models, which need the app registry.
        from balik.core import bilingual
        from balik.mentorships.agreements import DEFAULT_TEXTS
        from balik.mentorships.closing import CLOSED_REASON, DECLINED_REASON
        from balik.mentorships.programme_page import mentorships_part
        from balik.programs import hooks

        hooks.add_page_part("mentorships", mentorships_part)
        bilingual.register(DEFAULT_TEXTS, CLOSED_REASON, DECLINED_REASON)
