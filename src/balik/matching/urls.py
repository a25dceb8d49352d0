from django.urls import path

from balik.matching import views

urlpatterns = [
    path("matching/", views.review, name="matching"),
    path("matching/run/", views.run, name="matching-run"),
    path("matching/progress/", views.progress, name="matching-progress"),
    path("matching/rules/", views.pair_rule, name="matching-rule"),
    path("matching/rules/<int:rule_id>/delete/", views.clear_rule, name="matching-rule-delete"),
    path("matching/manual/", views.manual_pair, name="matching-manual"),
    path("matching/publish/", views.publish, name="matching-publish"),
    path("choose/", views.choose, name="choose"),
    path("requests/<int:request_id>/", views.answer, name="request-answer"),
]
