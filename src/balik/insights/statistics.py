"""Outcome statistics for programme managers: change between two self-assessments, means with
confidence intervals, rating distributions and the net promoter score.

Pure: numpy and scipy only, no Django, so it can be tested and benchmarked alone.

Missing answers: None and NaN mean "not answered". They are dropped (for a paired change, the
whole pair is dropped when either answer is missing) and n counts what remains. Infinite values
are refused with ValueError: they are a bug upstream, not an answer.

Anonymity: every aggregate over fewer than MIN_GROUP people is None, never a number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

MIN_GROUP = 5

Verdict = Literal["rise", "fall", "no_clear_change"]

# Differences this close together (relative to their size) count as identical: the t-test is
# undefined for them, and float noise such as 0.30000000000000004 must not make it defined.
_IDENTICAL = 1e-12


@dataclass(frozen=True)
class PairedChange:
    """The change from before to after for the same people.

    ci_low, ci_high: t-interval of the mean change at `confidence`.
    p_value: two-sided paired t-test. When every difference is identical the test is undefined,
    and we decide it by the limit: all 0 gives p = 1.0 (nothing changed), all equal to d != 0
    gives p = 0.0 with the interval [d, d] (everyone changed by exactly d).
    effect_size: Cohen's d_z (mean change / standard deviation of the changes), None when that
    deviation is 0.
    verdict: "rise" or "fall" when p < 1 - confidence (the interval excludes 0), else
    "no_clear_change".
    wilcoxon_p: Wilcoxon signed-rank test as a robustness check (no normality assumed; zeros
    dropped; exact without ties, the normal approximation with ties), None when it cannot be
    computed (every difference 0).
    """

    n: int
    mean_before: float
    mean_after: float
    mean_change: float
    ci_low: float
    ci_high: float
    p_value: float
    effect_size: float | None
    verdict: Verdict
    wilcoxon_p: float | None
    confidence: float


@dataclass(frozen=True)
class MeanCI:
    n: int
    mean: float
    ci_low: float
    ci_high: float
    sd: float  # sample standard deviation (n - 1)
    confidence: float


@dataclass(frozen=True)
class NPS:
    """Net promoter score from 0-10 answers; the percentages are 0-100 and add up to 100."""

    n: int
    promoters_percent: float  # 9 and 10
    passives_percent: float  # 7 and 8
    detractors_percent: float  # 0 to 6
    score: float  # promoters_percent - detractors_percent, from -100 to 100


def paired_change(
    before: Sequence[float | None],
    after: Sequence[float | None],
    confidence: float = 0.95,
) -> PairedChange | None:
    """before[i] and after[i] are the same person's answers; None below MIN_GROUP pairs."""
    _check_confidence(confidence)
    if len(before) != len(after):
        raise ValueError(
            f"before has {len(before)} answers and after has {len(after)}: pass one answer per "
            "person in each, None where a person did not answer."
        )
    first = _as_floats(before, "before")
    second = _as_floats(after, "after")
    answered = ~(np.isnan(first) | np.isnan(second))
    first, second = first[answered], second[answered]
    n = len(first)
    if n < MIN_GROUP:
        return None

    differences = second - first
    mean_change = float(differences.mean())
    alpha = 1 - confidence
    spread = float(np.ptp(differences))
    if spread <= _IDENTICAL * max(1.0, float(np.abs(differences).max())):
        nothing_changed = mean_change == 0.0
        p_value = 1.0 if nothing_changed else 0.0
        ci_low = ci_high = mean_change
        effect_size = None
    else:
        sd = float(differences.std(ddof=1))
        half_width = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
        ci_low, ci_high = mean_change - half_width, mean_change + half_width
        p_value = float(stats.ttest_rel(second, first).pvalue)
        effect_size = mean_change / sd

    verdict: Verdict = "no_clear_change"
    if p_value < alpha:
        verdict = "rise" if mean_change > 0 else "fall"
    return PairedChange(
        n=n,
        mean_before=float(first.mean()),
        mean_after=float(second.mean()),
        mean_change=mean_change,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value,
        effect_size=effect_size,
        verdict=verdict,
        wilcoxon_p=_wilcoxon_p(differences),
        confidence=confidence,
    )


def mean_with_ci(values: Sequence[float | None], confidence: float = 0.95) -> MeanCI | None:
    """Mean with its t-interval; None below MIN_GROUP answers. Equal values give [mean, mean]."""
    _check_confidence(confidence)
    answers = _as_floats(values, "values")
    answers = answers[~np.isnan(answers)]
    n = len(answers)
    if n < MIN_GROUP:
        return None
    mean = float(answers.mean())
    sd = float(answers.std(ddof=1))
    half_width = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return MeanCI(
        n=n,
        mean=mean,
        ci_low=mean - half_width,
        ci_high=mean + half_width,
        sd=sd,
        confidence=confidence,
    )


