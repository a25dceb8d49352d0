"""Requests refused before any view runs."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"


class RefuseNulCharacters:
    """A NUL character in the address (its path or a query parameter) is refused here, once
    for every view: PostgreSQL can neither store nor compare it, so a filter or a lookup
    holding one ended in a 500. No address needs it. The API answers a 422 naming the
    parameter, in its error shape; a page answers 400 and says why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        parameters = [
            name
            for name, values in request.GET.lists()
            if NUL in name or any(NUL in v for v in values)
        ]
        if NUL in request.path:
            parameters.insert(0, "path")
        if not parameters:
            return self.get_response(request)
        message = _("Remove the invisible control character U+0000 from the address.")
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "control_character",
                    "message": message,
                    "field": parameters[0],
                    "errors": {name.replace(NUL, "\\x00"): [message] for name in parameters},
                },
                status=422,
            )
        return render(request, "core/bad_request.html", {"message": message}, status=400)
