"""Small statistics without scipy: Student's t distribution and confidence intervals.

    >>> from analysis.stats import t_ppf, mean_ci
    >>> round(t_ppf(0.975, 9), 8)
    2.26215716
    >>> mean, sd, n, half = mean_ci([1.0, 2.0, 3.0, 4.0])   # half-width of the 95% CI
    >>> round(half, 6)
    2.05426

The t quantile inverts the t distribution function, computed from the
regularized incomplete beta function (continued fraction, modified Lentz),
by bisection and a final Newton step: accurate to about 1e-12 for any
df > 0, well within the 1e-6 the tables need.
"""

import math

import numpy as np

__all__ = ["betainc", "t_cdf", "t_ppf", "norm_cdf", "norm_ppf", "mean_ci"]

_EPS = 1e-15
_TINY = 1e-300


def _betacf(a, b, x):
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    if abs(d) < _TINY:
        d = _TINY
    d = 1.0 / d
    h = d
    for m in range(1, 100000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = _TINY if abs(d) < _TINY else d
        c = 1.0 + aa / c
        c = _TINY if abs(c) < _TINY else c
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = _TINY if abs(d) < _TINY else d
        c = 1.0 + aa / c
        c = _TINY if abs(c) < _TINY else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            return h
    raise ArithmeticError(f"incomplete beta: no convergence for a={a}, b={b}, x={x}")


def betainc(a, b, x):
    """The regularized incomplete beta function I_x(a, b), a, b > 0, 0 <= x <= 1."""
    if a <= 0 or b <= 0:
        raise ValueError("betainc needs a > 0 and b > 0")
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    lfront = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
              + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(lfront) * _betacf(a, b, x) / a
    return 1.0 - math.exp(lfront) * _betacf(b, a, 1.0 - x) / b


def norm_cdf(x):
    """Standard normal distribution function."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _t_pdf(t, df):
    return math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
                    - (df + 1) / 2 * math.log1p(t * t / df))


def t_cdf(t, df):
    """Student's t distribution function P(T <= t) with df > 0 degrees of freedom."""
    if df <= 0 or math.isnan(df):
        raise ValueError("t distribution needs df > 0")
    if math.isnan(t):
        return math.nan
    if math.isinf(df):
        return norm_cdf(t)
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    t2 = t * t
    if t2 < df:
        # central part, accurate near 0: P(|T| < |t|) = I_{t^2/(df+t^2)}(1/2, df/2)
        central = betainc(0.5, df / 2.0, t2 / (df + t2))
        return 0.5 + 0.5 * central if t > 0 else 0.5 - 0.5 * central
    tail = 0.5 * betainc(df / 2.0, 0.5, df / (df + t2))
    return 1.0 - tail if t > 0 else tail


def _invert(cdf, pdf, p):
    """x > 0 with cdf(x) = p for p > 1/2: doubling, bisection, one Newton step."""
    lo, hi = 0.0, 1.0
    while cdf(hi) < p:
        lo, hi = hi, hi * 2.0
        if hi > 1e300:
            return math.inf
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            break
        if cdf(mid) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-14 * hi:
            break
    x = 0.5 * (lo + hi)
    f = pdf(x)
    if f > 0:
        step = (p - cdf(x)) / f
        if abs(step) < (hi - lo):
            x += step
    return x


def t_ppf(p, df):
    """Quantile of Student's t distribution: t with P(T <= t) = p, df > 0.

    Known values: t_ppf(0.975, 1) = 12.7062047, t_ppf(0.975, 2) = 4.30265273,
    t_ppf(0.975, 9) = 2.26215716, t_ppf(0.975, 30) = 2.04227246.
    Arrays are handled element by element.
    """
    if np.ndim(p) or np.ndim(df):
        return np.vectorize(t_ppf, otypes=[float])(p, df)
    p, df = float(p), float(df)
    if math.isnan(p) or math.isnan(df):
        return math.nan
    if df <= 0:
        raise ValueError("t distribution needs df > 0")
    if not 0.0 <= p <= 1.0:
        raise ValueError("probability must be in [0, 1]")
    if p == 0.0:
        return -math.inf
    if p == 1.0:
        return math.inf
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_ppf(1.0 - p, df)
    if math.isinf(df) or df > 1e10:
        return norm_ppf(p)
    return _invert(lambda t: t_cdf(t, df), lambda t: _t_pdf(t, df), p)


def norm_ppf(p):
    """Quantile of the standard normal distribution."""
    if np.ndim(p):
        return np.vectorize(norm_ppf, otypes=[float])(p)
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise ValueError("probability must be in [0, 1]")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -norm_ppf(1.0 - p)
    if p == 1.0:
        return math.inf
    return _invert(norm_cdf, lambda x: math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi), p)


def mean_ci(values, level=0.95):
    """Mean, sample standard deviation, count and half-width of the t confidence interval.

    NaN values are left out. With fewer than two values the standard
    deviation and half-width are NaN (and the mean is NaN with none).
    """
    v = np.asarray(values, dtype=float).ravel()
    v = v[~np.isnan(v)]
    n = int(v.size)
    if n == 0:
        return math.nan, math.nan, 0, math.nan
    mean = float(v.mean())
    if n < 2:
        return mean, math.nan, n, math.nan
    sd = float(v.std(ddof=1))
    half = t_ppf(0.5 + level / 2.0, n - 1) * sd / math.sqrt(n)
    return mean, sd, n, float(half)
