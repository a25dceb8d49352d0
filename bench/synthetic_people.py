"""A deterministic, realistic people CSV for benchmarks: an Indonesian company of N people.

Managers form a tree (about six reports each, the chief executive at the root), seniority falls
with depth, younger people join later, and skills are named the way an HR export would name
them: slugs, English or Indonesian names, aliases, and a few names the taxonomy does not know.
"""

from __future__ import annotations

import csv
import datetime
import io
import random

HEADER = [
    "email",
    "full_name",
    "job_title",
    "department",
    "manager_email",
    "seniority_level",
    "hire_date",
    "birth_year",
    "languages",
    "timezone",
    "can_teach",
    "wants_to_learn",
]
FIRST_NAMES = [
    "Adi",
    "Agus",
    "Ahmad",
    "Andi",
    "Anisa",
    "Arief",
    "Ayu",
    "Bagus",
    "Bambang",
    "Budi",
    "Cahya",
    "Citra",
    "Dewi",
    "Dian",
    "Dimas",
    "Eka",
    "Endah",
    "Fajar",
    "Fitri",
    "Gilang",
    "Hadi",
    "Hendra",
    "Indah",
    "Intan",
    "Joko",
    "Kartika",
    "Komang",
    "Lestari",
    "Made",
    "Maya",
    "Nanda",
    "Nur",
    "Nyoman",
    "Putri",
    "Putu",
    "Rahmat",
    "Ratna",
    "Reza",
    "Rina",
    "Rizky",
    "Sari",
    "Siti",
    "Sri",
    "Taufik",
    "Tri",
    "Wahyu",
    "Wayan",
    "Yohanes",
    "Yuli",
    "Zahra",
]
LAST_NAMES = [
    "Hidayat",
    "Kurniawan",
    "Lestari",
    "Nasution",
    "Pratama",
    "Putra",
    "Rahayu",
    "Saputra",
    "Santoso",
    "Setiawan",
    "Siregar",
    "Sihombing",
    "Simanjuntak",
    "Susanto",
    "Wibowo",
    "Wijaya",
    "Wulandari",
    "Gunawan",
    "Halim",
    "Tanjung",
    "Harahap",
    "Lubis",
    "Purba",
    "Manurung",
    "Sinaga",
    "Pangaribuan",
    "Kogoya",
    "Wenda",
    "Mandagi",
    "Lumban",
    "Tobing",
    "Sembiring",
]
DEPARTMENTS = [
    "Marketing",
    "Sales",
    "Finance",
    "Human Capital",
    "Technology",
    "Operations",
    "Customer Care",
    "Legal & Compliance",
    "Strategy",
    "Supply Chain",
]
TITLES_BY_LEVEL = {
    10: "Chief Executive Officer",
    9: "Director",
    8: "Vice President",
    7: "Head of Division",
    6: "Senior Manager",
    5: "Manager",
    4: "Assistant Manager",
    3: "Senior Officer",
    2: "Officer",
    1: "Associate",
}
ZONES = ["Asia/Jakarta"] * 7 + ["Asia/Makassar"] * 2 + ["Asia/Jayapura"]
LANGUAGES = ["id", "id;en", "id;en", "id;en;jv", "id;su", "id;en;zh", "id;ms"]
# How an HR export might name skills: slugs, names in either language, aliases, a typo, and a
# few the taxonomy does not know. Each group is one skill, so a cell never names a skill twice.
DIGITAL_SKILLS = [
    ["social-media", "sosmed", "Social media"],
    ["TikTok", "TikTok contnet", "tiktok marketing"],
    ["Generative AI", "ChatGPT", "GenAI"],
    ["Prompt engineering"],
    ["Data analysis", "analisis data"],
    ["Content creation", "konten kreator"],
    ["Content strategy", "Strategi konten"],
    ["Video editing", "edit video"],
    ["Graphic design", "Canva"],
    ["Python"],
    ["Short-form video", "Instagram Reels"],
    ["Figma", "UX/UI design"],
    ["SQL"],
    ["Digital marketing", "Pemasaran digital"],
]
SENIOR_SKILLS = [
    ["Leadership", "Kepemimpinan"],
    ["Strategy", "strategi bisnis"],
    ["strategic-thinking", "Strategic thinking"],
    ["Stakeholder management"],
    ["Negotiation"],
    ["Coaching"],
    ["Change management", "Manajemen perubahan"],
    ["Decision making"],
    ["Financial analysis"],
    ["Public speaking"],
    ["Business acumen"],
    ["People management", "mengelola tim"],
]
NEW_SKILLS = [["Wayang storytelling"], ["Batik design"], ["Gamelan"], ["Pencak silat coaching"]]


def generate_people_csv(
    people: int, *, seed: int = 2026, delimiter: str = ",", revision: int = 0
) -> str:
    """`people` rows plus a header; the same arguments always give the same text.

    A later `revision` keeps everyone (same names and emails) but reorganises the company: other
    managers (still a tree), levels, titles, dates and skills, as after a year of HR changes.
    """
    names_rng = random.Random(seed)
    rng = random.Random(f"{seed}-{revision}")
    span = 6 - revision % 3  # people per manager
    today = datetime.date(2026, 1, 1)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    depth = [0] * people
    emails: list[str] = []
    for index in range(people):
        manager = (index - 1) // span if index else None
        depth[index] = depth[manager] + 1 if manager is not None else 0
        level = max(1, 10 - depth[index] * 2 - rng.randint(0, 1)) if index else 10
        first, last = names_rng.choice(FIRST_NAMES), names_rng.choice(LAST_NAMES)
        email = f"{first}.{last}.{index}@contoh.co.id".lower()
        emails.append(email)
        birth_year = 2004 - level * 3 - rng.randint(0, 5)
        hire_date = today - datetime.timedelta(days=rng.randint(30, max(60, (level * 2 + 1) * 365)))
        department = rng.choice(DEPARTMENTS) if index else "Board of Directors"
        teach_pool, learn_pool = (
            (DIGITAL_SKILLS, SENIOR_SKILLS) if level <= 4 else (SENIOR_SKILLS, DIGITAL_SKILLS)
        )
        if rng.random() < 0.02:
            teach_pool = teach_pool + NEW_SKILLS
        teach = _skills(rng, teach_pool, rng.randint(0, 4))
        learn = _skills(rng, learn_pool, rng.randint(0, 3))
        writer.writerow(
            [
                email,
                f"{first} {last}",
                f"{TITLES_BY_LEVEL[level]}, {department}" if level < 10 else TITLES_BY_LEVEL[10],
                department,
                emails[manager] if manager is not None else "",
                level,
                hire_date.isoformat(),
                birth_year,
                rng.choice(LANGUAGES),
                rng.choice(ZONES),
                teach,
                learn,
            ]
        )
    return out.getvalue()


def _skills(rng: random.Random, groups: list[list[str]], count: int) -> str:
    return ";".join(
        f"{rng.choice(group)}:{rng.randint(1, 3)}"
        for group in rng.sample(groups, min(count, len(groups)))
    )


if __name__ == "__main__":
    import sys

    sys.stdout.write(generate_people_csv(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
