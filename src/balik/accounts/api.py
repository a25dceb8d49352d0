from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from balik.accounts import services
from balik.accounts.models import ApiToken

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    display_prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIn(Schema):
    name: str


class TokenCreated(TokenOut):
    secret: str


@router.get("", response=list[TokenOut], summary="List my API tokens")
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=request.user))


@router.post("", response={201: TokenCreated}, summary="Create an API token (secret shown once)")
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    issued = services.api_token_create(user=request.user, name=payload.name)
    body = TokenOut.model_validate(issued.token).model_dump()
    return Status(201, {**body, "secret": issued.secret})


@router.delete("/{token_id}", response=TokenOut, summary="Revoke one of my API tokens")
def revoke_token(request: HttpRequest, token_id: int) -> ApiToken:
    return services.api_token_revoke(user=request.user, token_id=token_id)