def distribution(values: Sequence[float | None], low: int = 1, high: int = 5) -> list[int] | None:
    """How many answered each whole value from low to high, for charts.

    None below MIN_GROUP answers: a chart is an aggregate too, and for a handful of people it
    tells who answered what.
    """
    if low > high:
        raise ValueError(
            f"low ({low}) is above high ({high}): pass the scale's lowest value first."
        )
    answers = _whole_answers(values, low, high, "values")
    if len(answers) < MIN_GROUP:
        return None
    return np.bincount(answers - low, minlength=high - low + 1).tolist()


def nps(scores_0_10: Sequence[float | None]) -> NPS | None:
    """Net promoter score of 0-10 answers; None below MIN_GROUP answers."""
    answers = _whole_answers(scores_0_10, 0, 10, "scores_0_10")
    n = len(answers)
    if n < MIN_GROUP:
        return None
    promoters = 100 * int((answers >= 9).sum()) / n
    detractors = 100 * int((answers <= 6).sum()) / n
    passives = 100 * int(((answers >= 7) & (answers <= 8)).sum()) / n
    return NPS(
        n=n,
        promoters_percent=promoters,
        passives_percent=passives,
        detractors_percent=detractors,
        score=promoters - detractors,
    )


_WORDS = {
    "en": {
        "rise": "rose by",
        "fall": "fell by",
        "no_clear_change": "changed by",
        "points": "points",
        "to": "to",
        "real": "a real change",
        "unclear": "not a clear change",
    },
    "id": {
        "rise": "naik",
        "fall": "turun",
        "no_clear_change": "berubah",
        "points": "poin",
        "to": "sampai",
        "real": "perubahan yang nyata",
        "unclear": "belum tentu perubahan yang nyata",
    },
}


def describe_change(change: PairedChange, competency: str, language: str) -> str:
    """One sentence for a programme manager, in "en" or "id" (a region such as "id-ID" is fine).

    A rise or fall gives its size and interval as positive amounts ("fell by 0.3 points (0.1 to
    0.5)"); an unclear change keeps its signs ("changed by -0.1 points (-0.4 to 0.2)").
    """
    primary = language.split("-")[0].split("_")[0].lower()
    if primary not in _WORDS:
        raise ValueError(f"No wording for language {language!r}: use 'en' or 'id'.")
    words = _WORDS[primary]
    size, low, high = change.mean_change, change.ci_low, change.ci_high
    if change.verdict == "fall":
        size, low, high = -size, -high, -low

    def number(value: float) -> str:
        text = f"{value:.1f}"
        if text == "-0.0":
            text = "0.0"
        return text.replace(".", ",") if primary == "id" else text

    subject = competency[:1].upper() + competency[1:]
    judgement = words["unclear"] if change.verdict == "no_clear_change" else words["real"]
    return (
        f"{subject} {words[change.verdict]} {number(size)} {words['points']} "
        f"({number(low)} {words['to']} {number(high)}), n = {change.n}, {judgement}."
    )


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (such as 0.95), not {confidence}.")


def _as_floats(values: Sequence[float | None], name: str) -> np.ndarray:
    """Floats with NaN for a missing answer; refuses infinities."""
    array = np.array(values, dtype=float)  # None becomes NaN
    infinite = np.flatnonzero(np.isinf(array))
    if len(infinite):
        raise ValueError(
            f"{name}[{infinite[0]}] is infinite: pass finite scores, None for a missing answer."
        )
    return array


def _whole_answers(values: Sequence[float | None], low: int, high: int, name: str) -> np.ndarray:
    array = _as_floats(values, name)
    answered = ~np.isnan(array)
    wrong = np.flatnonzero(answered & ((array != np.round(array)) | (array < low) | (array > high)))
    if len(wrong):
        index = int(wrong[0])
        raise ValueError(
            f"{name}[{index}] is {array[index]:g}: answers are whole numbers from {low} to {high}."
        )
    return array[answered].astype(int)


def _wilcoxon_p(differences: np.ndarray) -> float | None:
    if not differences.any():
        return None  # nobody changed: no ranks to test
    magnitudes = np.abs(differences)
    tied = len(np.unique(magnitudes)) < len(magnitudes) or not magnitudes.all()
    # With ties or zeros scipy's "auto" runs a permutation test, seconds for 10-13 people, so
    # those take the normal approximation with the tie correction; the rest the exact test.
    method = "asymptotic" if tied else "auto"
    try:
        p_value = float(stats.wilcoxon(differences, method=method).pvalue)
    except ValueError:
        return None
    return None if math.isnan(p_value) else p_value
