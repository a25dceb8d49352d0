from django.urls import path

from balik.feedback import views

urlpatterns = [
    path("assessment/<slug:phase>/", views.assessment, name="assessment"),
    path("evaluation/", views.evaluation, name="evaluation"),
]
