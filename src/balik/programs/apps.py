from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "balik.programs"
    label = "programs"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        # In ready(), not at the top: the catalogue reads the models' choices.
        from balik.core import bilingual
        from balik.programs.catalog import TEMPLATES

        # A programme copies its template's texts; each reads back in the reader's language
        # until a manager edits it.
        for template in TEMPLATES:
            bilingual.register(
                template.summary,
                template.mentor_guide,
                template.mentee_guide,
                template.suggested_goals,
                template.agenda_prompts,
            )
