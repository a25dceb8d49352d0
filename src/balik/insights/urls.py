from django.urls import path

from balik.insights import views

# Included by balik.site.urls under "programs/<slug:slug>/" in the programs namespace.
urlpatterns = [
    path("health/", views.health, name="health"),
    path("health/nudge/<int:mentorship_id>/", views.nudge, name="health-nudge"),
    path("export/<slug:what>.<slug:file_format>", views.download, name="download"),
]
