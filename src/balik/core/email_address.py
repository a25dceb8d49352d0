"""What an e-mail address is, in one place: Django's rule (`EmailValidator`), which the
directory's importer, the person forms and the calendar invites all follow. It accepts what an
HR directory can hold beyond public domains: `localhost` and IP literals (`probe@[10.0.0.1]`),
as internal mail servers use. A looser or stricter copy elsewhere once let the importer store
addresses the invite builder then refused.
"""

import functools
import re

from django.core.validators import validate_email

# The largest address the directory stores (accounts.User.email).
EMAIL_MAX_LENGTH = 254

# `validate_email` taken apart so that an import of 100,000 rows pays for it once per domain:
# its user-part pattern, compiled here rather than reached through the lazy object on every
# call, and its domain check, remembered per domain. A property test
# (tests/people/test_import_properties.py) holds the two to the same answers.
_USER_PART = re.compile(validate_email.user_regex.pattern, validate_email.user_regex.flags)


@functools.lru_cache(maxsize=4096)
def _is_email_domain(domain: str) -> bool:
    return domain in validate_email.domain_allowlist or bool(
        validate_email.validate_domain_part(domain)
    )


def is_email_address(value: str) -> bool:
    """Whether `value` is an e-mail address by Django's rule (no surrounding spaces)."""
    if not value or len(value) > EMAIL_MAX_LENGTH:
        return False
    user_part, at, domain = value.rpartition("@")
    if not at:
        return False
    return bool(_USER_PART.match(user_part)) and _is_email_domain(domain)
