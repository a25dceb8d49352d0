"""`locale/id` must be complete, compiled, and hold every string the code marks."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "balik"
PO_FILE = PACKAGE / "locale" / "id" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def test_every_indonesian_string_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(PO_FILE))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [], f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_the_compiled_catalogue_matches_the_source():
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.pofile(str(PO_FILE))
        if not e.obsolete
    }
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(MO_FILE))
    }
    compiled.pop((None, ""), None)
    assert compiled == source, "run `make messages` to recompile locale/id"


def test_every_marked_string_is_in_the_catalogue(tmp_path):
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is missing: `apt-get install -y gettext`")
    copy = tmp_path / "balik"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    # makemessages writes into ./locale when it exists, instead of the real LOCALE_PATHS.
    (copy / "locale").mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "balik", "makemessages", "--locale", "id", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "SECRET_KEY": "translations-check",
            "BALIK_DATA_DIR": str(tmp_path),
        },
    )
    extracted = {
        (e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale/id/LC_MESSAGES/django.po"))
    }
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO_FILE))}
    missing = sorted(extracted - committed, key=str)
    assert missing == [], (
        f"{len(missing)} strings not in locale/id; run `make messages`: {missing[:10]}"
    )
