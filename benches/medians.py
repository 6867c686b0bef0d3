#!/usr/bin/env python3
"""Prints the median of every criterion benchmark as a Markdown table.

Usage: python3 benches/medians.py [CRITERION_DIR]
(default: $CARGO_TARGET_DIR/criterion, else target/criterion). Reads each
`<group>/<bench>/new/estimates.json` that `cargo bench` wrote.
"""
import json
import os
import sys
from pathlib import Path

root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(os.environ.get("CARGO_TARGET_DIR", "target")) / "criterion"


def fmt(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}" if ns / scale < 100 else f"{ns / scale:.0f} {unit}"
    return f"{ns:.0f} ns"


print("| benchmark | median | 95% CI of the median |")
print("|---|---:|---:|")
for estimates in sorted(root.glob("**/new/estimates.json")):
    name = estimates.parent.parent.relative_to(root).as_posix()
    median = json.loads(estimates.read_text())["median"]
    low, high = median["confidence_interval"]["lower_bound"], median["confidence_interval"]["upper_bound"]
    print(f"| {name} | {fmt(median['point_estimate'])} | {fmt(low)} – {fmt(high)} |")
