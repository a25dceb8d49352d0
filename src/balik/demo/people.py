"""The demo organisation: PT Nusantara Niaga Digital, about 300 people ready for reverse mentoring.

`generate_people()` is pure and deterministic (a fixed random seed, a fixed reference date): the
same call gives the same people on every machine. `demo_csv()` writes them in the People CSV
format of DESIGN.md, and `load_demo()` loads them through the real importer, then sets what the
CSV has no column for (bio, weekly availability) and the four demo logins.
"""

from __future__ import annotations

import csv
import io
import random
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from balik.people.importing import KNOWN_COLUMNS, run_import
from balik.people.models import (
    SENIORITY_MAX,
    SENIORITY_MIN,
    AvailabilitySlot,
    Generation,
    Person,
    generation_for,
)
from balik.people.skill_seed import seed_skills, skill_taxonomy

COMPANY_NAME = "PT Nusantara Niaga Digital"
COMPANY_SHORT_NAME = "Nusantara"
DEMO_DOMAIN = "nusantara.example"
DEMO_PASSWORD = "balik-demo"  # noqa: S105 (the published password of the demo logins)
DEMO_SEED = 2024
DEMO_FILE_NAME = "nusantara-demo.csv"
# Hire dates and ages are reckoned from this day, never from today, so the data never drifts.
REFERENCE_DATE = date(2025, 12, 31)

CSV_COLUMNS = KNOWN_COLUMNS

OFFICE_TIMEZONES = {
    "jakarta": "Asia/Jakarta",
    "makassar": "Asia/Makassar",
    "denpasar": "Asia/Makassar",
    "jayapura": "Asia/Jayapura",
}

# --------------------------------------------------------------------------------------------
# The four demo logins: real people of the organisation, placed at fixed positions in it.


@dataclass(frozen=True)
class DemoLogin:
    role: str  # admin, pm, mentor, mentee
    email: str
    role_label: str
    full_name: str
    job_title: str
    birth_year: int
    hire_date: date
    languages: tuple[str, ...]
    can_teach: tuple[tuple[str, int], ...]
    wants_to_learn: tuple[tuple[str, int], ...]
    bio: str
    preferred_language: str
    is_org_admin: bool = False
    is_program_manager: bool = False
    is_superuser: bool = False


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        role="admin",
        email=f"admin@{DEMO_DOMAIN}",
        role_label="Organisation admin (and Django admin)",
        full_name="Andreas Parulian Siregar",
        job_title="HRIS & People Analytics Lead",
        birth_year=1990,
        hire_date=date(2017, 3, 1),
        languages=("id", "en"),
        can_teach=(
            ("spreadsheets", 3),
            ("workflow-automation", 3),
            ("data-analysis", 2),
            ("erp-systems", 2),
            ("data-privacy", 2),
        ),
        wants_to_learn=(("people-management", 1), ("stakeholder-management", 2)),
        bio=(
            "I keep the HR systems and the people data of Nusantara in order, and I run Balik "
            "for the company. Ask me about automating spreadsheets or anything HRIS."
        ),
        preferred_language="en",
        is_org_admin=True,
        is_superuser=True,
    ),
    DemoLogin(
        role="pm",
        email=f"pm@{DEMO_DOMAIN}",
        role_label="Programme manager",
        full_name="Ratna Dewi Kusumawati",
        job_title="Learning & Development Manager",
        birth_year=1986,
        hire_date=date(2014, 8, 11),
        languages=("id", "en", "jv"),
        can_teach=(
            ("facilitation", 3),
            ("coaching", 3),
            ("learning-development", 3),
            ("mentoring", 3),
            ("feedback", 2),
        ),
        wants_to_learn=(("generative-ai", 1), ("data-storytelling", 1), ("tiktok", 1)),
        bio=(
            "Saya mengelola program pembelajaran dan mentoring di Nusantara, termasuk reverse "
            "mentoring antara Gen Z dan para direktur. Senang berdiskusi soal fasilitasi dan "
            "coaching."
        ),
        preferred_language="id",
        is_program_manager=True,
    ),
    DemoLogin(
        role="mentor",
        email=f"mentor@{DEMO_DOMAIN}",
        role_label="Participant: Gen Z mentor (reverse mentoring)",
        full_name="Kirana Ayu Wulandari",
        job_title="Social Media Specialist",
        birth_year=2001,
        hire_date=date(2023, 2, 6),
        languages=("id", "en", "jv"),
        can_teach=(
            ("tiktok", 3),
            ("social-media", 3),
            ("content-strategy", 3),
            ("audience-engagement", 3),
            ("social-media-trends", 3),
            ("short-form-video", 3),
            ("generative-ai", 2),
            ("prompt-engineering", 2),
        ),
        wants_to_learn=(
            ("leadership", 1),
            ("stakeholder-management", 1),
            ("strategy", 1),
            ("presentation-skills", 2),
            ("negotiation", 1),
        ),
        bio=(
            "Gen Z yang tiap hari ngulik TikTok dan Instagram untuk brand Nusantara. Senang "
            "berbagi strategi konten dan cara naikin engagement; pengin belajar kepemimpinan "
            "dan cara mengelola stakeholder dari para senior."
        ),
        preferred_language="id",
    ),
    DemoLogin(
        role="mentee",
        email=f"mentee@{DEMO_DOMAIN}",
        role_label="Participant: director and mentee (reverse mentoring)",
        full_name="Bambang Hadi Wibowo",
        job_title="Direktur Operasional (COO)",
        birth_year=1967,
        hire_date=date(2009, 1, 5),
        languages=("id", "en", "jv"),
        can_teach=(
            ("leadership", 3),
            ("strategy", 3),
            ("supply-chain", 3),
            ("stakeholder-management", 3),
            ("negotiation", 3),
            ("decision-making", 3),
            ("crisis-management", 3),
            ("industry-knowledge", 3),
        ),
        wants_to_learn=(
            ("social-media", 1),
            ("tiktok", 1),
            ("instagram", 1),
            ("generative-ai", 1),
            ("ai-productivity-tools", 1),
            ("data-literacy", 1),
            ("generational-understanding", 1),
        ),
        bio=(
            "Thirty years in operations and logistics, sixteen of them at Nusantara. I can share "
            "how we run the supply chain across the archipelago; I want a younger colleague to "
            "show me TikTok, Instagram and how generative AI can help my team."
        ),
        preferred_language="en",
    ),
)
LOGINS_BY_ROLE = {login.role: login for login in DEMO_LOGINS}

# Where each login sits: (department, team or "", position, index within the team).
LOGIN_POSITIONS = {
    ("Operations", "", "director", 0): "mentee",
    ("Human Capital", "Learning & Development", "manager", 0): "pm",
    ("Human Capital", "HRIS, Compensation & Culture", "lead", 0): "admin",
    ("Marketing", "Social Media & Content", "junior", 0): "mentor",
}

# --------------------------------------------------------------------------------------------
# The organisation chart.


@dataclass(frozen=True)
class _Team:
    name: str
    manager_title: str
    lead_title: str | None
    senior_title: str
    junior_titles: tuple[str, ...]
    size: int  # everyone under the manager
    skills: tuple[str, ...]  # what the team is good at
    office: str = "jakarta"
    manager_level: int = 5


@dataclass(frozen=True)
class _Extra:
    """Someone outside the team pattern: an advisor, a chief of staff."""

    title: str
    level: int
    reports_to: str  # "ceo", "director" or "head"
    skills: tuple[str, ...]
    birth_years: tuple[int, int] | None = None


@dataclass(frozen=True)
class _Department:
    name: str
    head_title: str
    head_level: int
    head_reports_to: str  # "own director", "ceo", or another department's name (its director)
    teams: tuple[_Team, ...]
    skills: tuple[str, ...]
    director_title: str | None = None
    extras: tuple[_Extra, ...] = ()


CEO_TITLE = "Presiden Direktur (CEO)"
CEO_DEPARTMENT = "Corporate Strategy"

