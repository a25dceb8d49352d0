from django.http import HttpRequest


def username_for_throttle(request: HttpRequest, credentials: dict[str, str] | None) -> str | None:
    """Emails are case-insensitive, so `RINA@x.id` and `rina@x.id` count as one account."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.strip().lower() if username else None
