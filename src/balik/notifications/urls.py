from django.urls import path

from balik.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_read, name="read"),
    path("settings/", views.preferences, name="preferences"),
    path("failed/", views.failed_emails, name="failed"),
]
