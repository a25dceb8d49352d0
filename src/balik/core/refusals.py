"""One path for every refusal a service raises inside an HTML view.

The API answers refusals as JSON 4xx in `balik.site.api`; this module is the HTML side:

- `PermissionRefused` -> a styled 403 page that says why; `NotFound` -> a styled 404 page.
- Any other `BalikError` (a `ValidationFailed` too) from a POST -> the message shown to the
  user (Django messages) and a redirect back to the page the form came from; from a GET, the
  styled 403 page: a page the service will not build in this state is closed to the reader.
- Where the view renders a form, `refusal_beside(form)` puts the service's refusal beside the
  form's fields instead (or into the field -> messages dict of a page that lays out its own
  inputs), so the view shows the page again with the user's input kept.

Django's own 403 and 404 (a view's `PermissionDenied`, `Http404`) render the same page through
`balik.core.views.permission_denied` and `page_not_found`.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from balik.core.errors import BalikError, NotFound, PermissionRefused, ValidationFailed
from balik.core.forms import attach_errors
from balik.core.views import refused_page

View = Callable[..., HttpResponse]
Back = str | Callable[..., str]
Tell = Callable[[HttpRequest, BalikError], None]


def answers_refusals(
    view: View | None = None, *, back: Back | None = None, tell: Tell | None = None
) -> Any:
    """Decorate a view so that a service's refusal reaches the user as a page or a message.

    `back` is where a refused POST returns to: a URL name, reversed with the view's own URL
    arguments (e.g. "programs:detail" for a view routed with `slug`), or a function of the
    request and those arguments that returns an address; without it, the page the form came
    from (the Referer, when it is on this site), else the same address.

    `tell` puts a refused POST's messages on the request, for a page that words them its own
    way (the field's label before each message, a hint after it); without it, each of
    `refusal_messages` as an error.
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except BalikError as refused:
                if _refuses_access(refused) or request.method != "POST":
                    missing = isinstance(refused, NotFound) or refused.status == 404
                    return refused_page(request, refused.message, status=404 if missing else 403)
                (tell or _tell_errors)(request, refused)
                return redirect(_way_back(request, back, args, kwargs))

        return wrapped

    return decorate(view) if view is not None else decorate


def back_to(name: str, *arguments: str) -> Callable[..., str]:
    """`back` for a view whose URL has more arguments than the page to return to: the URL
    name `name`, reversed with only the view's URL arguments named in `arguments`."""

    def address(request: HttpRequest, **kwargs: Any) -> str:
        return reverse(name, kwargs={argument: kwargs[argument] for argument in arguments})

    return address


def _tell_errors(request: HttpRequest, refused: BalikError) -> None:
    for message in refusal_messages(refused):
        messages.error(request, message)


def refusal_messages(refused: BalikError) -> list[str]:
    """What the user reads: each field's message of a `ValidationFailed`, else its message."""
    if isinstance(refused, ValidationFailed) and refused.errors:
        return [str(message) for field in refused.errors.values() for message in field]
    return [str(refused.message)]


@contextmanager
def refusal_beside(target: BaseForm | dict[str, list[str]]) -> Iterator[None]:
    """Run a service call whose refusal belongs beside the fields it names, so that the view
    goes on to render the page again with the user's input kept.

    `target` is a Django form (a `ValidationFailed` beside its fields, another refusal beside
    its field or above the form), or, for a page that lays out its own inputs, the dict of
    field -> messages its template shows beside each input (a refusal that names no field
    has no place there: it goes on to `answers_refusals`, a message and a way back). A refusal
    of access (`PermissionRefused`, `NotFound`) is never the form's to show: it goes on too.
    """
    try:
        yield
    except BalikError as refused:
        if _refuses_access(refused):
            raise
        if isinstance(target, BaseForm):
            _on_form(target, refused)
        elif isinstance(refused, ValidationFailed):
            for field, field_messages in refused.errors.items():
                target.setdefault(field, []).extend(str(message) for message in field_messages)
        elif refused.field is not None:
            target.setdefault(refused.field, []).append(str(refused.message))
        else:
            raise


def _on_form(form: BaseForm, refused: BalikError) -> None:
    if isinstance(refused, ValidationFailed):
        attach_errors(form, refused)
    else:
        form.add_error(
            refused.field if refused.field in form.fields else None, str(refused.message)
        )


def _refuses_access(refused: BalikError) -> bool:
    return isinstance(refused, PermissionRefused | NotFound) or refused.status in (403, 404)


def _way_back(request: HttpRequest, back: Back | None, args: tuple, kwargs: dict) -> str:
    if callable(back):
        return back(request, *args, **kwargs)
    if back is not None:
        return reverse(back, args=args, kwargs=kwargs)
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return request.get_full_path()
