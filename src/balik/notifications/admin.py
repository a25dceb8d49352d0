from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from balik.notifications import services
from balik.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Notices and their e-mail delivery: filter on the state to find what failed and why, or
    which worker holds a message being sent, until when (docs/delivery.md)."""

    list_display = [
        "title",
        "recipient",
        "kind",
        "email_status",
        "email_attempts",
        "email_next_attempt_at",
        "email_lease_until",
        "email_error",
        "created_at",
    ]
    list_filter = ["email_status", "kind", "created_at"]
    search_fields = [
        "recipient__email",
        "recipient__full_name",
        "title",
        "email_error",
        "message_id",
    ]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [
        "recipient",
        "kind",
        "title",
        "body",
        "url",
        "dedupe_key",
        "in_app",
        "wants_email",
        "created_at",
        "read_at",
        "email_status",
        "emailed_at",
        "email_attempts",
        "email_next_attempt_at",
        "email_error",
        "message_id",
        "email_claimed_by",
        "email_lease_until",
        "email_attachment_name",
        "email_attachment_type",
    ]
    exclude = ["email_attachment"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # notices come from what happens in the app, never from here

    @admin.action(description=_("Send the selected failed e-mails again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = services.email_retry(notices=queryset)
        self.message_user(
            request,
            services.email_retry_sentence(count),
            messages.SUCCESS,
        )
