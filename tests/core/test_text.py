"""One rule for what a text may hold: a single-line field holds no control character, a long
text keeps its line breaks, and a stored text can always be put into an e-mail header."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from balik.core.fields import SingleLineCharField
from balik.core.text import (
    long_text_problem,
    one_line,
    single_line_problem,
    validate_single_line,
    visible,
)
from balik.people.models import Person

CONTROL_CHARACTERS = [
    "\n",  # line feed
    "\r",  # carriage return
    "\t",  # tab
    "\x00",  # NUL
    "\x0b",  # vertical tab
    "\x0c",  # form feed
    "\x1b",  # escape
    "\x1f",  # unit separator, the last C0 control
    "\x7f",  # DEL
    "\x85",  # next line, a C1 control
    "\x9f",  # the last C1 control
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
]


@pytest.mark.parametrize("character", CONTROL_CHARACTERS)
def test_a_single_line_refuses_every_control_character(character):
    problem = single_line_problem(f"Name{character}Bcc: x@example.com")
    assert problem
    with pytest.raises(ValidationError) as refused:
        validate_single_line(f"Name{character}Bcc")
    assert refused.value.code == "control_character"


def test_the_reason_says_which_character_and_how_to_mend_it():
    assert "line break" in single_line_problem("Name\nBcc")
    assert "tab" in single_line_problem("Name\tBcc")
    assert "U+0000" in single_line_problem("Name\x00")
    with translation.override("id"):
        assert "baris" in single_line_problem("Name\nBcc")


@pytest.mark.parametrize(
    "text",
    [
        "Siti Rahma",
        "José Ñúñez-O'Brien",
        "李小龙",
        "Ni Putu Ayu Kadek",
        "R&D / Data, AI & Analytics",
        "🚀 Growth",
        "",
    ],
)
def test_a_single_line_accepts_any_script_and_punctuation(text):
    assert single_line_problem(text) is None
    validate_single_line(text)


@pytest.mark.parametrize("text", ["First line\nsecond line", "a\r\nb", "\tindented", "a\u2028b"])
def test_a_long_text_keeps_line_breaks_and_tabs(text):
    assert long_text_problem(text) is None


@pytest.mark.parametrize("character", ["\x00", "\x08", "\x1b", "\x7f", "\x90"])
def test_a_long_text_refuses_the_other_control_characters(character):
    assert "U+" in long_text_problem(f"Notes{character}")


def test_one_line_makes_any_stored_text_safe_for_a_header():
    assert one_line("Name\nBcc: x@example.com") == "Name Bcc: x@example.com"
    assert one_line("  a\r\n\t b\x00c\u2028d\x85e  ") == "a b c d e"
    assert one_line("Siti Rahma") == "Siti Rahma"
    for character in CONTROL_CHARACTERS:
        assert single_line_problem(one_line(f"a{character}b")) is None


def test_visible_shows_control_characters_as_escapes_and_leaves_the_rest():
    assert visible("Name\nBcc") == "Name\\nBcc"
    assert visible("a\tb\x00c\u2028") == "a\\tb\\x00c\\u2028"
    assert visible("José 李") == "José 李"


def test_the_model_field_refuses_control_characters_without_a_migration():
    person = Person(full_name="Name\nBcc: x@example.com")
    with pytest.raises(ValidationError) as refused:
        person.clean_fields(exclude=[f.name for f in Person._meta.fields if f.name != "full_name"])
    assert "full_name" in refused.value.message_dict
    field = Person._meta.get_field("full_name")
    assert isinstance(field, SingleLineCharField)
    # the rule is no schema: migrations see a plain CharField, so none is needed
    _name, path, _args, _kwargs = field.deconstruct()
    assert path == "django.db.models.CharField"
