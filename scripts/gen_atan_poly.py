#!/usr/bin/env python3
"""Coefficients of the arctangent polynomial in include/marginlab/kernel/fast_angle.hpp.

atan q = q + q z P(z), z = q², |q| <= tan(pi/8); P (degree 10) is the Chebyshev interpolant of
(atan(sqrt z)/sqrt z - 1)/z on [0, tan^2(pi/8)], computed in 50-digit arithmetic with mpmath
(mpmath, in the project's .venv). Prints the coefficients, highest degree first, as the header's
Horner steps use them, and the interpolation error.

    .venv/bin/python scripts/gen_atan_poly.py
"""
import mpmath as mp

mp.mp.dps = 50
EDGE = mp.tan(mp.pi / 8) ** 2


def f(z):
    if z == 0:
        return mp.mpf(-1) / 3
    r = mp.sqrt(z)
    return (mp.atan(r) / r - 1) / z


poly, err = mp.chebyfit(f, [0, EDGE], 11, error=True)
for c in poly:
    print(repr(float(c)))
print(f"# max |P - f| on the interval: {mp.nstr(err, 3)}")
print(f"# tan(pi/8) = {float(mp.tan(mp.pi / 8))!r}, pi/4 = {float(mp.pi / 4)!r}")