DEPARTMENTS: tuple[_Department, ...] = (
    _Department(
        name="Marketing",
        director_title="Direktur Komersial (CCO)",
        head_title="Head of Marketing",
        head_level=7,
        head_reports_to="own director",
        skills=("marketing-strategy", "brand-management", "digital-marketing", "market-research"),
        teams=(
            _Team(
                "Brand & Communications",
                "Brand Manager",
                "Brand Supervisor",
                "Senior Brand Executive",
                ("Brand Executive", "Marketing Communications Staff", "Brand Officer"),
                7,
                ("brand-management", "storytelling", "copywriting", "public-relations"),
            ),
            _Team(
                "Digital Marketing",
                "Digital Marketing Manager",
                "Performance Marketing Lead",
                "Senior Digital Marketing Specialist",
                (
                    "Digital Marketing Specialist",
                    "SEO Specialist",
                    "Performance Marketing Executive",
                ),
                9,
                (
                    "digital-marketing",
                    "seo",
                    "paid-advertising",
                    "web-analytics",
                    "email-marketing",
                ),
            ),
            _Team(
                "Social Media & Content",
                "Senior Social Media Manager",
                "Content Lead",
                "Senior Content Strategist",
                (
                    "Social Media Specialist",
                    "Content Creator",
                    "Social Media Officer",
                    "Video Editor",
                    "Copywriter",
                ),
                12,
                (
                    "social-media",
                    "content-strategy",
                    "audience-engagement",
                    "tiktok",
                    "instagram",
                    "short-form-video",
                    "social-media-analytics",
                    "influencer-marketing",
                ),
                manager_level=6,
            ),
            _Team(
                "Consumer Insights",
                "Consumer Insights Manager",
                None,
                "Senior Insights Analyst",
                ("Market Research Analyst", "Consumer Insights Analyst"),
                5,
                ("market-research", "social-listening", "customer-analytics", "data-analysis"),
            ),
        ),
    ),
    _Department(
        name="Sales",
        head_title="VP Sales",
        head_level=8,
        head_reports_to="Marketing",
        skills=("sales", "negotiation", "key-account-management", "business-development"),
        teams=(
            _Team(
                "Key Accounts",
                "Key Account Manager",
                "Key Account Supervisor",
                "Senior Key Account Executive",
                ("Key Account Executive", "Sales Executive"),
                9,
                ("key-account-management", "negotiation", "sales", "pricing"),
            ),
            _Team(
                "Jabodetabek Sales",
                "Area Sales Manager Jabodetabek",
                "Sales Supervisor",
                "Senior Sales Executive",
                ("Sales Executive", "Sales Officer", "Sales Admin"),
                9,
                ("sales", "negotiation", "customer-communication", "networking"),
            ),
            _Team(
                "Eastern Indonesia Sales",
                "Regional Sales Manager Indonesia Timur",
                "Sales Supervisor Makassar",
                "Senior Sales Executive",
                ("Sales Executive", "Sales Officer", "Sales Admin"),
                8,
                ("sales", "negotiation", "business-development", "networking"),
                office="makassar",
                manager_level=6,
            ),
            _Team(
                "Bali & Nusa Tenggara Sales",
                "Area Sales Manager Bali & Nusra",
                None,
                "Senior Sales Executive",
                ("Sales Executive", "Sales Officer"),
                6,
                ("sales", "key-account-management", "customer-communication"),
                office="denpasar",
            ),
            _Team(
                "Papua Sales",
                "Area Sales Manager Papua",
                None,
                "Senior Sales Executive",
                ("Sales Executive", "Sales Officer"),
                4,
                ("sales", "networking", "cross-cultural-communication"),
                office="jayapura",
            ),
            _Team(
                "E-commerce & Marketplace",
                "E-commerce Manager",
                "Marketplace Lead",
                "Senior E-commerce Specialist",
                ("Marketplace Specialist", "Live Commerce Host", "E-commerce Admin"),
                7,
                ("ecommerce", "live-commerce", "paid-advertising", "customer-analytics"),
            ),
        ),
    ),
    _Department(
        name="Technology",
        director_title="Chief Technology Officer (CTO)",
        head_title="Head of Engineering",
        head_level=7,
        head_reports_to="own director",
        skills=("digital-transformation", "agile-scrum", "product-management", "cloud-computing"),
        teams=(
            _Team(
                "Backend Engineering",
                "Backend Engineering Manager",
                "Tech Lead",
                "Senior Backend Engineer",
                ("Backend Engineer", "Software Engineer"),
                8,
                ("python", "api-integration", "sql", "version-control", "cloud-computing"),
            ),
            _Team(
                "Web & Mobile",
                "Web & Mobile Engineering Manager",
                "Frontend Lead",
                "Senior Frontend Engineer",
                ("Frontend Engineer", "Mobile Engineer (Android)", "Mobile Engineer (iOS)"),
                8,
                ("web-development", "mobile-development", "ux-design", "version-control"),
            ),
            _Team(
                "Infrastructure & Security",
                "IT Infrastructure Manager",
                "DevOps Lead",
                "Senior Cloud Engineer",
                ("DevOps Engineer", "Cloud Engineer", "Security Analyst", "Network Engineer"),
                7,
                ("devops", "cloud-computing", "cybersecurity", "workflow-automation"),
            ),
            _Team(
                "Product & Design",
                "Group Product Manager",
                None,
                "Senior Product Manager",
                ("Associate Product Manager", "UI/UX Designer", "UX Researcher"),
                6,
                ("product-management", "ux-design", "design-thinking", "agile-scrum"),
            ),
            _Team(
                "IT Operations & ERP",
                "IT Operations Manager",
                "IT Support Supervisor",
                "Senior ERP Analyst",
                ("IT Support Staff", "ERP Analyst", "Staf IT Helpdesk"),
                6,
                ("it-support", "erp-systems", "cybersecurity", "collaboration-tools"),
            ),
        ),
    ),
    _Department(
        name="Data & Analytics",
        head_title="VP Data & Analytics",
        head_level=8,
        head_reports_to="Technology",
        skills=("data-analysis", "data-governance", "business-intelligence", "machine-learning"),
        teams=(
            _Team(
                "Business Intelligence",
                "Business Intelligence Manager",
                "BI Lead",
                "Senior Data Analyst",
                ("Data Analyst", "BI Analyst"),
                7,
                ("data-analysis", "data-visualisation", "sql", "business-intelligence"),
            ),
            _Team(
                "Data Science & AI",
                "Data Science Manager",
                None,
                "Senior Data Scientist",
                ("Data Scientist", "Machine Learning Engineer", "AI Engineer"),
                6,
                ("machine-learning", "generative-ai", "data-science", "python", "statistics"),
            ),
            _Team(
                "Data Engineering",
                "Data Engineering Manager",
                None,
                "Senior Data Engineer",
                ("Data Engineer", "Analytics Engineer"),
                5,
                ("data-engineering", "sql", "python", "cloud-computing"),
            ),
        ),
    ),
    _Department(
        name="Human Capital",
        director_title="Direktur Human Capital",
        head_title="Kepala Divisi Human Capital",
        head_level=7,
        head_reports_to="own director",
        skills=("talent-development", "organisational-culture", "industrial-relations"),
        teams=(
            _Team(
                "Talent Acquisition",
                "Talent Acquisition Manager",
                None,
                "Senior Recruiter",
                ("Recruiter", "Talent Acquisition Officer", "HR Admin"),
                5,
                ("recruitment", "employer-branding", "linkedin", "networking"),
            ),
            _Team(
                "Learning & Development",
                "Learning & Development Manager",
                None,
                "Senior L&D Specialist",
                ("L&D Officer", "Training Specialist"),
                4,
                ("learning-development", "facilitation", "coaching", "mentoring"),
            ),
            _Team(
                "HR Business Partners",
                "HR Business Partner Manager",
                None,
                "HR Business Partner",
                ("HR Generalist", "Staf Hubungan Industrial"),
                5,
                ("industrial-relations", "performance-management", "conflict-resolution"),
            ),
            _Team(
                "HRIS, Compensation & Culture",
                "Compensation & Benefits Manager",
                "HRIS Lead",
                "Senior Payroll Specialist",
                (
                    "Payroll Officer",
                    "HRIS Specialist",
                    "Culture & Engagement Officer",
                    "DEI Officer",
                ),
                6,
                ("erp-systems", "dei-programmes", "organisational-culture", "mental-health"),
            ),
        ),
    ),
    _Department(
        name="Finance",
        director_title="Direktur Keuangan (CFO)",
        head_title="Financial Controller",
        head_level=7,
        head_reports_to="own director",
        skills=("financial-analysis", "accounting", "budgeting", "risk-management"),
        teams=(
            _Team(
                "Accounting",
                "Accounting Manager",
                "Supervisor Akuntansi",
                "Senior Accountant",
                ("Staf Akuntansi", "Accounts Payable Officer", "Accounts Receivable Officer"),
                8,
                ("accounting", "spreadsheets", "erp-systems", "financial-literacy"),
            ),
            _Team(
                "Tax",
                "Tax Manager",
                None,
                "Senior Tax Specialist",
                ("Staf Pajak", "Tax Officer"),
                4,
                ("taxation", "accounting", "compliance"),
            ),
            _Team(
                "FP&A and Treasury",
                "FP&A Manager",
                None,
                "Senior Financial Analyst",
                ("Financial Analyst", "Treasury Officer", "Budget Analyst"),
                6,
                ("financial-analysis", "budgeting", "spreadsheets", "data-visualisation"),
            ),
            _Team(
                "Risk Management",
                "Risk Management Manager",
                None,
                "Senior Risk Analyst",
                ("Risk Analyst", "Staf Manajemen Risiko"),
                4,
                ("risk-management", "compliance", "crisis-management"),
            ),
        ),
    ),
    _Department(
        name="Operations",
        director_title="Direktur Operasional (COO)",
        head_title="Head of Operations",
        head_level=7,
        head_reports_to="own director",
        skills=("supply-chain", "process-improvement", "procurement", "project-management"),
        extras=(
            _Extra(
                "Senior Advisor Supply Chain",
                6,
                "head",
                ("supply-chain", "procurement", "industry-knowledge", "mentoring"),
                (1962, 1964),
            ),
        ),
        teams=(
            _Team(
                "Supply Chain & Warehouse",
                "Supply Chain Manager",
                "Warehouse Supervisor",
                "Senior Supply Chain Planner",
                ("Supply Chain Planner", "Inventory Control Staff", "Logistics Officer"),
                9,
                ("supply-chain", "erp-systems", "spreadsheets", "process-improvement"),
            ),
            _Team(
                "Procurement",
                "Procurement Manager",
                None,
                "Senior Buyer",
                ("Procurement Officer", "Buyer", "Staf Pengadaan"),
                5,
                ("procurement", "negotiation", "contract-drafting"),
            ),
            _Team(
                "Eastern Indonesia Operations",
                "Operations Manager Indonesia Timur",
                "Operations Supervisor",
                "Senior Operations Officer",
                ("Operations Officer", "Logistics Coordinator", "Admin Operasional"),
                7,
                ("supply-chain", "process-improvement", "customer-communication"),
                office="makassar",
            ),
            _Team(
                "Bali Operations",
                "Branch Operations Manager Bali",
                None,
                "Senior Operations Officer",
                ("Operations Officer", "Admin Operasional"),
                4,
                ("supply-chain", "customer-experience", "process-improvement"),
                office="denpasar",
            ),
            _Team(
                "Papua Operations",
                "Branch Manager Papua",
                None,
                "Senior Operations Officer",
                ("Operations Officer", "Logistics Coordinator"),
                3,
                ("supply-chain", "cross-cultural-communication", "procurement"),
                office="jayapura",
            ),
            _Team(
                "PMO & Process Excellence",
                "PMO Manager",
                None,
                "Senior Project Officer",
                ("Project Officer", "Process Improvement Analyst"),
                4,
                ("project-management", "process-improvement", "agile-scrum"),
            ),
        ),
    ),
    _Department(
        name="Customer Experience",
        head_title="Head of Customer Experience",
        head_level=7,
        head_reports_to="Marketing",
        skills=("customer-experience", "customer-communication", "conflict-resolution"),
        teams=(
            _Team(
                "Contact Centre",
                "Senior Customer Care Manager",
                "Team Leader Customer Care",
                "Senior Customer Care Officer",
                ("Customer Care Agent", "Customer Service Officer", "Live Chat Agent"),
                12,
                ("customer-experience", "customer-communication", "active-listening"),
                manager_level=6,
            ),
            _Team(
                "Eastern Indonesia Customer Care",
                "Customer Care Manager Indonesia Timur",
                "Team Leader Customer Care",
                "Senior Customer Care Officer",
                ("Customer Care Agent", "Customer Service Officer"),
                7,
                ("customer-experience", "customer-communication", "conflict-resolution"),
                office="makassar",
            ),
            _Team(
                "Community & Social Care",
                "Community Manager",
                None,
                "Senior Social Care Specialist",
                ("Social Care Specialist", "Community Officer"),
                5,
                ("community-management", "social-listening", "social-media", "copywriting"),
            ),
            _Team(
                "CX Quality & Insights",
                "CX Quality Manager",
                None,
                "Senior CX Analyst",
                ("Quality Assurance Officer", "CX Analyst"),
                4,
                ("customer-analytics", "customer-experience", "process-improvement"),
            ),
        ),
    ),
    _Department(
        name="Legal & Compliance",
        head_title="Head of Legal & Compliance",
        head_level=7,
        head_reports_to="Finance",
        skills=("compliance", "corporate-governance", "contract-drafting", "data-privacy"),
        extras=(
            _Extra(
                "Senior Legal Advisor",
                6,
                "head",
                ("contract-drafting", "corporate-governance", "industrial-relations", "mentoring"),
                (1960, 1963),
            ),
        ),
        teams=(
            _Team(
                "Legal",
                "Legal Manager",
                None,
                "Senior Legal Counsel",
                ("Legal Officer", "Staf Legal", "Corporate Secretary Officer"),
                5,
                ("contract-drafting", "corporate-governance", "business-writing"),
            ),
            _Team(
                "Compliance & Data Protection",
                "Compliance Manager",
                None,
                "Data Protection Officer",
                ("Compliance Officer", "Staf Kepatuhan"),
                4,
                ("compliance", "data-privacy", "respectful-workplace", "risk-management"),
            ),
        ),
    ),
    _Department(
        name="Corporate Strategy",
        head_title="VP Corporate Strategy",
        head_level=8,
        head_reports_to="ceo",
        skills=("strategy", "strategic-planning", "business-development", "market-research"),
        extras=(
            _Extra(
                "Senior Advisor to the President Director",
                7,
                "ceo",
                ("strategy", "corporate-governance", "industry-knowledge", "mentoring"),
                (1958, 1961),
            ),
            _Extra(
                "Chief of Staff to the President Director",
                6,
                "ceo",
                ("strategic-planning", "stakeholder-management", "presentation-skills"),
            ),
            _Extra(
                "Executive Assistant to the President Director",
                3,
                "ceo",
                ("time-management", "business-writing", "effective-meetings"),
            ),
        ),
        teams=(
            _Team(
                "Strategy & Transformation",
                "Strategy Manager",
                None,
                "Senior Strategy Analyst",
                ("Strategy Analyst", "Business Analyst", "Management Trainee"),
                6,
                ("strategy", "financial-analysis", "digital-transformation", "data-storytelling"),
            ),
            _Team(
                "Corporate Affairs & Sustainability",
                "Corporate Communications Manager",
                None,
                "Senior PR Specialist",
                ("PR Officer", "Sustainability Officer", "Internal Communications Specialist"),
                5,
                ("public-relations", "sustainability-esg", "internal-communication"),
            ),
        ),
    ),
)

