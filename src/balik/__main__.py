"""`balik` is Django's manage.py with Balik's settings, plus hyphenated command names."""

import os
import sys

# The command line contract uses hyphens (`balik import-people`); Django modules cannot.
COMMAND_ALIASES = {"import-people": "import_people"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balik.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "balik"
    if len(argv) > 1 and argv[1] in COMMAND_ALIASES:
        argv[1] = COMMAND_ALIASES[argv[1]]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
