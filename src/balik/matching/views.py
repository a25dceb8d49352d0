"""The manager's review of a matching proposal, and the mentee's choice in self-match mode."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balik.core.refusals import answers_refusals, back_to, refusal_beside
from balik.matching import services
from balik.matching.engine import COMPONENTS
from balik.matching.explain import Explainer, component_label, rule_label, score_in_words
from balik.matching.models import MatchRequest, PairRule, PairRuleAction, RunStatus
from balik.matching.notify import match_notice_previews
from balik.mentorships.selectors import visible_mentorship
from balik.people.models import Person
from balik.programs.models import EnrolmentStatus
from balik.programs.web import managed_program, program_or_404

PAIRS_PER_PAGE = 50


def _component_names() -> list[tuple[str, str]]:
    return [(name, component_label(name)) for name in COMPONENTS]


HISTOGRAM_BINS = 10


def _histogram(scores: list[float]) -> list[dict]:
    counts = [0] * HISTOGRAM_BINS
    for score in scores:
        counts[min(int(score * HISTOGRAM_BINS), HISTOGRAM_BINS - 1)] += 1
    tallest = max(counts) or 1
    return [
        {
            "low": i / HISTOGRAM_BINS,
            "high": (i + 1) / HISTOGRAM_BINS,
            "count": count,
            "height": round(80 * count / tallest, 1),
            "y": round(90 - 80 * count / tallest, 1),
            "x": i * 30 + 4,
        }
        for i, count in enumerate(counts)
    ]


def _component_bars(components: dict[str, float]) -> list[dict]:
    bars, x = [], 0.0
    for index, name in enumerate(COMPONENTS):
        value = float(components.get(name, 0.0))
        bars.append(
            {
                "name": name,
                "label": component_label(name),
                "value": value,
                "x": x,
                "width": round(value * 18, 2),
                "slot": index,
            }
        )
        x += 21
    return bars


@login_required
@require_GET
def review(request: HttpRequest, slug: str) -> HttpResponse:
    program = managed_program(request, slug)
    run = services.latest_run(program)
    query = (request.GET.get("q") or "").strip()
    show = request.GET.get("show", "all")
    try:
        min_score = float(request.GET.get("min") or 0)
    except ValueError:
        min_score = 0.0
    rules = list(PairRule.objects.filter(program=program).select_related("mentor", "mentee"))
    lock_of = {(r.mentor_id, r.mentee_id): r for r in rules}
    context: dict = {
        "program": program,
        "run": run,
        "rules": rules,
        "query": query,
        "show": show,
        "min_score": min_score,
        "declined": list(services.declined_mentorships(program)[:50]),
        "component_names": _component_names(),
        "enrolled": program.enrolments.filter(status=EnrolmentStatus.ACTIVE).count(),
    }
    if run is not None and run.status in (RunStatus.DONE, RunStatus.PUBLISHED):
        pairs = run.pairs.select_related("mentor", "mentee")
        if query:
            pairs = pairs.filter(
                Q(mentor__full_name__icontains=query)
                | Q(mentee__full_name__icontains=query)
                | Q(mentor__department__icontains=query)
                | Q(mentee__department__icontains=query)
            )
        if min_score:
            pairs = pairs.filter(score__gte=min_score)
        if show == "locked":
            pairs = pairs.filter(locked=True)
        page = Paginator(pairs.order_by("-score", "pk"), PAIRS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        unmatched = run.unmatched if show in ("all", "unmatched") else []
        unmatched_people = Person.objects.in_bulk([u["person"] for u in unmatched[:200]])
        explainer = Explainer(
            [fact for pair in page for fact in pair.reasons]
            + [u["reason"] for u in unmatched[:200]]
        )
        context.update(
            page=page,
            pairs=[
                {
                    "pair": pair,
                    "reasons": [explainer.render(fact) for fact in pair.reasons],
                    "bars": _component_bars(pair.components),
                    "in_words": score_in_words(pair.score, pair.components),
                    "rule": lock_of.get((pair.mentor_id, pair.mentee_id)),
                    "broken": [rule_label(r) for r in pair.broken_rules],
                }
                for pair in page
            ],
            unmatched=[
                {
                    "person": unmatched_people.get(u["person"]),
                    "role": explainer.role(u["role"]),
                    "reason": explainer.render(u["reason"]),
                }
                for u in unmatched[:200]
                if not query
                or query.lower()
                in (getattr(unmatched_people.get(u["person"]), "full_name", "")).lower()
            ],
            unmatched_total=len(run.unmatched),
            skipped=services.skipped_pairs(run) if run.skipped else [],
            histogram=_histogram(list(run.pairs.values_list("score", flat=True))),
            pair_total=run.pairs.count(),
            gap_percent=(
                100 * (run.upper_bound - run.objective) / run.upper_bound
                if run.upper_bound and run.objective is not None
                else 0
            ),
        )
    return render(request, "matching/review.html", context)


@login_required
@require_GET
def progress(request: HttpRequest, slug: str) -> HttpResponse:
    program = managed_program(request, slug)
    run = services.latest_run(program)
    response = render(request, "matching/partials/progress.html", {"program": program, "run": run})
    if run is not None and not run.in_progress and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
@answers_refusals(back="programs:matching")
def run(request: HttpRequest, slug: str) -> HttpResponse:
    program = managed_program(request, slug)
    match_run = services.run_start(request.user, program)
    if match_run.status == RunStatus.DONE:
        messages.success(
            request,
            _("Matching done: %(pairs)d pairs, %(unmatched)d people unmatched.")
            % {"pairs": match_run.pairs.count(), "unmatched": len(match_run.unmatched)},
        )
    elif match_run.status == RunStatus.FAILED:
        messages.error(request, _("Matching failed: %(error)s") % {"error": match_run.error})
    else:
        messages.info(request, _("Matching runs in the background; this page shows its progress."))
    return redirect("programs:matching", program.slug)


def _review_page(request: HttpRequest, slug: str) -> str:
    """The review page the form was on, keeping its filters and page."""
    back = request.POST.get("next", "")
    review_path = reverse("programs:matching", args=[slug])
    if back.startswith(review_path) and "//" not in back:
        return back
    return review_path


def _person_id(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
@require_POST
@answers_refusals(back=_review_page)
def pair_rule(request: HttpRequest, slug: str) -> HttpResponse:
    program = managed_program(request, slug)
    mentor_id = _person_id(request.POST.get("mentor"))
    mentee_id = _person_id(request.POST.get("mentee"))
    if mentor_id is None or mentee_id is None:
        messages.error(request, _("Choose both people of the pair."))
        return redirect("programs:matching", program.slug)
    services.pair_rule_set(
        request.user,
        program,
        mentor_id=mentor_id,
        mentee_id=mentee_id,
        action=request.POST.get("action", ""),
        confirm_broken_rules=request.POST.get("confirm") == "1",
    )
    messages.success(
        request,
        _("Pair locked: it stays in every re-run.")
        if request.POST.get("action") == PairRuleAction.LOCK
        else _("Pair forbidden: it will not be proposed again."),
    )
    return redirect(_review_page(request, program.slug))


@login_required
@require_POST
@answers_refusals(back=back_to("programs:matching", "slug"))
def clear_rule(request: HttpRequest, slug: str, rule_id: int) -> HttpResponse:
    program = managed_program(request, slug)
    services.pair_rule_clear(request.user, program, rule_id=rule_id)
    messages.success(request, _("Removed. Re-run matching to use the change."))
    return redirect("programs:matching", program.slug)


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def manual_pair(request: HttpRequest, slug: str) -> HttpResponse:
    program = managed_program(request, slug)
    enrolled = list(
        Person.objects.filter(
            enrolments__program=program, enrolments__status=EnrolmentStatus.ACTIVE
        ).order_by("full_name")
    )
    source = request.POST if request.method == "POST" else request.GET
    mentor_id, mentee_id = _person_id(source.get("mentor")), _person_id(source.get("mentee"))
    check, errors = None, {}
    if mentor_id and mentee_id:
        with refusal_beside(errors):
            check = services.pair_check(program, mentor_id=mentor_id, mentee_id=mentee_id)
    if request.method == "POST" and check is not None:
        with refusal_beside(errors):
            services.pair_rule_set(
                request.user,
                program,
                mentor_id=mentor_id,
                mentee_id=mentee_id,
                action=PairRuleAction.LOCK,
                confirm_broken_rules=request.POST.get("confirm") == "1",
                manual=True,
            )
            messages.success(request, _("Manual pair saved. Re-run matching to build around it."))
            return redirect("programs:matching", program.slug)
    explainer = Explainer(check.reasons if check else [])
    return render(
        request,
        "matching/manual.html",
        {
            "program": program,
            "people": enrolled,
            "mentor_id": mentor_id,
            "mentee_id": mentee_id,
            "check": check,
            "reasons": [explainer.render(f) for f in check.reasons] if check else [],
            "broken": [rule_label(r) for r in check.broken_rules] if check else [],
            "bars": _component_bars(check.components) if check else [],
            "errors": errors,
        },
    )


NAMES_SHOWN = 60


def _publish_preview(request: HttpRequest, program, run) -> HttpResponse:
    """What publishing will do: the pairs, who is told, the e-mail each side gets."""
    pairs = run.pairs.select_related("mentor", "mentee").order_by("-locked", "-score", "pk")
    first = pairs.first()
    people = Person.objects.filter(
        Q(pk__in=run.pairs.values("mentor_id")) | Q(pk__in=run.pairs.values("mentee_id"))
    ).order_by("full_name")
    notified_total = people.count()
    return render(
        request,
        "matching/publish.html",
        {
            "program": program,
            "run": run,
            "pair_total": run.pairs.count(),
            "notified_total": notified_total,
            "notified": list(people.values_list("full_name", flat=True)[:NAMES_SHOWN]),
            "notified_more": max(0, notified_total - NAMES_SHOWN),
            "first": first,
            "emails": (
                match_notice_previews(program, first.mentor, first.mentee, first.reasons)
                if first
                else []
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals(back="programs:matching")
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the preview; POST: publish, only with the confirmation given on the preview of
    this very run (a newer run needs its own look)."""
    program = managed_program(request, slug)
    run = services.latest_run(program)
    if run is None:
        messages.error(request, _("Run matching first."))
        return redirect("programs:matching", program.slug)
    if request.method == "GET":
        if run.status != RunStatus.DONE:
            messages.error(request, _("There is no finished run waiting to be published."))
            return redirect("programs:matching", program.slug)
        return _publish_preview(request, program, run)
    if request.POST.get("confirm") != "1" or request.POST.get("run") != str(run.pk):
        messages.error(request, _("Look at the preview and confirm it: nothing was published yet."))
        return redirect("programs:matching-publish", program.slug)
    result = services.run_publish(request.user, run)
    messages.success(
        request,
        _("Published: %(n)d mentorships created; both people of each will get an e-mail.")
        % {"n": len(result.created)},
    )
    if result.skipped:
        messages.warning(
            request,
            ngettext(
                "%(n)d proposed pair was not published because things changed since the "
                "run; the list below says why.",
                "%(n)d proposed pairs were not published because things changed since the "
                "run; the list below says why.",
                len(result.skipped),
            )
            % {"n": len(result.skipped)},
        )
    return redirect("programs:matching", program.slug)


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals(back="programs:choose")
def choose(request: HttpRequest, slug: str) -> HttpResponse:
    program = program_or_404(slug)
    if request.method == "POST":
        mentor_id = _person_id(request.POST.get("mentor"))
        services.mentor_request(
            request.user, program, mentor_id=mentor_id or 0, message=request.POST.get("message", "")
        )
        messages.success(request, _("Request sent. The mentor will accept or decline."))
        return redirect("programs:detail", program.slug)
    suggestions = services.shortlist(request.user, program)
    explainer = Explainer([fact for s in suggestions for fact in s.reasons])
    me = Person.objects.filter(user=request.user).values_list("pk", flat=True).first()
    pending = (
        MatchRequest.objects.filter(program=program, mentee__user=request.user, status="pending")
        .select_related("mentor")
        .first()
    )
    return render(
        request,
        "matching/choose.html",
        {
            "program": program,
            "pending": pending,
            "component_names": _component_names(),
            "suggestions": [
                {
                    "s": s,
                    "reasons": [explainer.to_mentee(f, me) for f in s.reasons],
                    "bars": _component_bars(s.components),
                    "in_words": score_in_words(s.score, s.components, reader="mentee"),
                }
                for s in suggestions
            ],
        },
    )