# --------------------------------------------------------------------------------------------
# Skills that make reverse mentoring sensible.

# What juniors are fluent in and can teach (weights: how often they are picked).
JUNIOR_DIGITAL_TEACH: dict[str, int] = {
    "social-media": 6,
    "tiktok": 6,
    "instagram": 5,
    "social-media-trends": 5,
    "generative-ai": 6,
    "prompt-engineering": 4,
    "ai-productivity-tools": 5,
    "content-creation": 4,
    "short-form-video": 3,
    "video-editing": 3,
    "new-digital-tools": 4,
    "collaboration-tools": 4,
    "remote-work-tools": 2,
    "graphic-design": 3,
    "linkedin": 3,
    "personal-branding": 2,
    "digital-literacy": 3,
    "youtube": 2,
    "workflow-automation": 2,
    "data-visualisation": 2,
    "spreadsheets": 2,
    "audience-engagement": 2,
}
# Insight a junior can bring to a Diversity Reverse Mentoring programme.
JUNIOR_INCLUSION_TEACH: dict[str, int] = {
    "generational-understanding": 5,
    "inclusion": 3,
    "diversity": 2,
    "cross-cultural-communication": 3,
    "mental-health": 3,
    "gender-equality": 2,
    "disability-inclusion": 1,
    "inclusive-language": 2,
    "neurodiversity": 1,
    "psychological-safety": 1,
}
JUNIOR_LEARN: dict[str, int] = {
    "leadership": 6,
    "strategy": 4,
    "strategic-thinking": 4,
    "stakeholder-management": 6,
    "negotiation": 3,
    "presentation-skills": 4,
    "public-speaking": 3,
    "business-acumen": 4,
    "problem-solving": 3,
    "critical-thinking": 2,
    "decision-making": 2,
    "project-management": 3,
    "influencing": 2,
    "executive-presence": 1,
    "industry-knowledge": 3,
    "networking": 2,
    "financial-literacy": 2,
    "time-management": 2,
    "business-writing": 1,
}
SENIOR_STAFF_TEACH: dict[str, int] = {
    "project-management": 3,
    "collaboration": 3,
    "problem-solving": 3,
    "facilitation": 2,
    "data-analysis": 2,
    "spreadsheets": 2,
    "communication": 2,
    "business-writing": 2,
    "customer-communication": 1,
    "time-management": 2,
}
SENIOR_STAFF_LEARN: dict[str, int] = {
    "leadership": 5,
    "people-management": 5,
    "stakeholder-management": 4,
    "strategy": 2,
    "coaching": 3,
    "change-management": 2,
    "negotiation": 2,
    "generative-ai": 4,
    "decision-making": 2,
    "inclusive-leadership": 2,
    "data-literacy": 2,
    "executive-presence": 1,
}
MANAGER_TEACH: dict[str, int] = {
    "people-management": 5,
    "stakeholder-management": 5,
    "project-management": 3,
    "negotiation": 3,
    "coaching": 3,
    "problem-solving": 3,
    "presentation-skills": 2,
    "facilitation": 2,
    "decision-making": 2,
    "business-acumen": 3,
    "feedback": 2,
    "conflict-resolution": 2,
    "time-management": 1,
    "leadership": 3,
}
SENIOR_LEADER_TEACH: dict[str, int] = {
    "strategic-thinking": 4,
    "strategic-planning": 3,
    "stakeholder-management": 4,
    "decision-making": 3,
    "business-acumen": 4,
    "negotiation": 3,
    "corporate-governance": 2,
    "change-management": 3,
    "crisis-management": 2,
    "executive-presence": 2,
    "people-management": 3,
    "talent-development": 2,
    "industry-knowledge": 4,
    "financial-literacy": 2,
    "public-speaking": 2,
    "mentoring": 3,
    "coaching": 2,
}
# What managers and executives want from their younger colleagues.
LEADER_LEARN: dict[str, int] = {
    "tiktok": 6,
    "social-media": 6,
    "instagram": 4,
    "social-media-trends": 4,
    "linkedin": 3,
    "personal-branding": 2,
    "generative-ai": 7,
    "ai-productivity-tools": 5,
    "prompt-engineering": 2,
    "artificial-intelligence": 3,
    "data-literacy": 4,
    "data-visualisation": 2,
    "inclusion": 3,
    "inclusive-leadership": 4,
    "adaptive-leadership": 2,
    "generational-understanding": 5,
    "diversity": 2,
    "unconscious-bias": 2,
    "psychological-safety": 2,
    "new-digital-tools": 3,
    "collaboration-tools": 2,
    "digital-transformation": 2,
    "mental-health": 1,
}

