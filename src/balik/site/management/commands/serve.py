"""`balik serve`: the production WSGI server (gunicorn), static files by WhiteNoise."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from balik.core.memory import freeze_loaded_objects


class BalikServer(BaseApplication):
    def __init__(self, options: dict[str, object]):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Imported here: WhiteNoise indexes the static files when the application is built,
        # which must come after collectstatic.
        from balik.wsgi import application

        return application


class AccessLogWithoutStaticFiles(Logger):
    """gunicorn's access log, less the static files: one line per page, not one per
    stylesheet, script and icon the page loads."""

    def access(self, resp, req, environ, request_time) -> None:
        path = environ.get("PATH_INFO", "")
        if path.startswith(settings.STATIC_URL) or path == "/favicon.ico":
            return
        super().access(resp, req, environ, request_time)


def _worker_ready(worker) -> None:
    freeze_loaded_objects()


class Command(BaseCommand):
    help = "Serve Balik with gunicorn (not Django's development server)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("BALIK_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("BALIK_WORKERS", "2")),
            help="Worker processes (default 2; each runs 4 threads).",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Skip collecting static files before starting.",
        )

    def handle(self, *args: object, **options: object) -> None:
        port = options["port"]
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, got {port}")
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        host = options["host"]
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self.stdout.write(f"Balik is serving on http://{bind}/ (Ctrl+C to stop)")
        BalikServer(
            {
                "bind": bind,
                "workers": options["workers"],
                "threads": 4,
                "worker_class": "gthread",
                "accesslog": "-",
                "logger_class": f"{__name__}.AccessLogWithoutStaticFiles",
                "timeout": 120,
                "graceful_timeout": 10,
                "post_worker_init": _worker_ready,
            }
        ).run()
