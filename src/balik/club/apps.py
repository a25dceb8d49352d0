from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClubConfig(AppConfig):
    name = "balik.club"
    label = "club"
    verbose_name = _("Mentorship Club")

    def ready(self) -> None:
        # In ready(), not at the top: services import models, which need the app registry.
        from balik.club.services import club_session_guard
        from balik.mentorships import hooks

        hooks.add_session_guard(club_session_guard)
