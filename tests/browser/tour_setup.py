"""Run inside `balik shell` after `balik demo`: the state the page tour needs, printed as JSON.

Matching run once on an enrolling programme (its review page shows pairs and rules), the pilot's
demo pair nudged by the manager (the inbox holds notices), a mentee of the flipped programme
given the demo password (the choose page), and one programme that starts next year.
"""

import json
from datetime import date

from django.contrib.auth import get_user_model

from balik.demo.people import DEMO_DOMAIN, DEMO_PASSWORD
from balik.insights.health import nudge_pair
from balik.matching.services import run_start
from balik.mentorships.models import Mentorship
from balik.programs.models import Enrolment, Program

users = get_user_model().objects
manager = users.get(email=f"pm@{DEMO_DOMAIN}")
mentor = users.get(email=f"mentor@{DEMO_DOMAIN}")
social = Program.objects.get(slug="social-media-2026")
if not social.match_runs.exists():
    run_start(None, social, in_request=True)
pilot_pair = Mentorship.objects.filter(program__slug="reverse-pilot-2026", mentor__user=mentor)
mentorship = pilot_pair.first()
nudge_pair(mentorship=mentorship, actor=manager)
chooser = (
    Enrolment.objects.filter(program__slug="flipped-growth-cohort-1", role="mentee")
    .select_related("person__user")
    .order_by("pk")
    .first()
    .person.user
)
chooser.set_password(DEMO_PASSWORD)
chooser.save(update_fields=["password"])
flipped = Program.objects.get(slug="flipped-growth-cohort-1")
print(
    json.dumps(
        {
            "mentorship": mentorship.pk,
            "person": mentorship.mentee.pk,
            "chooser": chooser.email,
            "flipped_start": flipped.start_date.isoformat(),
            "today": date.today().isoformat(),
        }
    )
)
