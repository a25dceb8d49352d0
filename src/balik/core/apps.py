from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "balik.core"
    label = "core"
