"""The t distribution of analysis.stats (no scipy): quantiles against published values."""
import math

import numpy as np
import pytest

from analysis.stats import betainc, mean_ci, norm_ppf, t_cdf, t_ppf

# t_{0.975} and others, from standard tables (R's qt to 9 digits)
KNOWN = [
    (0.975, 1, 12.7062047),
    (0.975, 2, 4.30265273),
    (0.975, 3, 3.18244631),
    (0.975, 9, 2.26215716),
    (0.975, 30, 2.04227246),
    (0.975, 100, 1.98397152),
    (0.95, 1, 6.31375151),
    (0.95, 4, 2.13184679),
    (0.995, 5, 4.03214298),
    (0.9, 100, 1.29007476),
    (0.999, 2, 22.3271248),
]


@pytest.mark.parametrize("p, df, want", KNOWN)
def test_known_quantiles(p, df, want):
    assert t_ppf(p, df) == pytest.approx(want, abs=1e-6)
    assert t_ppf(1 - p, df) == pytest.approx(-want, abs=1e-6)


def test_closed_forms():
    # df = 1 is the Cauchy distribution, df = 2 has a closed form too
    for p in (0.6, 0.9, 0.975, 0.999, 1e-4):
        assert t_ppf(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-10)
        assert t_ppf(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-10)


def test_round_trip_and_limits():
    for df in (0.5, 1, 2.5, 7, 29, 1000, 1e6):
        for p in (1e-9, 0.01, 0.3, 0.5, 0.8, 0.975, 1 - 1e-9):
            assert t_cdf(t_ppf(p, df), df) == pytest.approx(p, rel=1e-9, abs=1e-15)
    assert t_ppf(0.5, 3) == 0.0
    assert t_ppf(0.975, 1e12) == pytest.approx(norm_ppf(0.975), abs=1e-9)
    assert norm_ppf(0.975) == pytest.approx(1.959963985, abs=1e-9)
    assert t_ppf(0.0, 4) == -math.inf and t_ppf(1.0, 4) == math.inf
    assert np.allclose(t_ppf([0.975, 0.975], [2, 9]), [4.30265273, 2.26215716])
    with pytest.raises(ValueError):
        t_ppf(0.9, 0)
    with pytest.raises(ValueError):
        t_ppf(1.5, 3)


def test_betainc():
    assert betainc(1, 1, 0.3) == pytest.approx(0.3)
    assert betainc(2, 3, 0.4) == pytest.approx(0.5248, abs=1e-12)  # 1 - (1-x)^4 - 4x(1-x)^3
    assert betainc(0.5, 0.5, 0.5) == pytest.approx(0.5)


def test_mean_ci():
    mean, sd, n, half = mean_ci([1.0, 2.0, 3.0, 4.0, np.nan])
    assert (mean, n) == (2.5, 4)
    assert sd == pytest.approx(np.std([1, 2, 3, 4], ddof=1))
    assert half == pytest.approx(3.18244631 * sd / 2, rel=1e-8)
    assert math.isnan(mean_ci([5.0])[3])
    assert mean_ci([])[2] == 0
