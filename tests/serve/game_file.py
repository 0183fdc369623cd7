"""What a game's result file holds, for tests/serve/game.mjs (JSON on stdout).

    game_file.py GAME.h5 [REPLAY.h5]

Prints the choices (game/decisions: team, round, lever; null where the team
kept the preset's value), each arm's per-team series of the outcomes the
page shows, and, given a replay, the datasets (outside /provenance) whose
values differ between the two files and those only one of them has.
"""
import json
import math
import sys

import h5py
import numpy as np

SERIES = ["within_target_recorded", "within_target_true", "cases_measured",
          "needs_met_service", "needs_abandoned", "records_manipulated",
          "reclassifications", "premature_closures", "leavers", "workers_sick",
          "worker_stress_mean", "queue_length"]


def datasets(f):
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and not name.startswith("provenance"):
            out[name] = obj[()]
    f.visititems(visit)
    return out


def same(a, b):
    if getattr(a, "shape", None) != getattr(b, "shape", None):
        return False
    try:
        return bool(np.array_equal(a, b, equal_nan=True))
    except TypeError:
        return bool(np.array_equal(a, b))


def clean(x):
    if isinstance(x, float) and math.isnan(x):
        return None
    return x


def main():
    with h5py.File(sys.argv[1], "r") as f:
        arms = [a.decode() if isinstance(a, bytes) else str(a) for a in f["arm"][()]]
        dec = f["game/decisions"][()]
        out = {
            "arms": arms,
            "levers": f["game/decisions"].attrs["levers"].split(","),
            "round_days": float(f["game"].attrs["round_days"]),
            "game_arms": f["game"].attrs["arms"],
            "decisions": [[[clean(float(v)) for v in r] for r in t] for t in dec],
            "series": {m: [[[clean(float(v)) for v in team] for team in arm]
                           for arm in f[m + "_by_team"][()]] for m in SERIES},
        }
        if len(sys.argv) > 2:
            with h5py.File(sys.argv[2], "r") as g:
                a, b = datasets(f), datasets(g)
            out["differ"] = sorted(k for k in a if k in b and not same(a[k], b[k]))
            out["only_one"] = sorted(set(a) ^ set(b))
            out["compared"] = len(a)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
