"""Logging that reads well in production: a refusal is an answer, not a fault."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404

from balik.core.errors import BalikError

EXPECTED_REFUSALS = (PermissionDenied, Http404, BalikError)


class ExpectedRefusalsInOneLine(logging.Filter):
    """Django logs a view's `PermissionDenied` with its traceback ("Forbidden (Permission
    denied): /path" and twenty lines of stack): for a refusal the code meant to make, keep the
    one warning line and drop the traceback. Errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], EXPECTED_REFUSALS):
            record.exc_info = None
            record.exc_text = None
        return True
