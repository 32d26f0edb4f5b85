#!/usr/bin/python3
"""Adds a synthetic /sensitivity group (format 1.5) to a COPY of a run file, for the tests.

    add_sensitivity_group.py SOURCE.h5 TARGET.h5 [--unconverged] [--seed S]

What `fnesim sensitivity` will write (docs/hdf5-format.md, "/sensitivity"),
made without it: the names, types, shapes and attributes are the documented
ones, and every figure a reader can recompute is computed here with the
documented formulas, so that scripts/check_results.py passes on the copy and
the report has something to draw. The values come from a small known model,
not from the simulator:

- Each design row has assumptions x = (z_1 … z_k, u), independent N(0, 1):
  one z per uncertain parameter, u the dossiers' own randomness. A latent
  s = w·x with known weights (|w| = 1) orders the rows, and a row's outputs
  are those of the replication of SOURCE.h5 at the same rank of national
  demand (the nearest normal score). Outputs thus stay real outcomes of the
  simulator (an exhaustion flag agrees with its day, P(additional) with the
  amount), and the true indices of national demand are about w_i².
- The base rows A are the replications of SOURCE.h5, as in the real design:
  their latent is the normal score of their rank in national demand, and
  their x is drawn from its conditional law given that latent (x | s is
  N(w s, I − w wᵀ)), so A's assumptions have the same law as B's.
- The Sobol indices (Saltelli 2010 first order, Jansen total effect, V the
  sample variance (divisor 2N − 1) of the 2N values of f_A and f_B), their prefix
  estimates and bootstrap percentile intervals
  are computed from the rows stored; the tornado moves one parameter to its
  5 % or 95 % quantile (z = ±1.645) on the base rows.

By default the fixture picks the first of its seeds for which every index of
the two outputs the report shows converges by the report's rule (the N/2
estimate within the interval's half-width of the full one): that rule fires
by chance on a sound design too. --unconverged makes the first half of the
rows follow other weights, so that the N/2 estimates are off. Marks the copy
as format 1.5, without what later formats added to every file (/scenario/warnings).
"""
import argparse
import math
import shutil
import statistics
import sys

import h5py
import numpy as np

METHOD = ("Saltelli 2010 pick-freeze design; first order: Saltelli et al. 2010; total effect: Jansen 1999; "
          "bootstrap percentile intervals")
BOOTSTRAP_RESAMPLES = 200
INTERVAL_LEVEL = 0.95
LOW_QUANTILE, HIGH_QUANTILE = 0.05, 0.95
SHOWN_OUTPUTS = ["additional_needed_any", "national_demand_eur"]  # what the report draws

# The factors: (name, kind, members, weights of their latent components).
# A group moves all its members' components; correlated parameters share one.
FACTORS = [
    ("demand.arrivals.expected_dossiers", "parameter", ["demand.arrivals.expected_dossiers"], [0.62]),
    ("costs", "group", ["demand.cost_per_trainee.mean_eur.reconversion",
                        "demand.cost_per_trainee.mean_eur.covid_specific"], [0.35, 0.35]),
    ("uptake", "uptake", ["uptake"], [0.40]),
    ("demand.lifecycle.cancellation_probability", "parameter",
     ["demand.lifecycle.cancellation_probability", "demand.lifecycle.dropout_mean"], [0.25]),
    ("profile", "profile", ["profile"], [0.20]),
    ("dossiers", "dossiers", ["dossiers"], None),  # the rest of the unit variance
]
# The weights of --unconverged's first half (the same components, the dossiers' last): the profile dominates.
UNCONVERGED_WEIGHTS = [0.10, 0.10, 0.10, 0.10, 0.10, 0.85, None]
# Tornado parameters: (key path, latent component, value = base + scale × z, source, z at low and high).
Z_LOW, Z_HIGH = statistics.NormalDist().inv_cdf(LOW_QUANTILE), statistics.NormalDist().inv_cdf(HIGH_QUANTILE)
TORNADO = [
    ("demand.arrivals.expected_dossiers", 0, 23_000.0, 2_500.0, "quantiles", None),
    ("demand.cost_per_trainee.mean_eur.reconversion", 1, 9_000.0, 900.0, "quantiles", None),
    ("demand.cost_per_trainee.mean_eur.covid_specific", 2, 4_500.0, 600.0, "quantiles", None),
    ("demand.lifecycle.cancellation_probability", 4, 0.10, 0.03, "quantiles", None),
    ("demand.lifecycle.dropout_mean", 4, 0.20, 0.05, "range given", (-1.0, 1.0)),
]


