"""Model fields that carry Balik's text rules to every model form, the Django admin included."""

from typing import Any

from django.db import models

from balik.core.text import validate_single_line


class SingleLineCharField(models.CharField):
    """A CharField for one line of text (a name, a title): `full_clean` and every model form
    refuse control characters (see `balik.core.text`).

    Migrations see a plain CharField: the rule is validation, not schema, so changing a field to
    this class needs no migration (and a validator on the field would add one per model)."""

    default_validators = [validate_single_line]

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs
