"""One error shape for every layer: services raise it, views and the API render it."""

from django.utils.functional import Promise


class BalikError(Exception):
    """A domain rule was broken. `field` names the input at fault, when there is one."""

    status = 400
    code = "invalid"

    def __init__(
        self, message: str | Promise, *, field: str | None = None, code: str | None = None
    ):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": str(self.message), "field": self.field}


class ValidationFailed(BalikError):
    """Several fields are wrong at once; `errors` maps each field to its messages."""

    status = 422
    code = "validation_failed"

    def __init__(self, errors: dict[str, list[str]], message: str | Promise = ""):
        super().__init__(message or "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": str(self.message), "errors": self.errors}


class PermissionRefused(BalikError):
    status = 403
    code = "forbidden"


class NotFound(BalikError):
    status = 404
    code = "not_found"
