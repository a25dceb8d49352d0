from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from balik.people.models import (
    BIRTH_YEAR_MIN,
    AvailabilitySlot,
    PeopleImport,
    Person,
    PersonSkill,
    Skill,
    birth_year_max,
)
from balik.people.services import manager_chain_error


class PersonAdminForm(forms.ModelForm):
    """The admin saves models directly, so it repeats the one rule a model cannot: no cycles.
    A birth year is never shown, here either: the form shows the generation band and takes a
    corrected year."""

    corrected_birth_year = forms.IntegerField(
        label=_("Corrected birth year"),
        required=False,
        help_text=_("Never shown; type a year only to correct it, leave it empty to keep it."),
    )
    forget_birth_year = forms.BooleanField(label=_("Remove the birth year"), required=False)

    class Meta:
        model = Person
        fields = [  # every field the admin edits; birth_year only through the two above
            "user",
            "full_name",
            "job_title",
            "department",
            "manager",
            "seniority_level",
            "hire_date",
            "languages",
            "timezone",
            "bio",
        ]

    def clean_corrected_birth_year(self) -> int | None:
        year = self.cleaned_data.get("corrected_birth_year")
        if year is not None and not BIRTH_YEAR_MIN <= year <= birth_year_max():
            raise forms.ValidationError(
                _("Give a birth year between %(low)d and %(high)d, or leave it empty.")
                % {"low": BIRTH_YEAR_MIN, "high": birth_year_max()}
            )
        return year

    def save(self, commit: bool = True) -> Person:
        if self.cleaned_data.get("forget_birth_year"):
            self.instance.birth_year = None
        elif self.cleaned_data.get("corrected_birth_year") is not None:
            self.instance.birth_year = self.cleaned_data["corrected_birth_year"]
        return super().save(commit=commit)

    def clean_manager(self) -> Person | None:
        manager = self.cleaned_data.get("manager")
        problem = manager_chain_error(person=self.instance, manager=manager)
        if problem:
            raise forms.ValidationError(problem)
        return manager


class PersonSkillInline(admin.TabularInline):
    model = PersonSkill
    extra = 0
    autocomplete_fields = ["skill"]


class AvailabilityInline(admin.TabularInline):
    model = AvailabilitySlot
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonAdminForm
    list_display = ["full_name", "email", "job_title", "department", "seniority_level", "manager"]
    list_filter = ["department", "seniority_level"]
    search_fields = ["full_name", "user__email", "job_title", "department"]
    list_select_related = ["user", "manager"]
    raw_id_fields = ["user", "manager"]
    inlines = [PersonSkillInline, AvailabilityInline]
    readonly_fields = ["generation"]
    fieldsets = [
        (None, {"fields": ["user", "full_name", "job_title", "department", "manager"]}),
        (
            _("From HR"),
            {
                "fields": [
                    "seniority_level",
                    "hire_date",
                    "generation",
                    "corrected_birth_year",
                    "forget_birth_year",
                ]
            },
        ),
        (_("Profile"), {"fields": ["languages", "timezone", "bio"]}),
    ]

    @admin.display(description=_("generation"))
    def generation(self, person: Person) -> str:
        return person.generation_label or "—"

    @admin.display(description=_("email"), ordering="user__email")
    def email(self, person: Person) -> str:
        return person.user.email


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_id", "slug", "category"]
    list_filter = ["category"]
    list_editable = ["category"]
    search_fields = ["slug", "name_en", "name_id", "aliases"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(PeopleImport)
class PeopleImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "uploaded_by", "created_at", "applied_at"]
    list_select_related = ["uploaded_by"]
    readonly_fields = ["uploaded_by", "file_name", "created_at", "applied_at", "summary"]
    exclude = ["content"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[PeopleImport]:
        return super().get_queryset(request).defer("content")
