from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "balik.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from balik.feedback.models import Answer, Question, SessionFeedback
        from balik.insights.rhythm import keep_rhythms, program_saved
        from balik.insights.tallies import answer_written, feedback_written, question_saved
        from balik.mentorships.signals import sessions_changed
        from balik.programs.models import Program

        sessions_changed.connect(keep_rhythms, dispatch_uid="keep-rhythms")
        post_save.connect(program_saved, sender=Program, dispatch_uid="rhythms-preparation")
        for signal in (post_save, post_delete):
            signal.connect(feedback_written, sender=SessionFeedback, dispatch_uid="tally-feedback")
            signal.connect(answer_written, sender=Answer, dispatch_uid="tally-answers")
        post_save.connect(question_saved, sender=Question, dispatch_uid="tally-questions")
