"""What every API operation shares: the error shape, the answers it documents, bounded ids and
pages. A number the database cannot hold is refused here, with the field named, before it can
overflow a query into a 500."""

import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from ninja.params.functions import Path
from pydantic import AfterValidator, ConfigDict, Strict

# Both databases store ids as signed 64-bit integers.
MAX_ID = 2**63 - 1
# Far beyond any list Balik holds, and far below what the databases' OFFSET can take.
MAX_OFFSET = 10**9


class Error(Schema):
    """Every refusal: `errors` maps each field at fault to its messages."""

    code: str = Field(description="A stable machine-readable reason, e.g. `not_found`.")
    message: str = Field(description="A sentence for people, in the request's language.")
    field: str | None = Field(None, description="The input at fault, when there is one.")
    errors: dict[str, list[str]] | None = Field(
        None, description="Field name → messages; `__all__` for the request as a whole."
    )
    next_free_times: list[datetime.datetime] | None = Field(
        None,
        description="With `time_taken` (the time was booked a moment earlier): the next start "
        "times, in UTC, at which both people are free.",
    )


class BodyIn(Schema):
    """A request body, read as JSON types: "5" is not a number, 0 is not false. Dates and times
    have no JSON type, so they stay ISO 8601 strings (`Date`, `DateTime`)."""

    model_config = ConfigDict(strict=True)


def _in_utc(moment: datetime.datetime) -> datetime.datetime:
    """An aware time in UTC: any offset Python reads (up to ±24 h) is one PostgreSQL accepts
    once converted, and a time at the calendar's edge is refused as out of range, not a 500."""
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError("time out of range") from None


Date = Annotated[datetime.date, Strict(False)]
DateTime = Annotated[datetime.datetime, Strict(False), AfterValidator(_in_utc)]


def answers(success: dict[int, Any], *errors: int) -> dict[int, Any]:
    """An operation's documented answers: its success, 401 (every operation needs a sign-in or
    a token) and the refusals it may give."""
    return {**success, **{status: Error for status in (401, *errors)}}


ObjectId = Annotated[int, Path(..., ge=1, le=MAX_ID)]


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """Ninja's limit/offset, with the offset bounded so it cannot overflow the database."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
