from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from balik.core.bilingual import language_of


class UserLanguageMiddleware:
    """A signed-in person's saved language wins over the browser's, on every device; one who
    never saved one reads the language they picked on this device (the switch's cookie), else
    the organisation's default (`BALIK_DEFAULT_LANGUAGE`), not whatever the browser asks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            picked = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            if user.preferred_language or picked not in dict(settings.LANGUAGES):
                language = language_of(user)
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