DIGITAL_CATEGORIES = frozenset({"digital_social", "data_ai", "technology"})
LEADERSHIP_CATEGORY = "leadership_strategy"

# --------------------------------------------------------------------------------------------
# Names. Pools per background; "old" first names for Boomers and Gen X, "young" for later.


@dataclass(frozen=True)
class _NamePool:
    male_old: tuple[str, ...]
    male_young: tuple[str, ...]
    female_old: tuple[str, ...]
    female_young: tuple[str, ...]
    male_last: tuple[str, ...]
    female_last: tuple[str, ...]
    middle_name_chance: float = 0.3


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


NAME_POOLS: dict[str, _NamePool] = {
    "javanese": _NamePool(
        _names("Bambang Joko Agus Budi Slamet Heru Sugeng Teguh Wahyu Eko Hadi Bayu Sigit Yudi"),
        _names("Aditya Rizky Dimas Bagas Fajar Galih Arya Raka Yoga Satria Wisnu Ilham Naufal "),
        _names("Sri Endang Tuti Wiwik Rini Sulastri Yuni Retno Dwi Nanik Suci Titik Murni Ambar"),
        _names("Ayu Dyah Putri Anisa Nadia Wulan Intan Sekar Laras Salsabila Alya Kirana Nayla"),
        _names(
            "Santoso Wibowo Nugroho Prasetyo Setiawan Hidayat Saputra Kurniawan Purnomo Susilo "
            "Hartono Raharjo Wicaksono Pamungkas Handoko Suryadi Utomo Firmansyah Ramadhan "
            "Pratama Cahyono Darmawan Adinegoro Nugraha"
        ),
        _names(
            "Lestari Wulandari Rahayu Utami Handayani Puspitasari Anggraini Safitri Maharani "
            "Kusumawati Pertiwi Novitasari Rahmawati Setyaningsih Wahyuningsih Larasati "
            "Kusumaningrum Pramesti Hapsari Ayuningtyas"
        ),
        0.35,
    ),
    "sundanese": _NamePool(
        _names("Asep Dadang Ujang Cecep Deden Yayat Dedi Iwan Wawan Hendi Yusuf Ade"),
        _names("Gilang Rangga Rizal Fikri Reza Raditya Haikal Alif Azka Fauzan Ridwan Fariz"),
        _names("Euis Neneng Iis Cucu Yeni Imas Nining Lilis Dewi Tati Ani Enok"),
        _names("Nenden Rara Tasya Syifa Shinta Nisa Dinda Resti Puspa Rani Hana Zalfa Gita"),
        _names(
            "Suryana Permana Hermawan Kusnadi Sopandi Ruhiyat Sumarna Gunawan Ramdani Mulyana "
            "Setiadi Sukmana Kurnia Firdaus Sunarya Wiradinata Somantri Supriatna"
        ),
        _names(
            "Sukmawati Nurjanah Kartika Nurhasanah Fitriani Maryani Rosdiana Kurniasih Herawati "
            "Komalasari Oktaviani Nurlaela Suryani"
        ),
        0.25,
    ),
    "batak": _NamePool(
        _names("Sahat Togar Martua Hotman Bonar Parulian Maruli Robert Johannes Poltak Tumpal"),
        _names("Yosua Daniel Samuel Kevin Jonathan Rafael Andreas Immanuel Christian Hizkia"),
        _names("Rosmaida Lamtiur Tiurma Nurmala Rosita Hotnida Mariana Dameria Romauli"),
        _names("Grace Natalia Christine Jessica Theresia Monika Yohana Debora Sarah Ruth Agnes"),
        _names(
            "Simanjuntak Siregar Nainggolan Sitorus Hutapea Panjaitan Situmorang Sinaga "
            "Manurung Pardede Lubis Nasution Harahap Tampubolon Silalahi Simatupang Hutagalung "
            "Sihombing Sianipar Gultom Purba Sembiring Ginting Tarigan Marpaung Napitupulu"
        ),
        (),
        0.2,
    ),
    "minang": _NamePool(
        _names("Syafrizal Afrizal Yusrizal Hendra Zulkifli Irwandi Firdaus Jasrul Efendi"),
        _names("Fadhil Raihan Fauzan Rafiq Arkan Hafiz Zaki Rifqi Ikhsan Habibi"),
        _names("Yusnidar Nurhayati Elvira Yenni Ernawati Desmawati Rosnaini Zulfa"),
        _names("Annisa Nadya Hanifa Syafira Zahra Aulia Rahmi Fadhila Rania Hasna"),
        _names("Chaniago Piliang Koto Tanjung Sikumbang Jambak Syahputra Rasyid Malik Yunus"),
        _names("Chaniago Piliang Koto Tanjung Sikumbang Rahmadani Yulianti Fitria"),
        0.15,
    ),
    "chinese": _NamePool(
        _names("Hendra Budi Anton Ferry Johan Yohanes Rudy Edi Hengky Tommy Benny Iwan"),
        _names("Steven Michael Vincent Kevin Jonathan Ryan Felix Nicholas Jason Calvin Darren"),
        _names("Lina Lily Susanti Fransiska Meliana Lanny Yenny Linda Irene Widya Sherly"),
        _names("Felicia Clarissa Stefanie Cindy Evelyn Natasha Jennifer Vanessa Michelle Celine"),
        _names(
            "Tanjaya Tanuwijaya Wijaya Halim Gunawan Lim Liem Tjandra Kurniadi Hartanto "
            "Sutanto Wibisono Chandra Kosasih Tanudjaja Onggo Tjahjadi Sugiarto Hermanto "
            "Limantara Widjaja Hendrawan Gozali Suryajaya Husin Kusuma"
        ),
        (),
        0.0,
    ),
    "manado": _NamePool(
        _names("Jefry Frangky Rocky Hanny Johny Stevanus Ronald Alfred Decky Roy"),
        _names("Gabriel Bryan Valentino Kenny Marcel Ezra Joshua Axel Christo Reynaldo"),
        _names("Meiske Ivonne Deisy Vonny Sintje Femmy Olvie Telly Lientje"),
        _names("Angeline Kezia Jovita Tiara Sheren Claudia Meilany Inggrid Virginia Brigitta"),
        _names(
            "Mandagi Lumentut Pangemanan Rumondor Sondakh Tumbelaka Wenas Kalangi Rondonuwu "
            "Lengkong Tambuwun Runtuwene Supit Sumampouw Tangkilisan Pontoh Waworuntu "
            "Karundeng Mamahit Tumewu Kawengian"
        ),
        (),
        0.1,
    ),
    "bugis": _NamePool(
        _names("Muhammad Ahmad Syamsul Abdul Irwan Mansyur Baharuddin Jamaluddin Amiruddin"),
        _names("Fadli Akbar Rahmat Fikri Ilham Rizal Arjuna Wahyudi Dzaky Alif Syahrul"),
        _names("Sitti Nurhayati Hasnah Rosmiati Jumriati Kartini Darmawati Nurhaeni Hadijah"),
        _names("Nurul Fitriani Ainun Nurfadillah Mutmainnah Khairunnisa Tenri Fadillah Aisyah"),
        _names(
            "Rahman Syamsuddin Basri Arifin Mappasessu Latif Ramli Hamzah Tahir Pawelloi "
            "Paturusi Yusuf Amir Said Lallo Nurdin Ridwan Saleh Aras"
        ),
        (),
        0.1,
    ),
    "papuan": _NamePool(
        _names("Yohanis Marthen Frans Yakob Petrus Obeth Septinus Nikolaus Yulianus Otniel"),
        _names("Yosia Ronaldo Meky Yabes Nataniel Elieser Demianus Kevin"),
        _names("Maria Yuliana Elisabeth Nelly Martha Yosina Agustina Dorkas Selfina"),
        _names("Ribka Sarlota Novela Yuliana Priskila Veronika Debora"),
        _names(
            "Wanggai Rumbiak Mandowen Wonda Ayomi Sawaki Rumaropen Maniani Yoku Womsiwor "
            "Fonataba Ohee Itaar Sanggenafa Kambu Mambor Krey Hamadi Kareth Wambrauw"
        ),
        (),
        0.0,
    ),
    "arab": _NamePool(
        _names("Ahmad Hasan Husein Umar Alwi Faisal"),
        _names("Fahmi Hamid Ali Zaid Salim"),
        _names("Fatimah Syarifah Aisyah Khadijah"),
        _names("Nabila Salma Sarah Zahra Farah"),
        _names("Alaydrus Assegaf Alatas Bawazier Shahab Alkaff Bafagih Alhabsyi"),
        (),
        0.0,
    ),
}
BALINESE_BIRTH_ORDER_MALE = _names("Wayan Putu Gede Made Kadek Nyoman Komang Ketut")
BALINESE_BIRTH_ORDER_FEMALE = _names("Putu Luh Made Kadek Nyoman Komang Ketut")
BALINESE_GIVEN_MALE = _names("Agus Adi Arya Bagus Dharma Surya Eka Krisna Yoga Pande Wira")
BALINESE_GIVEN_FEMALE = _names("Ayu Eka Dewi Sri Ratih Sari Intan Ari Desi Wulan Mirah")
BALINESE_LAST_MALE = _names(
    "Sudarsana Wirawan Suputra Mahendra Pradnyana Artawan Sudiarta Wiguna Sanjaya Astawa "
    "Widiantara Mertayasa Suarjana Parwata Darmayasa"
)
BALINESE_LAST_FEMALE = _names(
    "Lestari Wulandari Artini Sukmawati Pradnyani Suastini Purnami Widiastuti Anggreni Ariani "
    "Sudiartini Yuliantari"
)
# Older Javanese who go by one name, as many of their generation do.
JAVANESE_SINGLE_NAMES = _names("Sutrisno Suparman Sumarni Mulyono Suwarni Poniman")
SINGLE_NAME_FEMALE = frozenset({"Sumarni", "Suwarni"})

