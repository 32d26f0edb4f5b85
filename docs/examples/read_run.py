#!/usr/bin/python3
"""Reading an fnesim run file (docs/hdf5-format.md) with h5py and numpy.

    docs/examples/read_run.py run.h5 [--plot fan.png]

Shows: checking what the file is, its provenance, the summary as `fnesim run`
printed it, and two analyses the summary does not offer, computed from the
replications and the trajectories.
"""
import argparse
import sys

import h5py
import numpy as np

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("run_file")
parser.add_argument("--plot", metavar="PNG", help="draw the national fan chart (needs matplotlib)")
args = parser.parse_args()

with h5py.File(args.run_file, "r") as f:
    # 1. What the file is: refuse anything else, and majors we do not know
    #    (a higher minor version only adds paths, which we may ignore).
    if f.attrs.get("filetype") != "fnesim-results":
        sys.exit(f"{args.run_file}: not an fnesim run file")
    major, minor = (int(v) for v in f.attrs["format_version"])
    if major != 1:
        sys.exit(f"{args.run_file}: format {major}.{minor}; this script reads 1.x")

    # 2. Provenance: enough to rerun (`fnesim inspect run.h5 --scenario > s.toml`).
    print(f"{f.attrs['scenario_name']}: {f.attrs['replications']} replications, seed {f.attrs['seed']}, "
          f"fnesim {f.attrs['fnesim_version']} ({f.attrs['git_revision']}), {f.attrs['created']}")
    print(f"scenario sha256 {f.attrs['scenario_sha256']}")

    # 3. The summary, as the run computed it. String datasets need .asstr().
    codes = f["regions/code"].asstr()[()]
    summary = f["summary/regions"]
    p, se = summary["p_exhausted_mean"][()], summary["p_exhausted_se"][()]
    unmet = summary["unmet_mean_eur"][()]
    median_day = summary["exhaustion_day_quantiles"][:, list(f["summary/day_percentiles"][()]).index(50)]
    start = np.datetime64(f.attrs["commitment_start"])
    print(f"\n{'region':<6} {'P(exhausted)':>14} {'median exhaustion':>18} {'unmet (M EUR)':>14}")
    for r, code in enumerate(codes):
        day = "not exhausted" if median_day[r] < 0 else str(start + np.timedelta64(int(median_day[r]), "D"))
        print(f"{code:<6} {p[r]:8.3f} ±{se[r]:.3f} {day:>18} {unmet[r] / 1e6:14.2f}")

    # 4. From the replications (money in integer cents, -1 = never exhausted):
    #    how often do several regions run out in the same year?
    days = f["replications/exhaustion_day"][()]  # replication × region
    exhausted_regions = (days >= 0).sum(axis=1)
    n = len(days)
    print(f"\nregions exhausted in the same simulated year: "
          + ", ".join(f"≥{k}: {np.mean(exhausted_regions >= k):.3f}" for k in (1, 3, 6, 12)))
    print(f"(Monte-Carlo standard error of each share at most {0.5 / np.sqrt(n):.3f})")

    # 5. From the trajectories: the national fan of cumulative commitments,
    #    read a block of replications at a time (the dataset can be large).
    if "trajectories" in f:
        commitments = f["trajectories/monthly_commitments_cents"]  # replication × region × month
        months = f["trajectories/month"].asstr()[()]
        national = np.empty((commitments.shape[0], commitments.shape[2]))
        for first in range(0, commitments.shape[0], 4096):
            national[first:first + 4096] = commitments[first:first + 4096].sum(axis=1) / 100.0
        cumulative = national.cumsum(axis=1)
        # The inverted empirical CDF, as fnesim reports quantiles.
        fan = np.percentile(cumulative, [5, 50, 95], axis=0, method="inverted_cdf")
        # Gross: money released by cancelled or shortened trainings is committed
        # again, so the cumulative sum can pass the amount available without any
        # region overspending (what holds an envelope is committed − released).
        print(f"\nnational cumulative commitments, gross (M EUR): month, 5 %, median, 95 %")
        for m in range(0, len(months), 3):
            print(f"  {months[m]}  {fan[0, m] / 1e6:7.2f}  {fan[1, m] / 1e6:7.2f}  {fan[2, m] / 1e6:7.2f}")
        if args.plot:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
            x = np.arange(len(months))
            fig, ax = plt.subplots(figsize=(9, 4.5))
            ax.fill_between(x, fan[0] / 1e6, fan[2] / 1e6, alpha=0.3, label="5 %–95 %")
            ax.plot(x, fan[1] / 1e6, label="median")
            available = f["summary/national/available_cents"][()] / 100 / 1e6
            ax.axhline(available, color="black", linestyle="--", label="available")
            ax.set_xticks(x[::3], months[::3], rotation=45)
            ax.set_ylabel("M EUR")
            ax.set_title(f"{f.attrs['scenario_name']}: national cumulative commitments (gross of releases)")
            ax.legend()
            fig.tight_layout()
            fig.savefig(args.plot, dpi=120)
            print(f"fan chart written to {args.plot}")
    else:
        print("\n(no trajectories: the run was made with --no-trajectories)")
