from django.forms.renderers import TemplatesSetting


class BalikFormRenderer(TemplatesSetting):
    """Every field renders through one accessible template: label, input, help, errors."""

    field_template_name = "partials/field.html"