# Who works in which office, by background (weights).
OFFICE_BACKGROUNDS: dict[str, dict[str, int]] = {
    "jakarta": {
        "javanese": 32,
        "sundanese": 16,
        "batak": 12,
        "chinese": 12,
        "minang": 8,
        "manado": 6,
        "balinese": 3,
        "bugis": 5,
        "arab": 3,
        "papuan": 2,
    },
    "makassar": {
        "bugis": 45,
        "manado": 15,
        "javanese": 15,
        "chinese": 8,
        "balinese": 7,
        "batak": 5,
        "papuan": 3,
        "minang": 2,
    },
    "denpasar": {
        "balinese": 60,
        "javanese": 18,
        "chinese": 8,
        "manado": 5,
        "bugis": 5,
        "sundanese": 4,
    },
    "jayapura": {"papuan": 55, "manado": 15, "bugis": 15, "javanese": 15},
}
ETHNIC_LANGUAGES = {"javanese": ("jv", 0.45), "sundanese": ("su", 0.5), "chinese": ("zh", 0.3)}

# --------------------------------------------------------------------------------------------
# Ages, tenure and weekly availability.

# Birth years per seniority level: (first, last) inclusive.
BIRTH_YEARS: dict[int, tuple[int, int]] = {
    10: (1961, 1963),
    9: (1965, 1975),
    8: (1969, 1979),
    7: (1968, 1981),
    6: (1972, 1985),
    5: (1974, 1989),
    4: (1980, 1993),
    3: (1986, 1998),
    2: (1997, 2003),
    1: (1999, 2003),
}
# Years with the company per level: (fewest, most).
TENURE_YEARS: dict[int, tuple[float, float]] = {
    10: (8, 20),
    9: (4, 22),
    8: (3, 18),
    7: (4, 20),
    6: (4, 18),
    5: (3, 14),
    4: (2, 10),
    3: (1, 7),
    2: (0.5, 4),
    1: (0.1, 1.8),
}

DAY_WINDOWS = (
    (time(8, 0), time(10, 0)),
    (time(9, 0), time(11, 0)),
    (time(10, 0), time(12, 0)),
    (time(13, 0), time(15, 0)),
    (time(14, 0), time(16, 0)),
    (time(15, 30), time(17, 0)),
    (time(16, 0), time(17, 30)),
)
EXECUTIVE_WINDOWS = (
    (time(7, 30), time(8, 30)),
    (time(16, 30), time(17, 30)),
    (time(13, 0), time(14, 0)),
    (time(8, 0), time(9, 0)),
)
EVENING_WINDOWS = (
    (time(19, 0), time(21, 0)),
    (time(19, 30), time(21, 0)),
    (time(20, 0), time(22, 0)),
)
LATE_NIGHT_WINDOW = (time(22, 0), time(0, 0))  # until midnight
SATURDAY_WINDOW = (time(9, 0), time(11, 0))
FRIDAY_PRAYER = (time(11, 30), time(13, 0))

