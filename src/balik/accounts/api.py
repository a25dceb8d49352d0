from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from balik.accounts import services
from balik.accounts.models import TOKEN_LIFETIME_DEFAULT, TOKEN_LIFETIME_MAX, ApiToken
from balik.core.errors import PermissionRefused
from balik.core.schemas import BodyIn, ObjectId, answers

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    display_prefix: str
    created_at: datetime
    last_used_at: datetime | None = Field(description="Recorded at most once a minute.")
    expires_at: datetime
    revoked_at: datetime | None
    state: Literal["active", "expired", "revoked"]


class TokenIn(BodyIn):
    name: str = Field(min_length=1, max_length=100, pattern=r"\S", description="Not blank.")
    expires_in_days: int = Field(
        TOKEN_LIFETIME_DEFAULT,
        ge=1,
        le=TOKEN_LIFETIME_MAX,
        description="How long the token works, in days.",
    )


class TokenCreated(TokenOut):
    secret: str


@router.get("", response=answers({200: list[TokenOut]}), summary="List my API tokens")
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=request.user))


@router.post(
    "",
    response=answers({201: TokenCreated}, 403, 422),
    summary="Create an API token (secret shown once; from a signed-in browser only)",
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    if getattr(request, "api_token", None) is not None:
        # A stolen token must not be able to outlive its own revocation or expiry.
        raise PermissionRefused(
            _(
                "A token cannot create tokens. Sign in with your password in a browser and "
                "create it under API tokens."
            ),
            code="session_required",
        )
    issued = services.api_token_create(
        user=request.user, name=payload.name, expires_in_days=payload.expires_in_days
    )
    body = TokenOut.model_validate(issued.token).model_dump()
    return Status(201, {**body, "secret": issued.secret})


@router.delete(
    "/{token_id}",
    response=answers({200: TokenOut}, 404, 422),
    summary="Revoke one of my API tokens",
)
def revoke_token(request: HttpRequest, token_id: ObjectId) -> ApiToken:
    return services.api_token_revoke(user=request.user, token_id=token_id)
