#!/usr/bin/python3
"""Independent implementation of the reference model R1 (docs: reference-model-r1.md).

Written from the specification only, without reading the C++ simulator, so that
the two can be cross-checked within Monte-Carlo error (scripts/crosscheck_r1.py).
Run it with Debian's Python (/usr/bin/python3) and numpy; nothing else is needed.

    r1_reference.py --replications N --seed S [--json OUT] [--raw OUT.npz] [--jobs J]

--json writes a summary in the shape of `fnesim run ... --summary-json FILE`;
--raw writes the per-replication outcomes (arrays of shape [N, 12], regions in
the specification's table order) for the cross-check.

Random numbers: replications are simulated in fixed blocks of BLOCK_SIZE; block b
draws from numpy.random.Generator(PCG64(SeedSequence(seed).spawn(...)[b])). The
result is therefore a function of (seed, N) only -- not of --jobs -- and the first
k blocks are the same whatever N is.

Money is in integer cents: C = sum of the trainee costs rounded to the cent;
S = round_half_away(C * rate) computed exactly as (C * bp + 5000) // 10000 with the
rate in basis points; A_r = E_r * 95 cents.

DEBUG-ONLY FLAGS (hidden from --help). They deliberately break the model so that
the cross-check can be shown to detect a wrong simulator; never use them for a
real comparison:
    --envelope-scale X   multiply the amount available for commitment A_r by X
                         (demand D_r and the reported envelope are unchanged)
    --trainee-mean X     trainees per dossier K = 1 + Poisson(X) instead of 1.5
"""

import argparse
import json
import math
import multiprocessing
import os
import sys
import time

import numpy as np

# ---------------------------------------------------------------- specification
WINDOW_DAYS = 365

# (name, envelope E_r in EUR), in the specification's table order.
REGIONS = [
    ("Auvergne-Rhône-Alpes", 27_500_000),
    ("Bourgogne-Franche-Comté", 8_000_000),
    ("Bretagne", 6_000_000),
    ("Centre-Val de Loire", 8_000_000),
    ("Grand Est", 13_000_000),
    ("Hauts-de-France", 14_000_000),
    ("Île-de-France", 28_500_000),
    ("Normandie", 9_000_000),
    ("Nouvelle-Aquitaine", 10_000_000),
    ("Occitanie", 9_000_000),
    ("Provence-Alpes-Côte d'Azur et Corse", 7_000_000),
    ("Pays de la Loire", 10_000_000),
]
REGION_NAMES = [name for name, _ in REGIONS]
ENVELOPE_EUR = np.array([e for _, e in REGIONS], dtype=np.int64)
AVAILABLE_CENTS = ENVELOPE_EUR * 95  # 0.95 * E_r, exactly, in cents
N_REGIONS = len(REGIONS)

UPTAKE_SHAPE, UPTAKE_SCALE = 25.0, 0.04
DEMAND_FACTOR = 1.05
MEAN_FNE_SHARE_EUR = 13_305.0

SIZE_P = [0.60, 0.25, 0.15]             # <300, 300-1000, >1000 employees
STATUS_P = [0.40, 0.40, 0.20]           # AP, APLD, difficulty (L.1233-3)
PATHWAY_P = [0.15, 0.30, 0.35, 0.20]    # reconversion, certifying, specific skills, anticipation
PATHWAY_MEAN_EUR = np.array([12_000.0, 7_000.0, 4_000.0, 3_500.0])
TRAINEE_POISSON_MEAN = 1.5
COST_SIGMA = 0.5
# FNE rate in basis points, [size][status].
RATE_BP = np.array([[10_000, 10_000, 10_000],
                    [7_000, 8_000, 7_000],
                    [7_000, 8_000, 4_000]], dtype=np.int64)

BLOCK_SIZE = 50        # replications per random-stream block (fixed: part of the stream scheme)
DAY_BITS = 40          # arrival time t = u * 365 / 2^40 with u uniform on [0, 2^40)


def _categorical(rng, probs, n):
    """Indices 0..len(probs)-1 drawn with the given probabilities."""
    u = rng.random(n)
    edges = np.cumsum(probs)[:-1]
    return np.searchsorted(edges, u, side="right").astype(np.int64)