HOBBIES = (
    ("badminton on Saturdays", "main badminton tiap Sabtu"),
    ("hiking Mount Gede", "mendaki Gunung Gede"),
    ("brewing coffee at home", "menyeduh kopi di rumah"),
    ("street photography", "fotografi jalanan"),
    ("running on car-free day", "lari pagi saat car free day"),
    ("cooking rendang for the family", "masak rendang untuk keluarga"),
    ("futsal with the team", "futsal bareng tim"),
    ("growing orchids", "merawat anggrek"),
    ("reading Indonesian history", "membaca buku sejarah Indonesia"),
    ("cycling around the city", "bersepeda keliling kota"),
    ("playing gamelan", "bermain gamelan"),
    ("diving whenever I can", "menyelam kalau ada waktu"),
    ("mobile games", "main game mobile"),
    ("keroncong and jazz", "musik keroncong dan jazz"),
    ("volunteering at a reading corner", "menjadi relawan taman baca"),
    ("trying every warung kopi in town", "mencoba semua warung kopi di kota"),
)

# --------------------------------------------------------------------------------------------
# The generated data.


@dataclass
class DemoPerson:
    email: str
    full_name: str
    job_title: str
    department: str
    manager_email: str
    seniority_level: int
    hire_date: date
    birth_year: int
    languages: list[str]
    timezone: str
    can_teach: list[tuple[str, int]]
    wants_to_learn: list[tuple[str, int]]
    bio: str = ""
    availability: list[tuple[int, time, time]] = field(default_factory=list)
    login_role: str = ""

    @property
    def generation(self) -> str | None:
        return generation_for(self.birth_year)

    def csv_row(self) -> dict[str, str]:
        return {
            "email": self.email,
            "full_name": self.full_name,
            "job_title": self.job_title,
            "department": self.department,
            "manager_email": self.manager_email,
            "seniority_level": str(self.seniority_level),
            "hire_date": self.hire_date.isoformat(),
            "birth_year": str(self.birth_year),
            "languages": ";".join(self.languages),
            "timezone": self.timezone,
            "can_teach": _skill_cell(self.can_teach),
            "wants_to_learn": _skill_cell(self.wants_to_learn),
        }


def _skill_cell(skills: Sequence[tuple[str, int]]) -> str:
    return ";".join(f"{slug}:{level}" for slug, level in skills)


def generate_people(seed: int = DEMO_SEED) -> list[DemoPerson]:
    """The whole organisation, managers before their reports; identical on every call."""
    return _OrganisationBuilder(seed).build()


def demo_csv(people: Sequence[DemoPerson] | None = None) -> str:
    """The people in the People CSV format (DESIGN.md), header first."""
    if people is None:
        people = generate_people()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(person.csv_row() for person in people)
    return buffer.getvalue()


