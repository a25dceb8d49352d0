from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "balik.feedback"
    label = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        # In ready(), not at the top: views import models, which need the app registry.
        from balik.feedback.forms import SessionFeedbackForm
        from balik.feedback.views import give_session_feedback_action
        from balik.mentorships import hooks

        hooks.add_workspace_action(
            "feedback", give_session_feedback_action, form=SessionFeedbackForm, section="feedback"
        )
