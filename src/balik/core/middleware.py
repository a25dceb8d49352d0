"""Requests refused before any view runs."""

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"


def form_shows_its_own_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view whose Django form refuses a NUL beside the field (a form's CharField does)
    and shows the form again: `RefuseNulCharacters` lets its form fields through."""
    view.form_shows_its_own_errors = True  # type: ignore[attr-defined]
    return view


def _escaped(name: str) -> str:
    return name.replace(NUL, "\\x00")


def _strings_with_nul(value: Any, path: tuple[str, ...] = ()) -> Iterator[str]:
    """The JSON path ("can_teach.0.skill", as the API names a field in its errors) of each
    string in `value`, key or value, that holds a NUL."""
    if isinstance(value, str):
        if NUL in value:
            yield ".".join(path) or "__all__"
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                yield ".".join((*path, _escaped(key)))
            yield from _strings_with_nul(item, (*path, _escaped(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings_with_nul(item, (*path, str(index)))


def _fields_with_nul(request: HttpRequest) -> list[str]:
    """The body's fields holding a NUL: form fields (urlencoded or multipart; an uploaded
    file's contents are the importers' to judge, line by line) or a JSON body's strings."""
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return []
    if request.content_type == "application/json":
        try:
            # JSON can only carry a NUL escaped: without that escape there is nothing to find,
            # and the body is parsed once, by the view, instead of twice on every API write
            if b"\\u0000" not in request.body:
                return []
            body = json.loads(request.body)
        except (RequestDataTooBig, ValueError):
            return []  # the view refuses a body it cannot read, in its own words
        return list(dict.fromkeys(_strings_with_nul(body)))
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return [
            _escaped(name)
            for name, values in request.POST.lists()
            if NUL in name or any(NUL in value for value in values)
        ]
    return []


class RefuseNulCharacters:
    """A NUL character in a request, in its address (path, query parameter) or its body (a
    form field, a string in a JSON body), is refused here, once for every view: PostgreSQL can
    neither store nor compare it, so a filter, a lookup or a write holding one ended in a 500.
    Nobody needs it. The API answers a 422 naming the parameter or field, in its error shape;
    a page answers 400 and says which field, unless its form shows the error itself
    (`form_shows_its_own_errors`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        parameters = [
            _escaped(name)
            for name, values in request.GET.lists()
            if NUL in name or any(NUL in v for v in values)
        ]
        if NUL in request.path:
            parameters.insert(0, "path")
        if not parameters:
            return self.get_response(request)
        message = _("Remove the invisible control character U+0000 from the address.")
        return self._refuse(request, parameters, message, _("This address cannot be read"))

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        fields = _fields_with_nul(request)
        if not fields:
            return None
        is_api = request.path.startswith("/api/")
        if not is_api and getattr(view, "form_shows_its_own_errors", False):
            return None
        message = _("Remove the invisible control character U+0000 from “%(field)s”.") % {
            "field": fields[0]
        }
        return self._refuse(request, fields, message, _("This form cannot be saved"))

    @staticmethod
    def _refuse(request: HttpRequest, names: list[str], message: str, title: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            field_message = _("Remove the invisible control character U+0000.")
            return JsonResponse(
                {
                    "code": "control_character",
                    "message": message,
                    "field": names[0],
                    "errors": {name: [field_message] for name in names},
                },
                status=422,
            )
        context = {"message": message, "title": title, "fields": names}
        return render(request, "core/bad_request.html", context, status=400)
