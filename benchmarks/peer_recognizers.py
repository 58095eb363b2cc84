"""Conformance of ``quantities`` with the Recognizers-Text number, percent and currency specs.

For each of the six Chinese and English spec files (see the README in the
peer folder) it prints the share of inputs whose expected values are exactly
the values found, as a multiset, and the pooled share over all six files:

- Number specs: every quantity found counts, with its ``number`` (the amount
  as written, magnitude applied, unit not converted: the spec's number model
  does not convert units either);
- Percent specs: quantities of form ``percent`` / ``percentage_point``, by
  ``value`` (the percentage); the spec's "50%" is 50;
- Currency specs: quantities of form ``money``, by ``number`` (the amount in
  the currency as written, which is what the spec's Resolution value is).

A range contributes both its ends. Values are compared with a relative
tolerance of 1e-6; a case that expects nothing passes only if nothing is
found; an expected value that is not a number ("null") can never be matched.
The inputs are run as they are: no case is special-cased.

usage: python benchmarks/peer_recognizers.py [--peer DIR] [--failures N] [--file SUBSTRING]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from zhenxing.extract.quantities import quantities
from zhenxing.model import Quantity

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PEER = ROOT.parent / "shared" / "peer" / "recognizers-text"

# file, kind, the peer library's own score on it (from the brief)
SPECS: list[tuple[str, str, float]] = [
    ("Number-Chinese-NumberModel.json", "number", 0.918),
    ("Number-English-NumberModel.json", "number", 0.753),
    ("Number-Chinese-PercentModel.json", "percent", 0.914),
    ("Number-English-PercentModel.json", "percent", 0.850),
    ("NumberWithUnit-Chinese-CurrencyModel.json", "currency", 0.886),
    ("NumberWithUnit-English-CurrencyModel.json", "currency", 0.789),
]


def expected_values(case: dict, kind: str) -> list[float | None]:
    """The values a case expects; None for one that is not a number (it cannot be matched)."""
    out: list[float | None] = []
    for r in case.get("Results") or []:
        res = r.get("Resolution") or {}
        raw = res.get("value")
        if raw is None:
            out.append(None)
            continue
        s = str(raw).strip()
        if kind == "percent":
            s = s.rstrip("%")
        try:
            out.append(float(s))
        except ValueError:
            out.append(None)
    return out


def _written_high(q: Quantity) -> float:
    """The upper end of a range in the written unit (``high`` is converted like ``value``)."""
    assert q.high is not None
    if q.number is None or q.value == 0:
        return q.high
    return q.high * q.number / q.value


def found_values(qs: list[Quantity], kind: str) -> list[float]:
    """The values of the quantities a spec kind looks at (see the module docstring)."""
    out: list[float] = []
    for q in qs:
        if kind == "number":
            out.append(q.number if q.number is not None else q.value)
            if q.high is not None:
                out.append(_written_high(q))
        elif kind == "percent":
            if q.form in ("percent", "percentage_point"):
                out.append(q.value)
                if q.high is not None:
                    out.append(q.high)
        elif kind == "currency" and q.form == "money":
            out.append(q.number if q.number is not None else q.value)
            if q.high is not None:
                out.append(_written_high(q))
    return out


def same_multiset(expected: list[float | None], found: list[float]) -> bool:
    """Exact multiset equality with a small numeric tolerance."""
    if len(expected) != len(found) or any(e is None for e in expected):
        return False
    return all(
        math.isclose(e, f, rel_tol=1e-6, abs_tol=1e-9)
        for e, f in zip(sorted(expected), sorted(found), strict=True)  # type: ignore[type-var]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", type=Path, default=DEFAULT_PEER, help="folder of the spec JSON files")
    parser.add_argument("--failures", type=int, default=0, help="print up to N failing cases per file")
    parser.add_argument("--file", default="", help="only the spec files whose name contains this")
    args = parser.parse_args(argv)
    if not args.peer.is_dir():
        print(f"peer specs not found: {args.peer}", file=sys.stderr)
        return 2
    total = passed_all = 0
    print(
        f"{'spec':45} {'cases':>5} {'ours':>6} {'peer':>6}  (cases that expect a value-less match: never passable)"
    )
    for name, kind, peer_score in SPECS:
        if args.file not in name:
            continue
        cases = json.loads((args.peer / name).read_text(encoding="utf-8-sig"))
        passed = 0
        shown = 0
        nulls = 0
        for case in cases:
            qs = quantities(case["Input"])
            exp = expected_values(case, kind)
            nulls += any(e is None for e in exp)
            got = found_values(qs, kind)
            if same_multiset(exp, got):
                passed += 1
            elif shown < args.failures:
                shown += 1
                print(
                    f"  FAIL {case['Input'][:100]!r}\n       expected {exp} found {got} {[q.text for q in qs]}"
                )
        total += len(cases)
        passed_all += passed
        share = passed / len(cases)
        mark = "beats" if share > peer_score else ("ties" if share == peer_score else "below")
        print(f"{name:45} {len(cases):5d} {share:6.3f} {peer_score:6.3f}  {mark:5}  null {nulls}")
    if total:
        print(f"{'pooled':45} {total:5d} {passed_all / total:6.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
