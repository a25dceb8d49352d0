from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation (`balik demo`): sits above the whole site, which it drives."""

    name = "balik.demo"
    label = "demo"
