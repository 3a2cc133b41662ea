"""Reading the per-plane scores that scripts/benchmark-detection logs, for the scripts that re-analyse
its runs (benchmark-thresholds, benchmark-density-weight)."""
import re

import numpy as np


def read(log):
    """{case: {score: {"normal": scores, "anomalous": scores}}} of one benchmark-detection log."""
    out, key = {}, None
    with open(log) as f:
        for line in f:
            m = re.match(r"case=(\S+) score=(\S+) ", line)
            if m:
                key = (m.group(1), m.group(2))
                continue
            m = re.match(r"\s+(normal|anomalous) scores: \[(.*)\]", line)
            if m and key:
                out.setdefault(key[0], {}).setdefault(key[1], {})[m.group(1)] = np.array(
                    [float(v) for v in m.group(2).split(",")])
    return out
