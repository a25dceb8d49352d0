from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "balik.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        """Connect every receiver that keeps a stored copy or sum (the table is there)."""
        from balik.insights.receivers import connect_all

        connect_all()