class _OrganisationBuilder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.people: list[DemoPerson] = []
        self.taken_names: set[str] = {login.full_name for login in DEMO_LOGINS}
        self.taken_emails: set[str] = {login.email for login in DEMO_LOGINS}
        self.skill_names = {
            entry["slug"]: (entry["name_en"], entry["name_id"]) for entry in skill_taxonomy()
        }
        self.directors: dict[str, DemoPerson] = {}

    # -- structure ---------------------------------------------------------------------------

    def build(self) -> list[DemoPerson]:
        by_name = {department.name: department for department in DEPARTMENTS}
        ceo = self._person(
            key=(CEO_DEPARTMENT, "", "ceo", 0),
            title=CEO_TITLE,
            department=CEO_DEPARTMENT,
            manager=None,
            level=SENIORITY_MAX,
            skills=("strategy", "corporate-governance", "industry-knowledge"),
            office="jakarta",
        )
        for department in DEPARTMENTS:
            if department.director_title:
                self.directors[department.name] = self._person(
                    key=(department.name, "", "director", 0),
                    title=department.director_title,
                    department=department.name,
                    manager=ceo,
                    level=9,
                    skills=department.skills,
                    office="jakarta",
                )
        for department in DEPARTMENTS:
            if department.head_reports_to == "ceo":
                head_manager = ceo
            elif department.head_reports_to == "own director":
                head_manager = self.directors[department.name]
            else:
                head_manager = self.directors[by_name[department.head_reports_to].name]
            head = self._person(
                key=(department.name, "", "head", 0),
                title=department.head_title,
                department=department.name,
                manager=head_manager,
                level=department.head_level,
                skills=department.skills,
                office="jakarta",
            )
            for index, extra in enumerate(department.extras):
                extra_manager = {
                    "ceo": ceo,
                    "director": self.directors.get(department.name, head_manager),
                    "head": head,
                }[extra.reports_to]
                self._person(
                    key=(department.name, "", "extra", index),
                    title=extra.title,
                    department=department.name,
                    manager=extra_manager,
                    level=extra.level,
                    skills=extra.skills,
                    office="jakarta",
                    birth_years=extra.birth_years,
                )
            for team in department.teams:
                self._build_team(department, team, head)
        self._check()
        return self.people

    def _build_team(self, department: _Department, team: _Team, head: DemoPerson) -> None:
        def place(role: str, index: int, title: str, level: int, manager: DemoPerson) -> DemoPerson:
            return self._person(
                key=(department.name, team.name, role, index),
                title=title,
                department=department.name,
                manager=manager,
                level=level,
                skills=team.skills,
                office=team.office,
            )

        manager = place("manager", 0, team.manager_title, team.manager_level, head)
        members = team.size
        lead = None
        if team.lead_title:
            lead = place("lead", 0, team.lead_title, 4, manager)
            members -= 1
        senior_count = max(1, round(members * 0.35))
        for index in range(senior_count):
            place("senior", index, team.senior_title, 3, manager)
        for index in range(members - senior_count):
            level = 2 if self.rng.random() < 0.6 else 1
            title = team.junior_titles[index % len(team.junior_titles)]
            if level == 1 and not title.startswith(("Staf", "Management Trainee", "Admin")):
                title = f"Junior {title}" if self.rng.random() < 0.5 else title
            reports_to = lead if lead is not None and index % 2 == 1 else manager
            # The mentor login is a level-2 specialist whatever the dice say.
            if (department.name, team.name, "junior", index) in LOGIN_POSITIONS:
                level, title = 2, team.junior_titles[0]
            place("junior", index, title, level, reports_to)

    # -- one person ----------------------------------------------------------------------------

    def _person(
        self,
        *,
        key: tuple[str, str, str, int],
        title: str,
        department: str,
        manager: DemoPerson | None,
        level: int,
        skills: tuple[str, ...],
        office: str,
        birth_years: tuple[int, int] | None = None,
    ) -> DemoPerson:
        rng = self.rng
        role = LOGIN_POSITIONS.get(key)
        timezone = OFFICE_TIMEZONES[office]
        # A few engineers and analysts work remotely from Bali.
        remote_eligible = department in {"Technology", "Data & Analytics"} and level <= 4
        if office == "jakarta" and remote_eligible and rng.random() < 0.08:
            timezone = OFFICE_TIMEZONES["denpasar"]
        if role is not None:
            login = LOGINS_BY_ROLE[role]
            person = DemoPerson(
                email=login.email,
                full_name=login.full_name,
                job_title=login.job_title,
                department=department,
                manager_email=manager.email if manager else "",
                seniority_level=level,
                hire_date=login.hire_date,
                birth_year=login.birth_year,
                languages=list(login.languages),
                timezone=timezone,
                can_teach=list(login.can_teach),
                wants_to_learn=list(login.wants_to_learn),
                bio=login.bio,
                login_role=role,
            )
            person.availability = self._availability(person)
            self.people.append(person)
            return person

        birth_year = self._birth_year(level, birth_years)
        background = self._weighted(OFFICE_BACKGROUNDS[office])
        female = rng.random() < (0.4 if level >= 7 else 0.5)
        full_name, email = self._unique_name(background, female, birth_year)
        person = DemoPerson(
            email=email,
            full_name=full_name,
            job_title=title,
            department=department,
            manager_email=manager.email if manager else "",
            seniority_level=level,
            hire_date=self._hire_date(level, birth_year),
            birth_year=birth_year,
            languages=self._languages(background, level, office),
            timezone=timezone,
            can_teach=[],
            wants_to_learn=[],
        )
        minority_here = background in {"papuan", "chinese", "manado", "balinese", "arab"} and (
            office == "jakarta"
        )
        person.can_teach, person.wants_to_learn = self._skills(level, skills, minority_here)
        person.bio = self._bio(person, department)
        person.availability = self._availability(person)
        self.people.append(person)
        return person

    def _birth_year(self, level: int, override: tuple[int, int] | None) -> int:
        rng = self.rng
        if override:
            return rng.randint(*override)
        first, last = BIRTH_YEARS[level]
        if level == 2 and rng.random() < 0.25:
            first, last = 1990, 1996  # a career switcher
        elif level in (3, 4) and rng.random() < 0.1:
            first, last = 1970, 1980  # a long-serving specialist
        elif level == 9 and rng.random() < 0.2:
            first, last = 1963, 1964  # an executive past the usual retirement age
        return rng.randint(first, last)

    def _hire_date(self, level: int, birth_year: int) -> date:
        rng = self.rng
        fewest, most = TENURE_YEARS[level]
        if level in (3, 4) and birth_year < 1981:
            fewest, most = 12, 25
        days = int(rng.uniform(fewest, most) * 365.25)
        hire_date = REFERENCE_DATE - timedelta(days=days)
        earliest = date(birth_year + (21 if level <= 2 else 22), 7, 1)
        if hire_date < earliest:
            span = (REFERENCE_DATE - earliest).days
            hire_date = earliest + timedelta(days=rng.randint(0, max(span, 0)))
        return hire_date

    def _languages(self, background: str, level: int, office: str) -> list[str]:
        rng = self.rng
        languages = ["id"]
        english_chance = 0.97 if level >= 5 else 0.9 if level >= 3 else 0.8
        if office == "jayapura":
            english_chance -= 0.3
        if rng.random() < english_chance:
            languages.append("en")
        if background in ETHNIC_LANGUAGES:
            code, chance = ETHNIC_LANGUAGES[background]
            if rng.random() < chance:
                languages.append(code)
        return languages

    def _unique_name(self, background: str, female: bool, birth_year: int) -> tuple[str, str]:
        for _attempt in range(200):
            full_name, first, last = self._name(background, female, birth_year)
            local = f"{_ascii(first)}.{_ascii(last)}" if last else _ascii(first)
            email = f"{local}@{DEMO_DOMAIN}"
            if full_name not in self.taken_names and email not in self.taken_emails:
                self.taken_names.add(full_name)
                self.taken_emails.add(email)
                return full_name, email
        raise RuntimeError(f"ran out of {background} names")  # the pools are far larger

    def _name(self, background: str, female: bool, birth_year: int) -> tuple[str, str, str]:
        """(full name, the first name and the last name the email is made of)."""
        rng = self.rng
        young = birth_year >= 1981
        if rng.random() < 0.12:
            young = not young  # names cross generations too
        if background == "balinese":
            order = rng.choice(BALINESE_BIRTH_ORDER_FEMALE if female else BALINESE_BIRTH_ORDER_MALE)
            given = rng.choice(BALINESE_GIVEN_FEMALE if female else BALINESE_GIVEN_MALE)
            last = rng.choice(BALINESE_LAST_FEMALE if female else BALINESE_LAST_MALE)
            prefix = "Ni" if female else "I"
            if female and order == "Luh":
                return f"Ni Luh {given} {last}", given, last
            return f"{prefix} {order} {given} {last}", order, last
        if background == "javanese" and birth_year < 1975 and rng.random() < 0.2:
            candidates = [
                name for name in JAVANESE_SINGLE_NAMES if (name in SINGLE_NAME_FEMALE) == female
            ]
            single = rng.choice(candidates)
            return single, single, ""
        pool = NAME_POOLS[background]
        if female:
            firsts = pool.female_young if young else pool.female_old
            lasts = pool.female_last or pool.male_last
        else:
            firsts = pool.male_young if young else pool.male_old
            lasts = pool.male_last
        first = rng.choice(firsts)
        last = rng.choice(lasts)
        parts = [first]
        if rng.random() < pool.middle_name_chance:
            middle = rng.choice(firsts)
            if middle != first:
                parts.append(middle)
        if background == "bugis" and rng.random() < 0.2:
            parts.insert(0, "Andi")
            first = "Andi"
        parts.append(last)
        return " ".join(parts), first, last

    def _weighted(self, weights: dict[str, int], exclude: set[str] | None = None) -> str:
        items = [(key, weight) for key, weight in weights.items() if key not in (exclude or ())]
        return self.rng.choices([key for key, _ in items], [weight for _, weight in items])[0]

    def _pick(self, weights: dict[str, int], count: int, exclude: set[str]) -> list[str]:
        picked: list[str] = []
        for _ in range(count):
            choice = self._weighted(weights, exclude | set(picked))
            picked.append(choice)
        return picked

    def _skills(
        self, level: int, team_skills: tuple[str, ...], minority_here: bool
    ) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
        rng = self.rng
        teach: list[tuple[str, int]] = []
        learn: list[tuple[str, int]] = []

        def taken() -> set[str]:
            return {slug for slug, _ in teach} | {slug for slug, _ in learn}

        functional = list(team_skills)
        rng.shuffle(functional)
        if level <= 2:
            teach += [(slug, rng.choice((2, 3))) for slug in functional[:1]]
            for slug in self._pick(JUNIOR_DIGITAL_TEACH, rng.randint(2, 3), taken()):
                teach.append((slug, 3 if rng.random() < 0.55 else 2))
            inclusion_chance = 0.5 if minority_here else 0.2
            if rng.random() < inclusion_chance:
                slug = self._weighted(JUNIOR_INCLUSION_TEACH, taken())
                teach.append((slug, 2))
            for slug in self._pick(JUNIOR_LEARN, rng.randint(3, 4), taken()):
                learn.append((slug, 1 if rng.random() < 0.75 else 2))
        elif level <= 4:
            teach += [(slug, rng.choice((2, 3))) for slug in functional[:2]]
            teach += [(slug, 2) for slug in self._pick(SENIOR_STAFF_TEACH, 1, taken())]
            if rng.random() < 0.4:
                teach += [(slug, 2) for slug in self._pick(JUNIOR_DIGITAL_TEACH, 1, taken())]
            for slug in self._pick(SENIOR_STAFF_LEARN, rng.randint(2, 3), taken()):
                learn.append((slug, 1 if rng.random() < 0.6 else 2))
        elif level <= 6:
            teach += [(slug, 3) for slug in functional[:2]]
            teach += [(slug, rng.choice((2, 3))) for slug in self._pick(MANAGER_TEACH, 2, taken())]
            for slug in self._pick(LEADER_LEARN, rng.randint(2, 4), taken()):
                learn.append((slug, 1))
        else:
            for slug in ("leadership", "strategy"):
                teach.append((slug, 3))
            for slug in self._pick(SENIOR_LEADER_TEACH, rng.randint(3, 4), taken()):
                teach.append((slug, 3))
            for slug in functional[:1]:
                if slug not in taken():
                    teach.append((slug, 3))
            for slug in self._pick(LEADER_LEARN, rng.randint(3, 5), taken()):
                learn.append((slug, 1))
        return teach, learn

    # -- what the CSV has no column for ------------------------------------------------------

    def _skill_phrase(self, skills: Sequence[tuple[str, int]], indonesian: bool) -> str:
        names = [_in_sentence(self.skill_names[slug][1 if indonesian else 0]) for slug, _ in skills]
        if len(names) == 1:
            return names[0]
        conjunction = "dan" if indonesian else "and"
        if any(f" {conjunction} " in name for name in names):
            conjunction = "serta" if indonesian else "as well as"
        return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"

    def _bio(self, person: DemoPerson, department: str) -> str:
        rng = self.rng
        indonesian = rng.random() < 0.55
        teach = self._skill_phrase(person.can_teach[:2], indonesian)
        learn = self._skill_phrase(person.wants_to_learn[:2], indonesian)
        hobby = rng.choice(HOBBIES)[1 if indonesian else 0]
        year = person.hire_date.year
        level = person.seniority_level
        names = person.full_name.split()
        # Balinese go by their given name, after "I"/"Ni" and the birth-order name.
        first_name = names[2] if names[0] in {"I", "Ni"} and len(names) > 3 else names[0]
        in_department = department in person.job_title
        if indonesian:
            where = "" if in_department else f" di {department}"
            options = [
                f"{person.job_title}{where} sejak {year}. Senang berbagi soal {teach}, "
                f"dan sedang belajar {learn}.",
                f"Bergabung dengan {COMPANY_SHORT_NAME} tahun {year}. Bisa bantu soal {teach}. "
                f"Di luar kantor: {hobby}.",
                f"Panggil saja {first_name}. Sehari-hari berkutat dengan {teach}; ingin "
                f"belajar {learn}.",
            ]
            if level <= 2:
                options.append(
                    f"Gen Z yang suka ngulik {teach}. Mau belajar {learn} dari para senior, "
                    f"dan siap berbagi hal baru. Hobi: {hobby}."
                )
            if level >= 5:
                options.append(
                    f"Sudah {REFERENCE_DATE.year - year} tahun di {COMPANY_SHORT_NAME}. Siap "
                    f"berbagi pengalaman soal {teach}, dan ingin diajari {learn} oleh rekan "
                    f"yang lebih muda."
                )
        else:
            where = "" if in_department else f" in {department}"
            options = [
                f"{person.job_title}{where} since {year}. Happy to share {teach}; "
                f"currently learning {learn}.",
                f"Joined {COMPANY_SHORT_NAME} in {year}. Ask me about {teach}. "
                f"Outside work: {hobby}.",
                f"I'd like to get better at {learn}, and I can help with {teach} in return.",
            ]
            if level <= 2:
                options.append(
                    f"Early in my career and curious about everything. I can show you {teach}; "
                    f"I'm looking for a senior to learn {learn} from."
                )
            if level >= 5:
                options.append(
                    f"{REFERENCE_DATE.year - year} years at {COMPANY_SHORT_NAME}. I can share "
                    f"{teach}, and I want a younger colleague to teach me {learn}."
                )
        return rng.choice(options)

    def _availability(self, person: DemoPerson) -> list[tuple[int, time, time]]:
        """Weekly windows in the person's own zone: working hours, some evenings."""
        rng = self.rng
        level = person.seniority_level
        windows = EXECUTIVE_WINDOWS if level >= 8 else DAY_WINDOWS
        day_count = rng.randint(2, 3) if level >= 8 else rng.randint(2, 4)
        slots: list[tuple[int, time, time]] = []
        for weekday in sorted(rng.sample(range(5), day_count)):
            start, end = rng.choice(windows)
            if weekday == 4 and start < FRIDAY_PRAYER[1] and end > FRIDAY_PRAYER[0]:
                start, end = (
                    (time(14, 0), time(16, 0)) if level < 8 else (time(16, 30), time(17, 30))
                )
            slots.append((weekday, start, end))
        evening_chance = 0.45 if level <= 2 else 0.25 if level <= 6 else 0.1
        if rng.random() < evening_chance:
            weekday = rng.randrange(5)
            start, end = rng.choice(EVENING_WINDOWS)
            if level <= 2 and person.department == "Technology" and rng.random() < 0.3:
                start, end = LATE_NIGHT_WINDOW
            slots.append((weekday, start, end))
        if rng.random() < (0.15 if level <= 4 else 0.05):
            slots.append((5, *SATURDAY_WINDOW))
        return sorted(slots)

    # -- invariants ------------------------------------------------------------------------------

    def _check(self) -> None:
        emails = [person.email for person in self.people]
        assert len(emails) == len(set(emails)), "duplicate demo email"
        names = [person.full_name for person in self.people]
        assert len(names) == len(set(names)), "duplicate demo name"
        assert {p.login_role for p in self.people} >= set(LOGINS_BY_ROLE), "a login is missing"
        for person in self.people:
            assert SENIORITY_MIN <= person.seniority_level <= SENIORITY_MAX
            for slug, _level in person.can_teach + person.wants_to_learn:
                assert slug in self.skill_names, f"unknown skill {slug}"


