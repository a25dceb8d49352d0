from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top room: composes the apps into one site (URLs, home page, API, commands)."""

    name = "balik.site"
    label = "site"