@login_required
@require_POST
@answers_refusals(back=back_to("programs:detail", "slug"))
def answer(request: HttpRequest, slug: str, request_id: int) -> HttpResponse:
    program = program_or_404(slug)
    match_request = (
        MatchRequest.objects.filter(program=program, pk=request_id)
        .select_related("mentor", "mentee")
        .first()
    )
    if match_request is None:
        raise Http404(_("There is no such request."))
    action = request.POST.get("action")
    if action == "withdraw":
        services.request_withdraw(request.user, match_request)
        messages.success(request, _("Request withdrawn."))
    else:
        services.request_answer(
            request.user,
            match_request,
            accept=action == "accept",
            reason=request.POST.get("reason", ""),
        )
        messages.success(
            request,
            _("Accepted: you are now paired.") if action == "accept" else _("Declined."),
        )
    return redirect("programs:detail", program.slug)


# Routed as mentorships:decline by balik.site.urls: declining is a matching decision (the pair
# is never proposed again), taken from the mentorship's page.
@login_required
@require_POST
@answers_refusals(back="mentorships:detail")
def decline(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    mentorship, side = visible_mentorship(request, mentorship_id)
    if side == "manager":
        raise PermissionDenied(_("Only the two people in a match can decline it."))
    services.mentorship_decline(request.user, mentorship, reason=request.POST.get("reason", ""))
    messages.success(
        request, _("You declined the match. The programme manager will find you a new one.")
    )
    return redirect("mentorships:detail", mentorship.pk)