def simulate_block(args):
    """Simulate `n_rep` replications from one seed; return per-(replication, region) outcomes."""
    seed_seq, n_rep, envelope_scale, trainee_mean = args
    rng = np.random.Generator(np.random.PCG64(seed_seq))
    n_groups = n_rep * N_REGIONS                      # group g = rep * 12 + region
    region_of_group = np.tile(np.arange(N_REGIONS), n_rep)

    available_cents = AVAILABLE_CENTS.astype(np.float64)
    budget = AVAILABLE_CENTS if envelope_scale == 1.0 else \
        np.floor(AVAILABLE_CENTS * envelope_scale).astype(np.int64)
    expected_dossiers = DEMAND_FACTOR * (available_cents / 100.0) / MEAN_FNE_SHARE_EUR

    # 1-3. uptake multiplier and number of dossiers
    uptake = rng.gamma(UPTAKE_SHAPE, UPTAKE_SCALE, size=n_groups)
    n_dossiers = rng.poisson(uptake * expected_dossiers[region_of_group]).astype(np.int64)
    total = int(n_dossiers.sum())
    group = np.repeat(np.arange(n_groups, dtype=np.int64), n_dossiers)
    ends = np.cumsum(n_dossiers)
    starts = ends - n_dossiers

    # 4. arrival times, sorted within each group (group is the major key).
    u = rng.integers(0, 1 << DAY_BITS, size=total, dtype=np.int64)
    u = np.sort((group << DAY_BITS) | u) & ((1 << DAY_BITS) - 1)
    day = (u * WINDOW_DAYS) >> DAY_BITS               # floor(t), exact in integers

    # 5. dossier attributes. They are i.i.d. and independent of the arrival time, so
    # attaching them to dossiers already in time order gives the same distribution.
    size = _categorical(rng, SIZE_P, total)
    status = _categorical(rng, STATUS_P, total)
    pathway = _categorical(rng, PATHWAY_P, total)
    trainees = 1 + rng.poisson(trainee_mean, size=total).astype(np.int64)
    n_trainees = int(trainees.sum())
    log_loc = np.log(PATHWAY_MEAN_EUR) - COST_SIGMA ** 2 / 2.0
    cost = np.exp(np.repeat(log_loc[pathway], trainees)
                  + COST_SIGMA * rng.standard_normal(n_trainees))
    first_trainee = np.cumsum(trainees) - trainees
    dossier_cost_eur = np.add.reduceat(cost, first_trainee) if total else np.zeros(0)

    # 6. money in cents: C rounded half away from zero (C > 0), S = rate * C likewise.
    c_cents = np.floor(dossier_cost_eur * 100.0 + 0.5).astype(np.int64)
    s_cents = (c_cents * RATE_BP[size, status] + 5_000) // 10_000

    # Commitment rule. S >= 0, so the running total within a group is non-decreasing:
    # the committed dossiers are exactly the prefix whose running total stays <= A_r,
    # and the first dossier beyond it (S > remaining) exhausts the region.
    def group_sum(x):
        cs = np.concatenate(([0], np.cumsum(x)))
        return cs[ends] - cs[starts]

    running = np.cumsum(s_cents)
    running -= np.repeat(np.concatenate(([0], running))[starts], n_dossiers)
    committed = running <= np.repeat(budget[region_of_group], n_dossiers)

    n_committed = group_sum(committed.astype(np.int64))
    committed_cents = group_sum(np.where(committed, s_cents, 0))
    unmet_cents = group_sum(s_cents) - committed_cents
    trainees_committed = group_sum(np.where(committed, trainees, 0))
    exhausted = n_committed < n_dossiers
    first_unmet = np.minimum(starts + n_committed, max(total - 1, 0))
    exhaustion_day = np.where(exhausted, day[first_unmet] if total else 0, -1)

    shape = (n_rep, N_REGIONS)
    return (exhaustion_day.reshape(shape), committed_cents.reshape(shape),
            unmet_cents.reshape(shape), n_committed.reshape(shape),
            trainees_committed.reshape(shape))


