from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "balik.feedback"
    label = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from balik.feedback.models import SessionFeedback
        from balik.feedback.services import feedback_changed

        # signals, not save(): a delete through a queryset or a cascade must update the mean too
        post_save.connect(feedback_changed, sender=SessionFeedback, dispatch_uid="mean-rating")
        post_delete.connect(feedback_changed, sender=SessionFeedback, dispatch_uid="mean-rating")