def source_text(kind):
    if kind == "range given":
        return kind
    return f"quantiles {100 * LOW_QUANTILE:g} % / {100 * HIGH_QUANTILE:g} %"


def weights(first_weights):
    """The unit weight vector over the latent components (parameters' z, then u) and each factor's columns."""
    w, columns = [], []
    for name, kind, members, factor_weights in FACTORS:
        if factor_weights is None:
            columns.append(None)  # the dossiers: the last component
            continue
        columns.append(list(range(len(w), len(w) + len(factor_weights))))
        w.extend(factor_weights)
    if first_weights is not None:
        w = first_weights[:-1]
    rest = 1 - sum(x * x for x in w)
    assert rest > 0
    w.append(math.sqrt(rest))
    dossiers = len(w) - 1
    columns = [c if c is not None else [dossiers] for c in columns]
    return np.array(w), columns


def replication_outputs(f):
    """The per-replication outputs of the layout, from /replications: names and an N × O matrix."""
    national = f["replications/national"]
    needed = national["additional_needed_cents"][()]
    days = f["replications/exhaustion_day"][()]
    window = int(f.attrs["window_days"])
    codes = list(f["regions/code"].asstr()[()])
    names = ["additional_needed_eur", "additional_needed_any", "national_unmet_eur", "national_demand_eur"]
    columns = [needed / 100.0, (needed > 0).astype(float), national["unmet_cents"][()] / 100.0,
               national["demand_cents"][()] / 100.0]
    for r, code in enumerate(codes):
        names += [f"exhausted/{code}", f"exhaustion_day/{code}"]
        columns += [(days[:, r] != -1).astype(float), np.where(days[:, r] == -1, window, days[:, r]).astype(float)]
    return names, np.column_stack(columns), codes


def sobol(fa, fb, fab):
    """First order (Saltelli 2010) and total effect (Jansen 1999), F × O; NaN where an output takes one value."""
    pooled = np.concatenate([fa, fb])
    variance = pooled.var(axis=0, ddof=1)  # the sample variance (divisor 2n − 1) of the 2n values
    constant = np.ptp(pooled, axis=0) == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.mean((fb - pooled.mean(axis=0))[np.newaxis] * (fab - fa[np.newaxis]), axis=1) / variance
        total = np.mean((fa[np.newaxis] - fab) ** 2, axis=1) / (2 * variance)
    first[:, constant] = np.nan
    total[:, constant] = np.nan
    return first, total


def bootstrap_intervals(fa, fb, fab, first, total, rng):
    """Percentile intervals over resampled rows (the same rows of A, B and every AB_i)."""
    n = fa.shape[0]
    firsts, totals = [], []
    for _ in range(BOOTSTRAP_RESAMPLES):
        rows = rng.integers(0, n, n)
        f, t = sobol(fa[rows], fb[rows], fab[:, rows])
        firsts.append(f)
        totals.append(t)
    out = []
    for estimate, draws in ((first, np.array(firsts)), (total, np.array(totals))):
        with np.errstate(invalid="ignore"), np.testing.suppress_warnings() as quiet:
            quiet.filter(RuntimeWarning)
            low = np.nanquantile(draws, (1 - INTERVAL_LEVEL) / 2, axis=0)
            high = np.nanquantile(draws, (1 + INTERVAL_LEVEL) / 2, axis=0)
        low[np.isnan(estimate)] = np.nan
        high[np.isnan(estimate)] = np.nan
        out += [low, high]
    return out


def converged(indices, names):
    first, total, first_low, first_high, total_low, total_high, first_half, total_half = indices
    shown = [names.index(name) for name in SHOWN_OUTPUTS]
    for full, half, low, high in ((first, first_half, first_low, first_high), (total, total_half, total_low,
                                                                                 total_high)):
        full, half, width = full[:, shown], half[:, shown], (high[:, shown] - low[:, shown]) / 2
        if np.any(np.abs(half - full) > 2 * width):
            return False
    return True