def simulate(replications, seed, jobs=1, envelope_scale=1.0, trainee_mean=TRAINEE_POISSON_MEAN):
    n_blocks = -(-replications // BLOCK_SIZE)
    children = np.random.SeedSequence(seed).spawn(n_blocks)
    tasks = [(children[b], min(BLOCK_SIZE, replications - b * BLOCK_SIZE),
              envelope_scale, trainee_mean) for b in range(n_blocks)]
    if jobs > 1 and n_blocks > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(simulate_block, tasks, chunksize=1)
    else:
        parts = [simulate_block(t) for t in tasks]
    keys = ("exhaustion_day", "committed_cents", "unmet_cents",
            "dossiers_committed", "trainees_committed")
    return {k: np.concatenate([p[i] for p in parts]) for i, k in enumerate(keys)}


# ---------------------------------------------------------------- summary
def exhaustion_quantile(days, percent):
    """Inverted-CDF quantile of the exhaustion day: the smallest value with at least
    `percent` % of replications at or below it; a replication that never runs out
    (day -1) is later than every day, and a quantile falling there is None."""
    n = len(days)
    key = np.sort(np.where(days < 0, WINDOW_DAYS, days))   # WINDOW_DAYS stands for "never"
    k = max(1, -(-percent * n // 100))                     # ceil(p * n), exact
    value = int(key[k - 1])
    return None if value >= WINDOW_DAYS else value


def mean_se(x):
    x = np.asarray(x, dtype=np.float64)
    se = float(np.std(x, ddof=1) / math.sqrt(len(x))) if len(x) > 1 else float("nan")
    return float(np.mean(x)), se


def summarise(raw, replications, seed):
    regions = []
    for r, name in enumerate(REGION_NAMES):
        days = raw["exhaustion_day"][:, r]
        c_mean, c_se = mean_se(raw["committed_cents"][:, r] / 100.0)
        u_mean, u_se = mean_se(raw["unmet_cents"][:, r] / 100.0)
        d_mean, d_se = mean_se(raw["dossiers_committed"][:, r])
        t_mean, t_se = mean_se(raw["trainees_committed"][:, r])
        regions.append({
            "name": name,
            "envelope_eur": float(ENVELOPE_EUR[r]),
            "available_eur": float(AVAILABLE_CENTS[r]) / 100.0,
            "p_exhausted": float(np.mean(days >= 0)),
            "exhaustion_day_q05": exhaustion_quantile(days, 5),
            "exhaustion_day_q50": exhaustion_quantile(days, 50),
            "exhaustion_day_q95": exhaustion_quantile(days, 95),
            "committed_mean_eur": c_mean, "committed_se_eur": c_se,
            "unmet_mean_eur": u_mean, "unmet_se_eur": u_se,
            "dossiers_committed_mean": d_mean, "dossiers_committed_se": d_se,
            "trainees_committed_mean": t_mean, "trainees_committed_se": t_se,
        })
    c_mean, c_se = mean_se(raw["committed_cents"].sum(axis=1) / 100.0)
    u_mean, u_se = mean_se(raw["unmet_cents"].sum(axis=1) / 100.0)
    d_mean, d_se = mean_se(raw["dossiers_committed"].sum(axis=1))
    t_mean, t_se = mean_se(raw["trainees_committed"].sum(axis=1))
    days = raw["exhaustion_day"]
    first = np.where((days >= 0).any(axis=1),
                     np.where(days >= 0, days, WINDOW_DAYS).min(axis=1), -1)
    national = {
        "envelope_eur": float(ENVELOPE_EUR.sum()),
        "available_eur": float(AVAILABLE_CENTS.sum()) / 100.0,
        "committed_mean_eur": c_mean, "committed_se_eur": c_se,
        "unmet_mean_eur": u_mean, "unmet_se_eur": u_se,
        "dossiers_committed_mean": d_mean, "dossiers_committed_se": d_se,
        "trainees_committed_mean": t_mean, "trainees_committed_se": t_se,
        # "National exhaustion" is not defined by the spec; these names say which one this is.
        "p_any_region_exhausted": float(np.mean(first >= 0)),
        "first_region_exhaustion_day_q05": exhaustion_quantile(first, 5),
        "first_region_exhaustion_day_q50": exhaustion_quantile(first, 50),
        "first_region_exhaustion_day_q95": exhaustion_quantile(first, 95),
    }
    return {"replications": replications, "seed": seed, "regions": regions, "national": national}


def save_raw(path, raw, replications, seed, envelope_scale, trainee_mean):
    np.savez_compressed(path, region_names=np.array(REGION_NAMES),
                        replications=np.int64(replications), seed=np.int64(seed),
                        available_cents=AVAILABLE_CENTS,
                        debug_envelope_scale=np.float64(envelope_scale),
                        debug_trainee_mean=np.float64(trainee_mean), **raw)


def main(argv=None):
    p = argparse.ArgumentParser(description="Independent reference implementation of model R1.")
    p.add_argument("--replications", type=int, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--json", metavar="OUT", help="write the summary JSON here ('-' = stdout)")
    p.add_argument("--raw", metavar="OUT.npz", help="write the per-replication arrays here")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                   help="worker processes (results do not depend on it; default %(default)s)")
    # Debug-only: deliberately wrong models, to show the cross-check fails on them.
    p.add_argument("--envelope-scale", type=float, default=1.0, help=argparse.SUPPRESS)
    p.add_argument("--trainee-mean", type=float, default=TRAINEE_POISSON_MEAN, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.replications < 2:
        p.error("--replications must be at least 2")
    if a.seed < 0:
        p.error("--seed must be non-negative")
    if a.envelope_scale != 1.0 or a.trainee_mean != TRAINEE_POISSON_MEAN:
        print(f"r1_reference: WARNING: debug model change active (envelope_scale={a.envelope_scale}, "
              f"trainee_mean={a.trainee_mean}): this is NOT model R1", file=sys.stderr)

    t0 = time.perf_counter()
    raw = simulate(a.replications, a.seed, max(1, a.jobs), a.envelope_scale, a.trainee_mean)
    elapsed = time.perf_counter() - t0
    summary = summarise(raw, a.replications, a.seed)
    if a.json == "-":
        json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
        print()
    elif a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=2, ensure_ascii=False)
            f.write("\n")
    if a.raw:
        save_raw(a.raw, raw, a.replications, a.seed, a.envelope_scale, a.trainee_mean)
    print(f"r1_reference: {a.replications} replications, seed {a.seed}, "
          f"{elapsed:.1f} s simulating", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
