from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipsConfig(AppConfig):
    name = "balik.mentorships"
    label = "mentorships"
    verbose_name = _("Mentorships")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from balik.mentorships.models import Agenda, Session
        from balik.mentorships.services import agenda_changed
        from balik.mentorships.signals import session_written

        post_save.connect(agenda_changed, sender=Agenda, dispatch_uid="agenda-submitted-at")
        post_delete.connect(agenda_changed, sender=Agenda, dispatch_uid="agenda-submitted-at")
        post_save.connect(session_written, sender=Session, dispatch_uid="session-written")
        post_delete.connect(session_written, sender=Session, dispatch_uid="session-written")
