from django.forms.renderers import TemplatesSetting

from balik.core.errors import ValidationFailed


class BalikFormRenderer(TemplatesSetting):
    """Every field renders through one accessible template: label, input, help, errors."""

    field_template_name = "partials/field.html"


def attach_errors(form, failure: ValidationFailed) -> None:
    """A service's field errors on the form's fields; the others above the form."""
    for field, messages in failure.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
