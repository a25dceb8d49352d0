"""One error shape for every layer: services raise it, views and the API render it."""

from django.utils.functional import Promise


class BalikError(Exception):
    """A domain rule was broken. `field` names the input at fault, when there is one.

    Over HTTP, an error about an input is a 422 (the field is named in `errors`); one without a
    field is a 409: the request conflicts with the current state (a programme's status, a
    session already answered, a run in progress). `status` says otherwise where a field's value
    is refused because of the state, e.g. a status move the programme's status does not allow.
    """

    status = 409
    code = "invalid"

    def __init__(
        self,
        message: str | Promise,
        *,
        field: str | None = None,
        code: str | None = None,
        status: int | None = None,
    ):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code:
            self.code = code
        if status is not None:
            self.status = status
        elif field is not None and self.status == BalikError.status:
            self.status = 422

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {
            "code": self.code,
            "message": str(self.message),
            "field": self.field,
        }
        if self.field is not None:
            body["errors"] = {self.field: [str(self.message)]}
        return body


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
