"""The ready programme templates. Their texts are translated; creating a programme from one
copies them in the creator's language, and the manager edits the copy afterwards."""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from balik.programs.models import FormatPreference, ProgramKind


@dataclass(frozen=True)
class ProgramTemplate:
    slug: str
    kind: str
    name: Promise
    summary: Promise
    mentor_guide: Promise
    mentee_guide: Promise
    suggested_goals: tuple[Promise, ...]
    agenda_prompts: tuple[Promise, ...]
    cadence_days: int = 14
    session_minutes: int = 60
    format_preference: str = FormatPreference.EITHER
    seniority_gap: int = 1
    require_different_department: bool = False
    min_score: float = 0.15
    weights: dict[str, float] = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return str(ProgramKind(self.kind).label)


REVERSE_MENTOR_GUIDE = _(
    "You are the mentor here, even though you are the junior. Share what you know about digital "
    "tools and how your generation works, plainly and without fear: your mentee asked to learn "
    "from you. Show, do not only tell; let them try things in front of you. Ask about their "
    "strategy and experience too: learning goes both ways."
)
REVERSE_MENTEE_GUIDE = _(
    "You are the mentee here, even though you are the senior. Listen first, ask the questions you "
    "would hesitate to ask elsewhere, and try what you are shown between sessions. Make it safe "
    "for your mentor to speak freely: thank them for candour. Share your own strategy and industry "
    "experience back when they ask."
)

TEMPLATES: tuple[ProgramTemplate, ...] = (
    ProgramTemplate(
        slug="social-media-training",
        kind=ProgramKind.REVERSE,
        name=_("Social Media Training"),
        summary=_(
            "Younger colleagues teach senior leaders content strategy, engagement and current "
            "social-media trends; leaders share strategy and industry experience back."
        ),
        mentor_guide=REVERSE_MENTOR_GUIDE,
        mentee_guide=REVERSE_MENTEE_GUIDE,
        suggested_goals=(
            _("Publish one post a week on a professional network for two months"),
            _("Read an engagement report and name three actions from it"),
            _("Understand what content works on TikTok, Instagram and LinkedIn for our brand"),
        ),
        agenda_prompts=(
            _("Which platform or trend do we look at today, and why it matters to the business"),
            _("A hands-on exercise: create, schedule or analyse one piece of content"),
            _("What the senior tries before the next session"),
        ),
        cadence_days=14,
        session_minutes=60,
        format_preference=FormatPreference.CASUAL,
        seniority_gap=2,
        weights={
            "skill_fit": 0.40,
            "reciprocal_fit": 0.20,
            "availability": 0.15,
            "goal_similarity": 0.10,
            "preference": 0.10,
            "department_diversity": 0.05,
        },
    ),
    ProgramTemplate(
        slug="reverse-leadership",
        kind=ProgramKind.REVERSE,
        name=_("Reverse Leadership Mentoring"),
        summary=_(
            "Younger staff give leaders their view of inclusive, adaptive leadership and of "
            "working with new tools, including AI; leaders mentor back on strategy."
        ),
        mentor_guide=REVERSE_MENTOR_GUIDE,
        mentee_guide=REVERSE_MENTEE_GUIDE,
        suggested_goals=(
            _("Hear how a decision of mine landed with younger colleagues, and adjust one habit"),
            _("Use an AI assistant in my weekly work for one month"),
            _("Run one meeting in a more inclusive way and ask for feedback on it"),
        ),
        agenda_prompts=(
            _("A recent leadership moment seen from the junior's side"),
            _("One new tool or way of working to try"),
            _("What the junior wants to learn about strategy in return"),
        ),
        cadence_days=21,
        session_minutes=60,
        format_preference=FormatPreference.FORMAL,
        seniority_gap=3,
        require_different_department=True,
        weights={
            "skill_fit": 0.35,
            "reciprocal_fit": 0.25,
            "availability": 0.15,
            "goal_similarity": 0.10,
            "preference": 0.05,
            "department_diversity": 0.10,
        },
    ),
    ProgramTemplate(
        slug="diversity-reverse",
        kind=ProgramKind.REVERSE,
        name=_("Diversity Reverse Mentoring"),
        summary=_(
            "A junior colleague from an under-represented group shares their experience and "
            "insight on inclusion with a senior leader, who listens and acts on it."
        ),
        mentor_guide=REVERSE_MENTOR_GUIDE,
        mentee_guide=REVERSE_MENTEE_GUIDE,
        suggested_goals=(
            _("Understand three barriers colleagues like my mentor meet at work"),
            _("Change one practice in my team as a result"),
        ),
        agenda_prompts=(
            _("An experience the junior chooses to share"),
            _("What the organisation could do differently"),
            _("What the senior will do before the next session"),
        ),
        cadence_days=21,
        session_minutes=60,
        format_preference=FormatPreference.CASUAL,
        seniority_gap=3,
        require_different_department=True,
        weights={
            "skill_fit": 0.30,
            "reciprocal_fit": 0.15,
            "availability": 0.15,
            "goal_similarity": 0.15,
            "preference": 0.10,
            "department_diversity": 0.15,
        },
    ),
    ProgramTemplate(
        slug="flipped-growth",
        kind=ProgramKind.FLIPPED,
        name=_("Flipped Growth"),
        summary=_(
            "The mentee leads: they research, write the agenda before every session and bring "
            "their questions and challenges; the mentor facilitates and adds perspective."
        ),
        mentor_guide=_(
            "You facilitate; your mentee leads. Read their agenda before the session, answer with "
            "perspective, resources and follow-up questions, and help them analyse what they "
            "found. Resist taking over the agenda or handing out answers."
        ),
        mentee_guide=_(
            "You lead every session. Before each one, do the research, write the agenda (topics, "
            "what you found, your key questions, the challenges you put to your mentor and what "
            "you want to learn) and submit it before the preparation deadline: a session without "
            "an agenda is flagged. Afterwards, record what you learned and the actions you take."
        ),
        suggested_goals=(
            _("Solve a real work problem end to end, using my mentor as a sounding board"),
            _("Present my findings on a topic to my team"),
            _("Grow my confidence leading a discussion with a senior colleague"),
        ),
        agenda_prompts=(
            _("The topic and why I chose it"),
            _("What I researched and found"),
            _("My key questions"),
            _("The challenge I put to my mentor"),
            _("What I want to have learned by the end of the session"),
        ),
        cadence_days=14,
        session_minutes=45,
        format_preference=FormatPreference.FORMAL,
        seniority_gap=1,
    ),
    ProgramTemplate(
        slug="classic",
        kind=ProgramKind.CLASSIC,
        name=_("Classic Mentoring"),
        summary=_("An experienced colleague guides a more junior one on their career and skills."),
        mentor_guide=_(
            "Share your experience, ask open questions, and help your mentee set and reach their "
            "own goals. Agree the ground rules in your first session."
        ),
        mentee_guide=_(
            "Come with your goals and questions, follow up on what you agree, and tell your "
            "mentor what helps you most."
        ),
        suggested_goals=(
            _("Agree a development plan for the next six months"),
            _("Learn one skill my next role needs"),
        ),
        agenda_prompts=(
            _("Progress since the last session"),
            _("The question on my mind this time"),
            _("Next steps"),
        ),
        cadence_days=28,
        session_minutes=60,
        seniority_gap=1,
    ),
    ProgramTemplate(
        slug="peer-circle",
        kind=ProgramKind.PEER,
        name=_("Peer Circle"),
        summary=_("Colleagues at a similar level mentor each other, taking turns to lead."),
        mentor_guide=_(
            "You are both mentor and mentee. Take turns to lead a session, share what you know, "
            "and be as curious about your peer's work as about your own."
        ),
        mentee_guide=_(
            "You are both mentor and mentee. Take turns to lead a session, share what you know, "
            "and be as curious about your peer's work as about your own."
        ),
        suggested_goals=(
            _("Each teach the other one skill we are strong in"),
            _("Solve one shared challenge together"),
        ),
        agenda_prompts=(
            _("Who leads today, and on what"),
            _("What each of us tried since the last session"),
        ),
        cadence_days=14,
        session_minutes=45,
        format_preference=FormatPreference.CASUAL,
        seniority_gap=2,
    ),
)

