from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipsConfig(AppConfig):
    name = "balik.mentorships"
    label = "mentorships"
    verbose_name = _("Mentorships")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from balik.mentorships.models import Agenda
        from balik.mentorships.services import agenda_changed

        post_save.connect(agenda_changed, sender=Agenda, dispatch_uid="agenda-submitted-at")
        post_delete.connect(agenda_changed, sender=Agenda, dispatch_uid="agenda-submitted-at")
