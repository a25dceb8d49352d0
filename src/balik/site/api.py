"""The REST API: one NinjaAPI at /api/, composed from every app's router under /api/v1/."""

import json
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

from balik.accounts.api import router as tokens_router
from balik.accounts.models import ApiToken, User, hash_token
from balik.club.api import router as club_router
from balik.core import views as core_views
from balik.core.errors import BalikError
from balik.matching.api import router as matching_router
from balik.mentorships.api import router as mentorships_router
from balik.people.api import router as people_router
from balik.people.api import skills_router
from balik.programs.api import router as programs_router


class TokenExpired(AuthenticationError):
    """A known token past its expiry: the owner should hear why, not only "unauthenticated"."""

    def __init__(self, expires_at: datetime):
        super().__init__()
        self.expires_at = expires_at


class TokenAuth(HttpBearer):
    """`Authorization: Bearer blk_...`: a personal token, looked up by its hash."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        """A bad token is a 401 at once: falling through to the session check would answer
        a script's bad token with a confusing CSRF refusal."""
        api_token = (
            ApiToken.objects.filter(
                token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True
            )
            .select_related("user")
            .first()
        )
        if api_token is None:
            raise AuthenticationError
        if api_token.is_expired:
            raise TokenExpired(api_token.expires_at)
        now = timezone.now()
        # Record use at most once a minute, so a busy script does not write on every call.
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        request.api_token = api_token  # the operations a token may not do look for it
        return api_token.user


def json_number(text: str) -> int | float:
    """JSON has one number type; JSON Schema counts 30.0 and 3e1 as integers, so do we. (Bodies
    are validated strictly, where a Python float is never an int.)"""
    number = float(text)
    return int(number) if number.is_integer() else number


class JsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return json.loads(request.body, parse_float=json_number)


class BalikAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Every operation that reads a body may answer 400 when the body is not JSON at all;
        the document says so once here rather than on every route."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {"$ref": "#/components/schemas/Error"}
        for path in schema["paths"].values():
            for operation in path.values():
                if "requestBody" in operation:
                    operation["responses"].setdefault(
                        400,
                        {
                            "description": "The body is not JSON.",
                            "content": {"application/json": {"schema": error}},
                        },
                    )
        return schema


api = BalikAPI(
    title="Balik API",
    version="1",
    description="Flipped, reverse, classic and peer mentoring. Authenticate with a personal "
    "token (`Authorization: Bearer blk_…`, created under API tokens) or a browser session "
    "with its CSRF token.",
    auth=[TokenAuth(), django_auth],
    parser=JsonParser(),
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)


@api.exception_handler(BalikError)
def balik_error(request: HttpRequest, error: BalikError) -> HttpResponse:
    return api.create_response(request, error.as_dict(), status=error.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    """Schema errors as `{"code", "message", "errors": {field: [messages]}}`, like the services'."""
    errors: dict[str, list[str]] = {}
    for item in error.errors:
        location = [
            str(part)
            for part in item.get("loc", [])
            if part not in ("body", "query", "payload", "path")
        ]
        field = ".".join(location) or "__all__"
        errors.setdefault(field, []).append(str(item.get("msg", "invalid")))
    body = {
        "code": "validation_failed",
        "message": _("Some fields are not valid."),
        "errors": errors,
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    if isinstance(error, TokenExpired):
        body = {
            "code": "token_expired",
            "message": _("This API token expired on %(date)s; create a new one under API tokens.")
            % {"date": formats.date_format(timezone.localtime(error.expires_at), "DATE_FORMAT")},
        }
    else:
        body = {"code": "unauthenticated", "message": _("Sign in, or send a valid API token.")}
    return api.create_response(request, body, status=401)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    body = {"code": "not_found", "message": _("There is nothing at this address.")}
    return api.create_response(request, body, status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    code = "bad_request" if error.status_code == 400 else "error"
    return api.create_response(
        request, {"code": code, "message": str(error)}, status=error.status_code
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 for an address no route matches: under /api/, in the API's error shape."""
    if request.path.startswith("/api/"):
        body = {"code": "not_found", "message": _("There is nothing at this address.")}
        return JsonResponse(body, status=404)
    return core_views.page_not_found(request, exception)


api.add_router("/v1/people", people_router)
api.add_router("/v1/skills", skills_router)
api.add_router("/v1/tokens", tokens_router)
api.add_router("/v1/programs", programs_router)
api.add_router("/v1/programs", matching_router)
api.add_router("/v1/mentorships", mentorships_router)
api.add_router("/v1/club", club_router)
