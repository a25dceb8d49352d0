"""The people CSV upload: upload -> dry-run preview -> confirm. The rules live in `importing`."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from balik.core.refusals import answers_refusals
from balik.people import importing
from balik.people.models import PeopleImport

RECENT_IMPORTS = 10
SHOWN_ERRORS = 500

# (column, required, example, what it holds) for the explanation on the upload page.
COLUMN_GUIDE = [
    ("email", True, "siti.rahma@contoh.co.id", gettext_lazy("The key: re-importing updates.")),
    ("full_name", True, "Siti Rahma", gettext_lazy("Up to 200 characters.")),
    ("job_title", False, "Marketing analyst", ""),
    ("department", False, "Marketing", ""),
    (
        "manager_email",
        False,
        "budi.santoso@contoh.co.id",
        gettext_lazy("In the file or already in the directory; no loops."),
    ),
    ("seniority_level", False, "3", gettext_lazy("1 (entry level) to 10 (top executive).")),
    (
        "hire_date",
        False,
        "2021-03-15",
        gettext_lazy("YYYY-MM-DD; up to a year ahead for someone who starts later (a warning)."),
    ),
    (
        "birth_year",
        False,
        "1998",
        gettext_lazy("Never shown; only the generation band (Gen Z, Millennial…) is."),
    ),
    ("languages", False, "id;en", gettext_lazy("Two-letter ISO 639-1 codes.")),
    (
        "timezone",
        False,
        "Asia/Jakarta",
        gettext_lazy("IANA name: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)."),
    ),
    (
        "can_teach",
        False,
        "TikTok:3;Generative AI:2",
        gettext_lazy(
            "skill:level; level 1 basic, 2 good, 3 expert; name or slug, either language."
        ),
    ),
    ("wants_to_learn", False, "Strategic thinking:1", gettext_lazy("As can_teach.")),
]


class PeopleFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("People CSV file"),
        allow_empty_file=True,  # the importer explains what an empty file lacks
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


def _require_org_admin(request: HttpRequest) -> None:
    if not getattr(request.user, "is_org_admin", False):
        raise PermissionDenied(_("Only organisation admins can import people."))


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    _require_org_admin(request)
    limit = settings.BALIK_IMPORT_MAX_BYTES
    form = (
        PeopleFileForm(request.POST, request.FILES)
        if request.method == "POST"
        else PeopleFileForm()
    )
    problems: list[importing.RowError] = []
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            # From the size alone: an upload over the limit was never stored (core.uploads).
            importing.check_upload_size(uploaded.size)
        except importing.UnreadableFile as too_large:
            problems = [too_large.error]
        else:
            people_import, report = importing.people_import_create(
                content=uploaded.read(), file_name=uploaded.name or "", actor=request.user
            )
            if people_import is not None:
                return redirect("people:import_preview", import_id=people_import.pk)
            problems = report.errors
    recent = (
        PeopleImport.objects.select_related("uploaded_by")
        .defer("content")
        .order_by("-created_at", "-pk")[:RECENT_IMPORTS]
    )
    return render(
        request,
        "people/import_upload.html",
        {
            "form": form,
            "problems": problems,
            "columns": COLUMN_GUIDE,
            "size_limit": filesizeformat(limit),
            "recent_imports": recent,
        },
        status=422 if problems or form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals(back="people:import_preview")
def preview(request: HttpRequest, import_id: int) -> HttpResponse:
    _require_org_admin(request)
    if request.method == "POST":
        report = importing.people_import_apply(import_id=import_id, actor=request.user)
        if report.applied:
            messages.success(
                request,
                _("Import done: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                % {
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                },
            )
            return redirect("people:import")
        whole_file = [error for error in report.errors if error.line == 0]
        messages.error(
            request,
            # a refusal of the whole file (the directory changed meanwhile) says what to do
            whole_file[0].reason
            if whole_file
            else _(
                "Nothing was imported: the file does not fit the directory as it is now. "
                "Fix the file and upload it again."
            ),
        )
        return redirect("people:import_preview", import_id=import_id)

    people_import = get_object_or_404(
        PeopleImport.objects.select_related("uploaded_by").defer("content"), pk=import_id
    )
    summary = people_import.summary or {}
    errors = summary.get("errors", [])
    rows = summary.get("rows", [])
    total_rows = summary.get("total_rows", len(rows))
    return render(
        request,
        "people/import_preview.html",
        {
            "people_import": people_import,
            "summary": summary,
            "errors": errors[:SHOWN_ERRORS],
            "hidden_errors": max(len(errors) - SHOWN_ERRORS, 0),
            "warnings": summary.get("warnings", []),
            "rows": rows,
            "total_rows": total_rows,
            "hidden_rows": max(total_rows - len(rows), 0),
            "can_apply": bool(summary.get("ok")) and people_import.applied_at is None,
        },
    )