def _ascii(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if char.isascii() and char.isalnum())


# Names that keep their capital inside a sentence.
_PROPER_FIRST_WORDS = frozenset({"Instagram", "Python", "Git", "Agile", "X"})


def _in_sentence(name: str) -> str:
    first_word = name.split()[0]
    if first_word in _PROPER_FIRST_WORDS or any(char.isupper() for char in first_word[1:]):
        return name
    return name[0].lower() + name[1:]


# --------------------------------------------------------------------------------------------
# Figures and loading.


@dataclass
class DemoSummary:
    people: int
    departments: int
    generations: dict[str, int]
    skills_in_taxonomy: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    availability_slots: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


def describe(people: Sequence[DemoPerson]) -> DemoSummary:
    bands = Counter(person.generation for person in people)
    return DemoSummary(
        people=len(people),
        departments=len({person.department for person in people}),
        generations={band.value: bands.get(band.value, 0) for band in Generation},
    )


class DemoLoadError(Exception):
    """The importer refused the generated CSV: a bug in the generator or the importer."""

    def __init__(self, errors: Sequence[Any]):
        self.errors = list(errors)
        lines = [_describe_error(error) for error in self.errors[:20]]
        more = f" (and {len(self.errors) - 20} more)" if len(self.errors) > 20 else ""
        super().__init__("The importer refused the demo CSV:\n  " + "\n  ".join(lines) + more)


def _describe_error(error: Any) -> str:
    line, column = getattr(error, "line", "?"), getattr(error, "column", "")
    value, reason = getattr(error, "value", ""), getattr(error, "reason", error)
    return f"line {line}, column {column or '-'}, value {value or '-'}: {reason}"


def load_demo() -> DemoSummary:
    """Refresh the skill taxonomy, import the people, then set bios, availability and logins.

    Idempotent: a second run imports nothing new, replaces each person's availability and
    resets the demo logins' passwords and roles.
    """
    from django.db import transaction

    people = generate_people()
    summary = describe(people)
    with transaction.atomic():
        summary.skills_in_taxonomy = seed_skills()
        report = run_import(
            content=demo_csv(people).encode("utf-8"),
            actor=None,
            dry_run=False,
            file_name=DEMO_FILE_NAME,
        )
        if not report.ok:
            raise DemoLoadError(report.errors)
        summary.created = _count(report.created)
        summary.updated = _count(report.updated)
        summary.unchanged = _count(report.unchanged)
        summary.availability_slots = _apply_profiles(people)
        summary.logins = _reset_logins()
    return summary


def _count(value: Any) -> int:
    return value if isinstance(value, int) else len(value)


def _apply_profiles(people: Sequence[DemoPerson]) -> int:
    by_email = {person.email: person for person in people}
    persons = list(Person.objects.filter(user__email__in=by_email).select_related("user"))
    changed_bios = []
    slots = []
    for record in persons:
        demo_person = by_email[record.user.email.lower()]
        if record.bio != demo_person.bio:
            record.bio = demo_person.bio
            changed_bios.append(record)
        slots += [
            AvailabilitySlot(person=record, weekday=weekday, start_time=start, end_time=end)
            for weekday, start, end in demo_person.availability
        ]
    Person.objects.bulk_update(changed_bios, ["bio"], batch_size=500)
    AvailabilitySlot.objects.filter(person__in=persons).delete()
    AvailabilitySlot.objects.bulk_create(slots, batch_size=1000)
    return len(slots)


def _reset_logins() -> list[DemoLogin]:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    users = {user.email: user for user in user_model.objects.filter(email__in=LOGINS_BY_EMAIL)}
    for email, login in LOGINS_BY_EMAIL.items():
        user = users[email]
        user.set_password(DEMO_PASSWORD)
        user.is_active = True
        user.is_org_admin = login.is_org_admin
        user.is_program_manager = login.is_program_manager
        user.is_staff = login.is_superuser
        user.is_superuser = login.is_superuser
        user.preferred_language = login.preferred_language
        user.save(
            update_fields=[
                "password",
                "is_active",
                "is_org_admin",
                "is_program_manager",
                "is_staff",
                "is_superuser",
                "preferred_language",
            ]
        )
        _unlock(email)
    return list(DEMO_LOGINS)


def _unlock(email: str) -> None:
    """Lift a login throttle on a demo account, so that `balik demo` always gives working logins."""
    from axes.utils import reset

    reset(username=email)


LOGINS_BY_EMAIL = {login.email: login for login in DEMO_LOGINS}