TEMPLATES_BY_SLUG = {template.slug: template for template in TEMPLATES}
DEFAULT_SENIORITY_GAP = {
    ProgramKind.FLIPPED: 1,
    ProgramKind.CLASSIC: 1,
    ProgramKind.REVERSE: 2,
    ProgramKind.PEER: 2,
}

# Readiness questions asked at enrolment, per kind and side: (key, question, kind of answer).
READINESS_QUESTIONS: dict[tuple[str, str], tuple[tuple[str, Promise, str], ...]] = {
    (ProgramKind.FLIPPED, "mentee"): (
        ("initiative", _("I take the initiative to find things out on my own (1-5)"), "scale"),
        (
            "leading",
            _("I am comfortable leading a discussion with a senior colleague (1-5)"),
            "scale",
        ),
        ("prep_hours", _("Hours I can spend preparing before each session"), "hours"),
    ),
    (ProgramKind.FLIPPED, "mentor"): (
        ("facilitation", _("I can facilitate without taking over (1-5)"), "scale"),
    ),
    (ProgramKind.REVERSE, "mentee"): (
        ("openness", _("I am open to learning from a junior colleague (1-5)"), "scale"),
        ("digital_confidence", _("My confidence with digital tools today (1-5)"), "scale"),
    ),
    (ProgramKind.REVERSE, "mentor"): (
        ("speaking_up", _("I am comfortable speaking openly to a senior leader (1-5)"), "scale"),
    ),
    (ProgramKind.CLASSIC, "mentee"): (
        ("commitment", _("I can commit to every session for the whole programme (1-5)"), "scale"),
    ),
    (ProgramKind.CLASSIC, "mentor"): (
        ("commitment", _("I can commit to every session for the whole programme (1-5)"), "scale"),
    ),
    (ProgramKind.PEER, "mentee"): (
        ("sharing", _("I am happy to teach what I know to a peer (1-5)"), "scale"),
    ),
    (ProgramKind.PEER, "mentor"): (
        ("sharing", _("I am happy to teach what I know to a peer (1-5)"), "scale"),
    ),
}


def readiness_questions(kind: str, role: str) -> tuple[tuple[str, Promise, str], ...]:
    """The questions for a role; someone enrolled as both answers both sides' questions once."""
    sides = ("mentor", "mentee") if role == "both" else (role,)
    seen: dict[str, tuple[str, Promise, str]] = {}
    for side in sides:
        for question in READINESS_QUESTIONS.get((kind, side), ()):
            seen.setdefault(question[0], question)
    return tuple(seen.values())
