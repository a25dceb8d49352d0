"""The competencies self-assessments measure, by name in the reader's language."""

from django.utils.translation import gettext_lazy

COMPETENCY_LABELS = {
    "problem-solving": gettext_lazy("Problem-solving"),
    "confidence": gettext_lazy("Confidence"),
    "communication": gettext_lazy("Communication"),
    "ownership": gettext_lazy("Ownership of learning"),
    "independence": gettext_lazy("Independence"),
    "social-media": gettext_lazy("Confidence with social media"),
    "ai-tools": gettext_lazy("Confidence with AI and new tools"),
    "younger-colleagues": gettext_lazy("Understanding of younger colleagues"),
    "speaking-up": gettext_lazy("Speaking up to leaders"),
    "strategic-thinking": gettext_lazy("Strategic thinking"),
    "leadership": gettext_lazy("Leadership"),
    "facilitation": gettext_lazy("Facilitation skill"),
    "reciprocal-learning": gettext_lazy("Learning from the other side"),
}


def competency_label(slug: str) -> str:
    """The built-in competencies by name in the reader's language; a manager's own by slug."""
    label = COMPETENCY_LABELS.get(slug)
    return str(label) if label else slug.replace("-", " ").replace("_", " ").capitalize()
