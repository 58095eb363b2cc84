"""Accuracy on the hand-checked gold facts.

Runs ``zhenxing extract --format jsonl`` on every document that the gold
folder annotates and prints the report of the shared scorer (eval/score.py).

usage: python benchmarks/accuracy.py [--gold DIR] [--corpus DIR] [--scorer FILE] [--misses N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _default(shared: Path, local: Path) -> Path:
    return shared if shared.exists() else local


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=_default(SHARED / "eval" / "gold", ROOT / "tests" / "data" / "gold"))
    parser.add_argument("--corpus", type=Path, default=_default(SHARED / "corpus", ROOT / "examples"))
    parser.add_argument("--scorer", type=Path, default=_default(SHARED / "eval" / "score.py", ROOT / "tests" / "data" / "score.py"))
    parser.add_argument("--misses", type=int, default=0)
    args = parser.parse_args()

    golds = sorted(args.gold.glob("*.jsonl"))
    docs: list[str] = []
    for gold in golds:
        docs += sorted(str(p) for p in args.corpus.glob(f"{gold.stem}*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        gold_all = Path(tmp) / "gold.jsonl"
        gold_all.write_text("".join(g.read_text(encoding="utf-8") for g in golds), encoding="utf-8")
        pred = Path(tmp) / "pred.jsonl"
        with pred.open("w", encoding="utf-8") as out:
            run = subprocess.run([sys.executable, "-m", "zhenxing", "extract", "--format", "jsonl", *docs], stdout=out)
        if run.returncode != 0:
            print("extract failed", file=sys.stderr)
            return run.returncode
        cmd = [sys.executable, str(args.scorer), str(gold_all), str(pred)]
        if args.misses:
            cmd += ["--misses", str(args.misses)]
        return subprocess.run(cmd).returncode


if __name__ == "__main__":
    sys.exit(main())
