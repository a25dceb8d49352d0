from collections import defaultdict

import pytest

from balik.people.models import Skill, SkillCategory
from balik.people.skill_lookup import MatchKind, SkillResolver, normalise_skill_name
from balik.people.skill_seed import seed_skills, skill_taxonomy
from tests.factories import SkillFactory

# What the two seed articles talk about, as people would type it, and the skill it must find.
SEED_TOPICS = {
    "social media": "social-media",
    "media sosial": "social-media",
    "medsos": "social-media",
    "sosmed": "social-media",
    "content strategy": "content-strategy",
    "Strategi konten": "content-strategy",
    "engagement": "audience-engagement",
    "current social media trends": "social-media-trends",
    "tren media sosial terkini": "social-media-trends",
    "TikTok": "tiktok",
    "Instagram": "instagram",
    "LinkedIn": "linkedin",
    "AI": "artificial-intelligence",
    "generative AI": "generative-ai",
    "GenAI": "generative-ai",
    "ML": "machine-learning",
    "new tools": "new-digital-tools",
    "teknologi baru": "new-digital-tools",
    "leadership": "leadership",
    "kepemimpinan": "leadership",
    "inclusive leadership": "inclusive-leadership",
    "Kepemimpinan inklusif": "inclusive-leadership",
    "adaptive leadership": "adaptive-leadership",
    "inclusion": "inclusion",
    "inklusivitas": "inclusion",
    "diversity": "diversity",
    "keberagaman": "diversity",
    "generation gap": "generational-understanding",
    "kesenjangan generasi": "generational-understanding",
    "data": "data-analysis",
    "Analisis data": "data-analysis",
    "digital marketing": "digital-marketing",
    "SEO": "seo",
    "strategy": "strategy",
    "stakeholder management": "stakeholder-management",
    "problem solving": "problem-solving",
    "pemecahan masalah": "problem-solving",
    "critical thinking": "critical-thinking",
    "berpikir kritis": "critical-thinking",
    "communication": "communication",
    "komunikasi": "communication",
    "facilitation": "facilitation",
    "presenting": "presentation-skills",
    "negotiation": "negotiation",
    "project management": "project-management",
    "collaboration": "collaboration",
    "mentoring": "mentoring",
    "feedback": "feedback",
    "time management": "time-management",
}


@pytest.mark.django_db
def test_the_migrations_seed_the_whole_taxonomy():
    slugs = set(Skill.objects.values_list("slug", flat=True))
    assert len(slugs) >= 80
    assert slugs >= {entry["slug"] for entry in skill_taxonomy()}


def test_the_taxonomy_uses_every_category_and_nothing_else():
    used = {entry["category"] for entry in skill_taxonomy()}
    assert used == set(SkillCategory.values) - {SkillCategory.UNCATEGORISED}


def test_every_skill_has_an_english_and_an_indonesian_name():
    for entry in skill_taxonomy():
        assert entry["name_en"].strip(), entry["slug"]
        assert entry["name_id"].strip(), entry["slug"]
        assert set(entry) == {"slug", "name_en", "name_id", "category", "aliases"}
        assert all(isinstance(alias, str) and alias.strip() for alias in entry["aliases"])


def test_slugs_are_unique():
    slugs = [entry["slug"] for entry in skill_taxonomy()]
    assert len(slugs) == len(set(slugs))


def test_no_name_or_alias_points_to_two_skills():
    # Normalised the way the importer compares names, so no cell in a CSV is ambiguous.
    owners = defaultdict(set)
    for entry in skill_taxonomy():
        for name in [entry["slug"], entry["name_en"], entry["name_id"], *entry["aliases"]]:
            owners[normalise_skill_name(name)].add(entry["slug"])
    shared = {name: slugs for name, slugs in owners.items() if len(slugs) > 1}
    assert shared == {}


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "slug"), SEED_TOPICS.items())
def test_the_seed_articles_topics_are_found(typed, slug):
    match = SkillResolver().resolve(typed)
    assert match.kind == MatchKind.EXACT
    assert match.skill.slug == slug


@pytest.mark.django_db
def test_seeding_again_restores_the_shipped_entries_and_keeps_added_skills():
    count = Skill.objects.count()
    Skill.objects.filter(slug="tiktok").update(name_id="Tik Tok", aliases=[])
    added = SkillFactory(slug="batik-design", name_en="Batik design", category="uncategorised")

    assert seed_skills() == len(skill_taxonomy())

    tiktok = Skill.objects.get(slug="tiktok")
    assert tiktok.name_id == "TikTok"
    assert "konten tiktok" in tiktok.aliases
    assert Skill.objects.count() == count + 1
    assert Skill.objects.filter(pk=added.pk).exists()
