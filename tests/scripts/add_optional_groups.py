#!/usr/bin/python3
"""Adds the optional groups of format 1.1 to a COPY of a run file, for the report's tests.

    add_optional_groups.py SOURCE.h5 TARGET.h5

/recommendation (what `fnesim recommend --save` writes) and /steering (the
in-run moves of a scenario with a `steering` section), with the documented
names, types and shapes, and values that are plausible but invented: the
report must show them, not judge them. Marks the copy as format 1.1.
"""
import shutil
import sys

import h5py
import numpy as np


def add_recommendation(f):
    available = f["regions/available_cents"][()]
    p = f["summary/regions/p_exhausted_mean"][()]
    se = f["summary/regions/p_exhausted_se"][()]
    unmet = f["summary/regions/unmet_mean_eur"][()]
    unmet_se = f["summary/regions/unmet_se_eur"][()]
    median = f["summary/regions/exhaustion_day_quantiles"][:, 3]
    # Five per cent of the least exposed half moves to the most exposed half.
    order = np.argsort(p)
    moved = (available[order[: len(order) // 2]] // 20).sum()
    recommended = available.copy()
    recommended[order[: len(order) // 2]] -= available[order[: len(order) // 2]] // 20
    receivers = order[len(order) // 2:]
    recommended[receivers] += moved // len(receivers)
    recommended[receivers[-1]] += moved - (moved // len(receivers)) * len(receivers)
    group = f.create_group("recommendation")
    group.attrs["description"] = "Test fixture: a recommended split of the available amounts"
    group.attrs["objective"] = "expected-unmet"
    group.attrs["target_probability"] = np.float64("nan")
    group.attrs["complementary_allocation_cents"] = np.int64(500_000_000)
    group.attrs["common_level"] = np.float64(0.66)
    group["current_available_cents"] = available.astype(np.int64)
    group["recommended_available_cents"] = recommended.astype(np.int64)
    group["p_exhausted_before"] = p
    group["p_exhausted_after"] = p * 0.7
    group["p_exhausted_before_se"] = se
    group["p_exhausted_after_se"] = se * 0.9
    group["expected_unmet_before_eur"] = unmet
    group["expected_unmet_after_eur"] = unmet * 0.6
    group["expected_unmet_before_se_eur"] = unmet_se
    group["expected_unmet_after_se_eur"] = unmet_se * 0.8
    group["median_exhaustion_day_before"] = median.astype(np.int32)
    group["median_exhaustion_day_after"] = np.where(median >= 0, median + 20, -1).astype(np.int32)


def add_steering(f):
    n, regions = f["replications/exhaustion_day"].shape
    rows = []  # replication, day, from, to, cents
    for replication in range(n):
        for region in range(regions):  # reserve held back on the first day
            rows.append((replication, 0, region, -1, 100_000_00))
        rows.append((replication, 180, -1, replication % regions, regions * 100_000_00))
        rows.append((replication, 180, (replication + 1) % regions, replication % regions, 250_000_00))
        if replication % 3 == 0:  # a complementary State allocation in a third of the years
            rows.append((replication, 340, -2, (replication + 2) % regions, 2_000_000_00))
    columns = list(zip(*rows))
    group = f.create_group("steering")
    group.attrs["description"] = "Test fixture: moves of money decided by the steering committee"
    for name, values, dtype in zip(["replication", "day", "from_region", "to_region", "amount_cents"], columns,
                                   [np.int64, np.int32, np.int32, np.int32, np.int64]):
        group[name] = np.asarray(values, dtype=dtype)


def main():
    source, target = sys.argv[1:3]
    shutil.copyfile(source, target)
    with h5py.File(target, "r+") as f:
        f.attrs["format_version"] = np.array([1, 1], dtype=np.int32)
        add_recommendation(f)
        add_steering(f)


if __name__ == "__main__":
    main()