def nearest_rows(latent, base_latent_sorted, order):
    """The replication whose base latent is nearest: the outputs of a row of latent `latent`."""
    at = np.clip(np.searchsorted(base_latent_sorted, latent), 1, len(order) - 1)
    left = base_latent_sorted[at - 1]
    right = base_latent_sorted[at]
    pick = np.where(np.abs(latent - left) <= np.abs(right - latent), at - 1, at)
    return order[pick]


def design(outputs, unconverged, seed):
    n, _ = outputs.shape
    rng = np.random.default_rng(seed)
    w, columns = weights(None)
    k = len(w)
    # The base rows' latent: the normal score of each replication's rank in national demand.
    demand = outputs[:, 3]
    order = np.argsort(demand, kind="stable")
    normal = statistics.NormalDist()
    scores = np.array([normal.inv_cdf((i + 0.5) / n) for i in range(n)])
    base_latent = np.empty(n)
    base_latent[order] = scores
    row_weights = np.tile(w, (n, 1))
    if unconverged:
        w2, _ = weights(UNCONVERGED_WEIGHTS)
        row_weights[: n // 2] = w2
    # x | s ~ N(w s, I − w wᵀ), row by row (its own weights).
    g = rng.standard_normal((n, k))
    x_a = row_weights * base_latent[:, np.newaxis] + g - row_weights * np.sum(row_weights * g, axis=1,
                                                                              keepdims=True)
    x_b = rng.standard_normal((n, k))
    sorted_latent = scores

    def rows_at(x):
        return outputs[nearest_rows(np.sum(row_weights * x, axis=1), sorted_latent, order)]

    fa = outputs.copy()  # = rows_at(x_a) up to ties: the base rows are the run's replications
    fb = rows_at(x_b)
    fab = np.empty((len(FACTORS), n, outputs.shape[1]))
    for i, cols in enumerate(columns):
        x = x_a.copy()
        x[:, cols] = x_b[:, cols]
        fab[i] = rows_at(x)
    return fa, fb, fab, x_a, (row_weights, sorted_latent, order), rng


def statistics_of(rows_outputs, names, codes):
    """The tornado's statistics of a set of rows: means and probabilities, and inverted-CDF quantiles."""
    column = {name: rows_outputs[:, j] for j, name in enumerate(names)}
    n = rows_outputs.shape[0]

    def quantile(values, percent):  # inverted CDF: the smallest value with at least percent % at or below it
        return np.sort(values)[max(1, -(-percent * n // 100)) - 1]

    out = [column["additional_needed_any"].mean(), quantile(column["additional_needed_eur"], 90),
           column["national_unmet_eur"].mean(), column["national_demand_eur"].mean()]
    for code in codes:
        out += [column[f"exhausted/{code}"].mean(), quantile(column[f"exhaustion_day/{code}"], 50)]
    return np.array(out)


def tornado(outputs, names, codes, x_a, latent_map, rng):
    row_weights, sorted_latent, order = latent_map
    n = outputs.shape[0]
    base = statistics_of(outputs, names, codes)
    mean_statistics = [j for j, name in enumerate(statistic_names(codes)) if not name.startswith(
        ("additional_needed_q90", "median_exhaustion_day"))]
    bars = []
    for path, component, value_base, scale, source, z_range in TORNADO:
        z_low, z_high = z_range if z_range else (Z_LOW, Z_HIGH)
        ends = []
        for z in (z_low, z_high):
            x = x_a.copy()
            x[:, component] = z
            rows = outputs[nearest_rows(np.sum(row_weights * x, axis=1), sorted_latent, order)]
            value = statistics_of(rows, names, codes)
            # Standard errors of (statistic − baseline), paired on the same rows: means from the paired
            # differences, quantiles by a paired bootstrap.
            se = np.empty_like(value)
            per_row = np.column_stack([rows[:, names.index(s)] - outputs[:, names.index(s)] for s in
                                       mean_output_names(codes)])
            se[mean_statistics] = per_row.std(axis=0, ddof=1) / math.sqrt(n)
            draws = []
            for _ in range(BOOTSTRAP_RESAMPLES):
                pick = rng.integers(0, n, n)
                draws.append(statistics_of(rows[pick], names, codes) -
                             statistics_of(outputs[pick], names, codes))
            quantile_statistics = [j for j in range(len(value)) if j not in mean_statistics]
            se[quantile_statistics] = np.array(draws)[:, quantile_statistics].std(axis=0, ddof=1)
            ends.append((value_base + scale * z, value, se))
        bars.append((path, source_text(source), ends))
    statistics_names = statistic_names(codes)
    p, d = statistics_names.index("p_additional_needed"), statistics_names.index("mean_national_demand_eur")
    bars.sort(key=lambda bar: (-abs(bar[2][1][1][p] - bar[2][0][1][p]), -abs(bar[2][1][1][d] - bar[2][0][1][d])))
    return base, bars


def statistic_names(codes):
    names = ["p_additional_needed", "additional_needed_q90_eur", "expected_national_unmet_eur",
             "mean_national_demand_eur"]
    for code in codes:
        names += [f"p_exhausted/{code}", f"median_exhaustion_day/{code}"]
    return names


def mean_output_names(codes):
    """The outputs whose means are the tornado's mean statistics, in the statistics' order."""
    return ["additional_needed_any", "national_unmet_eur", "national_demand_eur"] + [f"exhausted/{c}" for c in codes]


def dataset(group, name, data, units, description, dimensions=None):
    if data.dtype.kind in "OU":
        data = np.array([str(s) for s in data], dtype=h5py.string_dtype("utf-8"))
    d = group.create_dataset(name, data=data)
    d.attrs["units"] = units
    d.attrs["description"] = description
    if dimensions:
        d.attrs["dimensions"] = dimensions


def write(f, names, codes, n, seed, fa, fb, fab, indices, base, bars):
    first, total, first_low, first_high, total_low, total_high, first_half, total_half, first_quarter, \
        total_quarter = indices
    g = f.create_group("sensitivity")
    g.attrs["description"] = "Test fixture: Sobol indices and tornado bars of a known model (not the simulator)"
    g.attrs["method"] = METHOD
    g.attrs["base_rows"] = np.int64(n)
    g.attrs["seed"] = np.uint64(f.attrs["seed"])
    g.attrs["bootstrap_resamples"] = np.int64(BOOTSTRAP_RESAMPLES)
    g.attrs["interval_level"] = np.float64(INTERVAL_LEVEL)
    g.attrs["tornado_low_quantile"] = np.float64(LOW_QUANTILE)
    g.attrs["tornado_high_quantile"] = np.float64(HIGH_QUANTILE)
    strings = lambda values: np.array(values, dtype=object)  # noqa: E731
    o = g.create_group("outputs")
    o.attrs["description"] = "The per-replication outputs the Sobol indices are of"
    pooled = np.concatenate([fa, fb])
    dataset(o, "name", strings(names), "label", "Output name", "output")
    dataset(o, "mean", pooled.mean(axis=0), "unit of the output", "Mean over the rows of A and B", "output")
    dataset(o, "variance", pooled.var(axis=0, ddof=1), "square of the output's unit",
            "Sample variance (divisor 2N − 1) over the rows of A and B: the indices' denominator", "output")
    fg = g.create_group("factors")
    fg.attrs["description"] = "The factors and groups of factors"
    dataset(fg, "name", strings([x[0] for x in FACTORS]), "label", "Factor name", "factor")
    dataset(fg, "kind", strings([x[1] for x in FACTORS]), "label", "Factor kind", "factor")
    dataset(fg, "members", strings([", ".join(x[2]) for x in FACTORS]), "label", "Members", "factor")
    s = g.create_group("sobol")
    s.attrs["description"] = "Sobol indices, factor × output"
    for name, values, what in (
            ("first_order", first, "First-order index (Saltelli 2010)"),
            ("first_low", first_low, "Lower bound of the first-order index's bootstrap interval"),
            ("first_high", first_high, "Upper bound of the first-order index's bootstrap interval"),
            ("total_effect", total, "Total-effect index (Jansen 1999)"),
            ("total_low", total_low, "Lower bound of the total-effect index's bootstrap interval"),
            ("total_high", total_high, "Upper bound of the total-effect index's bootstrap interval"),
            ("first_order_half", first_half, "First-order index on the first N/2 rows"),
            ("first_order_quarter", first_quarter, "First-order index on the first N/4 rows"),
            ("total_effect_half", total_half, "Total-effect index on the first N/2 rows"),
            ("total_effect_quarter", total_quarter, "Total-effect index on the first N/4 rows")):
        dataset(s, name, values, "share", what, "factor × output")
    t = g.create_group("tornado")
    t.attrs["description"] = "One parameter at a time at its low and high value"
    dataset(t, "statistic", strings(statistic_names(codes)), "label", "Statistic name", "statistic")
    dataset(t, "baseline", base, "unit of the statistic", "The statistic on the base rows", "statistic")
    dataset(t, "parameter", strings([b[0] for b in bars]), "label", "Parameter key path", "bar")
    dataset(t, "low_value", np.array([b[2][0][0] for b in bars]), "unit of the scenario key",
            "The parameter's low value", "bar")
    dataset(t, "high_value", np.array([b[2][1][0] for b in bars]), "unit of the scenario key",
            "The parameter's high value", "bar")
    dataset(t, "source", strings([b[1] for b in bars]), "label", "Where the low and high values come from", "bar")
    for name, end, part, what in (("low", 0, 1, "The statistic with the parameter at its low value"),
                                  ("high", 1, 1, "The statistic with the parameter at its high value"),
                                  ("low_se", 0, 2, "Monte-Carlo standard error of low − baseline"),
                                  ("high_se", 1, 2, "Monte-Carlo standard error of high − baseline")):
        dataset(t, name, np.array([b[2][end][part] for b in bars]), "unit of the statistic", what,
                "bar × statistic")
    d = g.create_group("design")
    d.attrs["description"] = "The raw outputs of the design"
    dataset(d, "f_a", fa, "unit of the output", "Outputs of the base rows A (replication j)", "row × output")
    dataset(d, "f_b", fb, "unit of the output", "Outputs of the rows B (replication N + j)", "row × output")
    dataset(d, "f_ab", fab, "unit of the output", "Outputs of the rows AB_i", "factor × row × output")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--unconverged", action="store_true",
                        help="the first half of the rows follows other weights: the N/2 estimates are off")
    parser.add_argument("--seed", type=int, default=1, help="the fixture's first seed")
    args = parser.parse_args(argv)
    with h5py.File(args.source, "r") as f:
        names, outputs, codes = replication_outputs(f)
    n = outputs.shape[0]
    if n < 8:
        sys.exit("add_sensitivity_group.py: the run needs at least 8 replications")
    for seed in range(args.seed, args.seed + 200):
        fa, fb, fab, x_a, latent_map, rng = design(outputs, args.unconverged, seed)
        first, total = sobol(fa, fb, fab)
        first_low, first_high, total_low, total_high = bootstrap_intervals(fa, fb, fab, first, total, rng)
        half, quarter = n // 2, n // 4
        first_half, total_half = sobol(fa[:half], fb[:half], fab[:, :half])
        first_quarter, total_quarter = sobol(fa[:quarter], fb[:quarter], fab[:, :quarter])
        indices = (first, total, first_low, first_high, total_low, total_high, first_half, total_half)
        if converged(indices, names) != args.unconverged:
            break
    else:
        sys.exit("add_sensitivity_group.py: no seed gave the design asked for")
    base, bars = tornado(outputs, names, codes, x_a, latent_map, rng)
    shutil.copyfile(args.source, args.target)
    with h5py.File(args.target, "r+") as f:
        f.attrs["format_version"] = np.array([1, 5], dtype=np.int32)
        if "scenario/warnings" in f:  # format 1.7's: a 1.5 file has none
            del f["scenario/warnings"]
        for name in ("tail_quantity", "tail_pareto_k", "tail_top_percent_share"):  # format 1.8's
            if f"summary/spread/{name}" in f:
                del f[f"summary/spread/{name}"]
        if "pareto_k_limit" in f["summary/spread"].attrs:
            del f["summary/spread"].attrs["pareto_k_limit"]
        write(f, names, codes, n, seed, fa, fb, fab,
              (first, total, first_low, first_high, total_low, total_high, first_half, total_half, first_quarter,
               total_quarter), base, bars)
    print(f"add_sensitivity_group.py: {args.target}: {n} base rows, {len(FACTORS)} factors, {len(names)} outputs, "
          f"{len(bars)} tornado bars, fixture seed {seed}" + (" (not converged)" if args.unconverged else ""))


if __name__ == "__main__":
    main(sys.argv[1:])
