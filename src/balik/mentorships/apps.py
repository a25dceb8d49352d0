from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipsConfig(AppConfig):
    name = "balik.mentorships"
    label = "mentorships"
    verbose_name = _("Mentorships")

    # The signal receivers that keep its copies (the agenda time on sessions) are connected
    # with the health sums' from one table: balik.insights.receivers.
