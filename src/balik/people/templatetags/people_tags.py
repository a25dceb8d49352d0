"""Small pieces the people pages repeat: avatar initials, skill chips with level dots, badges."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from balik.people.models import SKILL_LEVEL_MAX, Person, PersonSkill, SkillLevel

register = template.Library()


@register.filter
def initials(name: str) -> str:
    """Up to two capital letters: "Dewi Lestari Putri" -> "DP"."""
    words = [word for word in str(name or "").split() if word[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[-1][0]).upper()


@register.simple_tag
def level_dots(level: int) -> str:
    """Three dots, `level` of them filled, with the level's name for screen readers."""
    dots = format_html_join(
        "", '<i class="{}"></i>', (("on" if n <= level else "off",) for n in range(1, 4))
    )
    try:
        name = str(SkillLevel(level).label)
    except ValueError:
        name = str(level)
    return format_html(
        '<span class="level" title="{name}" aria-hidden="true">{dots}</span>'
        '<span class="visually-hidden">({label})</span>',
        name=name,
        dots=dots,
        label=_("level %(level)s of %(max)s, %(name)s")
        % {"level": level, "max": SKILL_LEVEL_MAX, "name": name},
    )


@register.simple_tag
def skill_chip(item: PersonSkill) -> str:
    css = "chip learn" if item.direction == "learn" else "chip"
    return format_html(
        '<li class="{css}"><span>{name}</span>{dots}</li>',
        css=css,
        name=item.skill.name,
        dots=level_dots(item.level),
    )


@register.simple_tag
def generation_badge(person: Person) -> str:
    label = person.generation_label
    if not label:
        return ""
    return format_html(
        '<span class="badge generation generation-{band}">{label}</span>',
        band=person.generation,
        label=label,
    )
