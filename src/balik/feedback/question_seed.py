"""The built-in self-assessment questions, per kind and side, in English and Indonesian.

Seeded by a migration and again by `balik demo` (tests that empty the database between runs
would otherwise leave the demo without them). Idempotent.
"""

from typing import Any

QUESTIONS = [
    # (kind, audience, competency, English, Indonesian)
    (
        "flipped",
        "mentee",
        "problem-solving",
        "I can work through a hard problem on my own.",
        "Saya mampu memecahkan masalah yang sulit secara mandiri.",
    ),
    (
        "flipped",
        "mentee",
        "confidence",
        "I feel confident raising my ideas with senior colleagues.",
        "Saya percaya diri menyampaikan gagasan kepada rekan senior.",
    ),
    (
        "flipped",
        "mentee",
        "communication",
        "I explain my thinking clearly.",
        "Saya menjelaskan cara berpikir saya dengan jelas.",
    ),
    (
        "flipped",
        "mentee",
        "ownership",
        "I take charge of what and how I learn.",
        "Saya mengambil kendali atas apa dan bagaimana saya belajar.",
    ),
    (
        "flipped",
        "mentee",
        "independence",
        "I find answers without waiting to be told.",
        "Saya mencari jawaban tanpa menunggu diberi tahu.",
    ),
    (
        "classic",
        "mentee",
        "confidence",
        "I feel confident about my next career step.",
        "Saya percaya diri dengan langkah karier saya berikutnya.",
    ),
    (
        "classic",
        "mentee",
        "communication",
        "I explain my thinking clearly.",
        "Saya menjelaskan cara berpikir saya dengan jelas.",
    ),
    (
        "peer",
        "mentee",
        "confidence",
        "I feel confident sharing what I know with peers.",
        "Saya percaya diri berbagi pengetahuan dengan rekan sejawat.",
    ),
    (
        "peer",
        "mentee",
        "communication",
        "I explain my thinking clearly.",
        "Saya menjelaskan cara berpikir saya dengan jelas.",
    ),
    (
        "reverse",
        "mentee",
        "social-media",
        "I am confident using social media for work.",
        "Saya percaya diri menggunakan media sosial untuk pekerjaan.",
    ),
    (
        "reverse",
        "mentee",
        "ai-tools",
        "I am confident using AI and new digital tools.",
        "Saya percaya diri menggunakan AI dan alat digital baru.",
    ),
    (
        "reverse",
        "mentee",
        "younger-colleagues",
        "I understand how younger colleagues think and work.",
        "Saya memahami cara berpikir dan bekerja rekan yang lebih muda.",
    ),
    (
        "reverse",
        "mentor",
        "speaking-up",
        "I am confident speaking up to leaders.",
        "Saya percaya diri menyampaikan pendapat kepada pimpinan.",
    ),
    (
        "reverse",
        "mentor",
        "strategic-thinking",
        "I understand how strategic decisions are made.",
        "Saya memahami bagaimana keputusan strategis dibuat.",
    ),
    (
        "reverse",
        "mentor",
        "leadership",
        "I feel ready to lead others.",
        "Saya merasa siap memimpin orang lain.",
    ),
    (
        "",
        "mentor",
        "facilitation",
        "I help others find their own answers without taking over.",
        "Saya membantu orang lain menemukan jawabannya sendiri tanpa mengambil alih.",
    ),
    (
        "",
        "mentor",
        "reciprocal-learning",
        "I learn something new from the person I mentor.",
        "Saya mempelajari hal baru dari orang yang saya bimbing.",
    ),
]


def seed_questions(question_model: Any = None) -> int:
    """Create or refresh the built-in questions; returns how many there are."""
    if question_model is None:
        from balik.feedback.models import Question as question_model
    for order, (kind, audience, competency, english, indonesian) in enumerate(QUESTIONS):
        question_model.objects.update_or_create(
            program=None,
            kind=kind,
            audience=audience,
            competency=competency,
            defaults={"text_en": english, "text_id": indonesian, "order": order},
        )
    return len(QUESTIONS)
