from django.conf import settings
from django.http import HttpRequest


def balik(request: HttpRequest) -> dict[str, object]:
    return {"BALIK_DEBUG": settings.DEBUG}
