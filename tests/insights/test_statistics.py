"""Outcome statistics against values worked out by hand; no database."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from balik.insights.statistics import (
    MIN_GROUP,
    PairedChange,
    describe_change,
    distribution,
    mean_with_ci,
    nps,
    paired_change,
)

# Five people, scores 1-5 before and after.
BEFORE = [2, 3, 2, 4, 3]
AFTER = [3, 4, 4, 4, 5]


def test_paired_change_matches_the_hand_computation():
    # differences d = after - before = [1, 1, 2, 0, 2], n = 5
    # mean d = 6 / 5 = 1.2
    # deviations -0.2, -0.2, 0.8, -1.2, 0.8; squares 0.04 + 0.04 + 0.64 + 1.44 + 0.64 = 2.8
    # variance = 2.8 / (n - 1) = 0.7; sd = sqrt(0.7) = 0.836660
    # se = sd / sqrt(5) = sqrt(0.14) = 0.374166
    # t(0.975, df = 4) = 2.776445 (short tables: 2.776)
    # half width = 2.776445 * 0.374166 = 1.038851 -> CI = [0.161149, 2.238851]
    # t = 1.2 / 0.374166 = 3.207135
    # two-sided p for df = 4 has a closed form: with x = t / sqrt(t^2 + 4),
    #   p = 1 - x * (3 - x^2) / 2;  x = 3.207135 / sqrt(14.285714) = 0.848528
    #   p = 1 - 0.848528 * (3 - 0.720000) / 2 = 1 - 0.967322 = 0.032678
    # Cohen's d_z = 1.2 / 0.836660 = 1.434274
    # Wilcoxon: the zero is dropped, n = 4; |d| = 1, 1, 2, 2 are tied, ranks 1.5, 1.5, 3.5, 3.5
    #   W- = 0, W+ = 10; under no change W has mean n(n+1)/4 = 5 and variance
    #   n(n+1)(2n+1)/24 - sum(t^3 - t)/48 = 7.5 - (6 + 6)/48 = 7.25 (two ties of two)
    #   z = (0 - 5) / sqrt(7.25) = -1.856953; p = 2 * Phi(-1.856953) = 0.063318
    change = paired_change(BEFORE, AFTER)

    assert change is not None
    assert change.n == 5
    assert change.mean_before == pytest.approx(2.8, abs=1e-6)
    assert change.mean_after == pytest.approx(4.0, abs=1e-6)
    assert change.mean_change == pytest.approx(1.2, abs=1e-6)
    assert change.ci_low == pytest.approx(0.161149, abs=1e-6)
    assert change.ci_high == pytest.approx(2.238851, abs=1e-6)
    x = 3.2071349 / math.sqrt(3.2071349**2 + 4)
    assert change.p_value == pytest.approx(1 - x * (3 - x**2) / 2, abs=1e-6)
    assert change.p_value == pytest.approx(0.032678, abs=1e-6)
    assert change.effect_size == pytest.approx(1.434274, abs=1e-6)
    assert change.wilcoxon_p == pytest.approx(0.063318, abs=1e-6)
    assert change.verdict == "rise"
    assert change.confidence == 0.95


def test_a_wider_confidence_can_make_the_change_unclear():
    # t(0.995, 4) = 4.604095: half width = 4.604095 * 0.3741657 = 1.722695
    # -> [1.2 - 1.722695, 1.2 + 1.722695] = [-0.522695, 2.922695]
    change = paired_change(BEFORE, AFTER, confidence=0.99)

    assert change.ci_low == pytest.approx(-0.522695, abs=1e-6)
    assert change.ci_high == pytest.approx(2.922695, abs=1e-6)
    assert change.verdict == "no_clear_change"  # p = 0.033 is not below 0.01


def test_a_fall_is_a_fall():
    change = paired_change(AFTER, BEFORE)

    assert change.mean_change == pytest.approx(-1.2)
    assert change.verdict == "fall"


def test_nobody_changing_gives_p_one_and_no_effect_size():
    change = paired_change([1, 2, 3, 4, 5, 3], [1, 2, 3, 4, 5, 3])

    assert change.mean_change == 0.0
    assert (change.ci_low, change.ci_high) == (0.0, 0.0)
    assert change.p_value == 1.0
    assert change.effect_size is None
    assert change.wilcoxon_p is None
    assert change.verdict == "no_clear_change"


def test_everyone_changing_by_the_same_amount_gives_p_zero_and_a_point_interval():
    # 0.1 steps leave float noise in the differences (0.30000000000000004 - 0.2 ...)
    before = [0.1, 0.2, 0.3, 0.7, 1.1]
    after = [value + 0.3 for value in before]

    change = paired_change(before, after)

    assert change.mean_change == pytest.approx(0.3)
    assert change.ci_low == change.ci_high == change.mean_change
    assert change.p_value == 0.0
    assert change.effect_size is None
    assert change.verdict == "rise"
    assert change.wilcoxon_p is not None


def test_everyone_rising_by_one_gives_the_tied_wilcoxon_by_hand():
    # |d| all 1: five ranks of 3, W- = 0, mean 5 * 6 / 4 = 7.5,
    # variance 5 * 6 * 11 / 24 - (5^3 - 5) / 48 = 13.75 - 2.5 = 11.25
    # z = -7.5 / sqrt(11.25) = -2.236068; p = 2 * Phi(-2.236068) = 0.025347
    change = paired_change([1, 2, 3, 4, 4], [2, 3, 4, 5, 5])

    assert (change.p_value, change.ci_low, change.ci_high) == (0.0, 1.0, 1.0)
    assert change.wilcoxon_p == pytest.approx(0.025347, abs=1e-6)


def test_fewer_than_five_people_give_nothing():
    assert MIN_GROUP == 5
    assert paired_change(BEFORE[:4], AFTER[:4]) is None
    assert mean_with_ci([3, 4, 5, 4]) is None
    assert distribution([1, 2, 3, 4]) is None
    assert nps([10, 9, 8, 0]) is None


def test_a_pair_with_a_missing_answer_is_dropped():
    before = [2, None, 3, 2, 4, 3, 5]
    after = [3, 4, 4, 4, 4, 5, math.nan]

    assert paired_change(before, after) == paired_change(BEFORE, AFTER)
    # six people, two of them half answered: four pairs left, too few to show
    assert paired_change([1, 2, 3, 4, None, 5], [2, 3, 4, 5, 1, None]) is None


def test_it_refuses_unequal_lengths_infinities_and_a_bad_confidence():
    with pytest.raises(ValueError, match="before has 5 answers and after has 6"):
        paired_change(BEFORE, [*AFTER, 3])
    with pytest.raises(ValueError, match=r"after\[2\] is infinite"):
        paired_change(BEFORE, [3, 4, math.inf, 4, 5])
    with pytest.raises(ValueError, match="confidence must be between 0 and 1"):
        paired_change(BEFORE, AFTER, confidence=95)


def test_mean_with_ci_matches_the_hand_computation():
    # values 4, 5, 3, 4, 5, 4, None: n = 6, mean = 25 / 6 = 4.166667
    # squared deviations (in sixths): 1 + 25 + 49 + 1 + 25 + 1 = 102 / 36 = 2.833333
    # variance = 2.833333 / 5 = 0.566667; sd = 0.752773; se = 0.752773 / sqrt(6) = 0.307318
    # t(0.975, 5) = 2.570582; half width = 0.789986 -> [3.376680, 4.956653]
    result = mean_with_ci([4, 5, 3, 4, 5, 4, None])

    assert result.n == 6
    assert result.mean == pytest.approx(4.166667, abs=1e-6)
    assert result.sd == pytest.approx(0.752773, abs=1e-6)
    assert result.ci_low == pytest.approx(3.376680, abs=1e-6)
    assert result.ci_high == pytest.approx(4.956653, abs=1e-6)


def test_mean_of_equal_values_has_a_point_interval():
    result = mean_with_ci([4.8] * 5)

    assert (result.mean, result.ci_low, result.ci_high, result.sd) == pytest.approx(
        (4.8, 4.8, 4.8, 0.0)
    )


def test_distribution_counts_each_value_and_skips_missing_answers():
    assert distribution([1, 2, 2, 5, 5, 5.0, None, math.nan]) == [1, 2, 0, 0, 3]
    assert distribution([0, 0, 1, 1, 1], low=0, high=2) == [2, 3, 0]


def test_distribution_refuses_values_off_the_scale():
    with pytest.raises(
        ValueError, match=r"values\[2\] is 6: answers are whole numbers from 1 to 5"
    ):
        distribution([1, 2, 6, 3, 4])
    with pytest.raises(ValueError, match=r"values\[0\] is 2.5"):
        distribution([2.5, 2, 3, 3, 4])


def test_nps_matches_the_hand_computation():
    # 10, 10, 9 are promoters (3 of 8 = 37.5 %), 8, 7, 7 passives (37.5 %),
    # 6, 2 detractors (25 %): score = 37.5 - 25 = 12.5
    result = nps([10, 10, 9, 8, 7, 7, 6, 2, None])

    assert result.n == 8
    assert result.promoters_percent == 37.5
    assert result.passives_percent == 37.5
    assert result.detractors_percent == 25.0
    assert result.score == 12.5


def test_nps_refuses_answers_off_the_scale():
    with pytest.raises(ValueError, match=r"scores_0_10\[1\] is 11"):
        nps([10, 11, 9, 8, 7])


def _change(mean, low, high, verdict, n=42):
    return PairedChange(
        n=n,
        mean_before=3.0,
        mean_after=3.0 + mean,
        mean_change=mean,
        ci_low=low,
        ci_high=high,
        p_value=0.01 if verdict != "no_clear_change" else 0.5,
        effect_size=0.5,
        verdict=verdict,
        wilcoxon_p=0.02,
        confidence=0.95,
    )


def test_describe_change_in_english():
    rise = _change(0.8, 0.52, 1.08, "rise")
    unclear = _change(0.1, -0.2, 0.4, "no_clear_change", n=12)
    fall = _change(-0.3, -0.47, -0.12, "fall", n=20)

    assert describe_change(rise, "Confidence", "en") == (
        "Confidence rose by 0.8 points (0.5 to 1.1), n = 42, a real change."
    )
    assert describe_change(unclear, "confidence", "en") == (
        "Confidence changed by 0.1 points (-0.2 to 0.4), n = 12, not a clear change."
    )
    assert describe_change(fall, "confidence with social media", "en-us") == (
        "Confidence with social media fell by 0.3 points (0.1 to 0.5), n = 20, a real change."
    )


def test_describe_change_in_indonesian_uses_a_decimal_comma():
    rise = _change(0.8, 0.52, 1.08, "rise")
    unclear = _change(-0.04, -0.3, 0.22, "no_clear_change", n=12)
    fall = _change(-0.3, -0.47, -0.12, "fall", n=20)

    assert describe_change(rise, "kepercayaan diri", "id") == (
        "Kepercayaan diri naik 0,8 poin (0,5 sampai 1,1), n = 42, perubahan yang nyata."
    )
    assert describe_change(unclear, "Kepercayaan diri", "id-ID") == (
        "Kepercayaan diri berubah 0,0 poin (-0,3 sampai 0,2), n = 12, "
        "belum tentu perubahan yang nyata."
    )
    assert describe_change(fall, "Kepercayaan diri", "id") == (
        "Kepercayaan diri turun 0,3 poin (0,1 sampai 0,5), n = 20, perubahan yang nyata."
    )


def test_describe_change_refuses_an_unknown_language():
    with pytest.raises(ValueError, match="use 'en' or 'id'"):
        describe_change(_change(0.8, 0.5, 1.1, "rise"), "Confidence", "fr")


scores = st.one_of(st.integers(1, 5), st.floats(1, 5, allow_nan=False))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(scores, scores), min_size=MIN_GROUP, max_size=40))
def test_the_interval_holds_the_change_and_swapping_negates_it(pairs):
    before = [first for first, _ in pairs]
    after = [second for _, second in pairs]

    change = paired_change(before, after)
    swapped = paired_change(after, before)

    assert change.ci_low <= change.mean_change <= change.ci_high
    assert swapped.mean_change == -change.mean_change
    assert (swapped.ci_low, swapped.ci_high) == pytest.approx((-change.ci_high, -change.ci_low))
    assert swapped.p_value == pytest.approx(change.p_value, rel=1e-9, abs=1e-300)
    assert swapped.effect_size == (None if change.effect_size is None else -change.effect_size)
    if change.wilcoxon_p is None:
        assert swapped.wilcoxon_p is None
    else:
        assert swapped.wilcoxon_p == pytest.approx(change.wilcoxon_p, rel=1e-9)
    flipped = {"rise": "fall", "fall": "rise", "no_clear_change": "no_clear_change"}
    assert swapped.verdict == flipped[change.verdict]
    if abs(change.p_value - 0.05) > 1e-9:
        real = change.ci_low > 0 or change.ci_high < 0
        assert (change.verdict != "no_clear_change") == real
