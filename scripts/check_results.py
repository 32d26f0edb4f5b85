#!/usr/bin/python3
"""Checks an fnesim run file (fnesim run --out FILE) as an independent client.

1. Layout: every path docs/hdf5-format.md lists is present with its type and
   shape, every dataset carries `units` and `description` (and, unless a
   scalar, `dimensions` naming each dimension), every group below the root a
   `description`, the groups the checks read their documented attributes,
   (for format 1.0) nothing undocumented is there, and (format 1.7) each of
   /scenario/warnings is `file:line:col: key: warning: message`.
2. Invariants, per replication: paid + released = committed; demand =
   committed + unmet; committed - released <= available (x (1 + margin) under
   the overcommit policy); a region is exhausted exactly when it has unmet
   dossiers; the months add up to the totals (commitments and payments);
   national = sum of the regions.
3. The summary recomputed from /replications, matching /summary: quantiles
   exactly (inverted empirical CDF: the smallest value with at least p of the
   replications at or below it; an exhaustion day of -1 counts as beyond the
   window), means and standard errors to 1e-9 relative, Student-t intervals
   to 1e-9 of their half-width (1e-8 without scipy, from 100 replications).
4. Format 1.2's draws, against the scenario's own TOML (/scenario/resolved_toml,
   read with Python's tomllib): /uncertainty is there exactly when the scenario
   has [uncertainty] or [events], each of its datasets exactly when the
   scenario draws what it holds; the parameter paths, distributions, support
   and correlations are the declared ones; every draw lies in its
   distribution's support, profiles sum to 1, drifts are 1 before the first
   month they reach (the month after the last with actuals in a forecast),
   replications that picked one particle share its draws;
   uptake > 0, 0 <= dossier variance <= demand^2; the prior-predictive table
   of /actuals is ordered (low <= expected <= high) and flags exactly the
   counts outside its band; /actuals' uptake posterior means are their
   Gamma's (shape / rate) within their 90 % interval, and each uncertain
   parameter's scale is the actuals' forecast over the scenario's value (1
   when not learnt). /summary/spread and the national demand
   quantiles recomputed from those draws and /replications; format 1.6's
   jumps counted within the window (the months whose drift moved, when
   uptake does not drift besides) and P(additional allocation needed)
   with and without them.
5. Format 1.4's cash forecast (scenarios with [financing]): per replication
   the State's disbursements add up to what was paid (the balance settles),
   the advance is on its date, the position (disbursed - paid) recomputed
   month by month has the stored lowest value and month; /summary/financing's
   fans, means and pre-financing probability recomputed from them.
6. Format 1.5's optional /sensitivity (`fnesim sensitivity`): its attributes,
   names (the outputs and statistics of the scenario's regions, the factors'
   kinds), the design's base rows equal to /replications, every row's outputs
   coherent (flags 0 or 1 and agreeing with their amount or day); the
   outputs' mean and variance (sample variance, divisor 2N − 1, of the 2N rows
   of A and B) recomputed; the Sobol indices recomputed from the design —
   first order mean((f_B - m) (f_ABi - f_A)) / V, m the mean of the 2N
   values (Saltelli et al. 2010, f_B centred), total
   effect mean((f_A - f_ABi)^2) / (2V) (Jansen 1999), V that variance, NaN
   where the output takes one value — on all N rows, the first N/2 and the
   first N/4 (floor); each interval low ≤ high; the tornado's
   baseline recomputed from /replications (means and probabilities to 1e-9,
   quantiles exactly, by the inverted CDF), its values and standard errors
   finite, its bars in the documented order.

7. With --summary-json FILE, the JSON `run --summary-json` or `export
   --summary-json` wrote for this run (docs/summary-json.md): every key it
   holds is one docs/summary-json.md lists, every listed key is there when
   the run has the part it belongs to (a forecast, a steering committee, a
   cash forecast, jumps, tails), and every figure is the run file's: exact
   amounts to the cent, days, months and counts exactly, other numbers to
   1e-12 relative, null exactly where /summary has no value (−1, NaN). A key
   no check reads is a failure, so that a new key cannot go unchecked.

Prints what it checked; exits 0 when everything holds, 1 on any failure,
2 when the file cannot be read as an fnesim run file (or the JSON as JSON).

Usage: scripts/check_results.py run.h5 [--summary-json summary.json]
       (needs Debian's python3-h5py, python3-numpy)
"""
import datetime
import hashlib
import json
import math
import re
import statistics
import os
import sys
import tomllib
import traceback

import h5py
import numpy as np

try:  # exact Student-t quantiles; without scipy, a series expansion (see student_t_quantile)
    from scipy import stats as scipy_stats
except ImportError:  # pragma: no cover
    scipy_stats = None

FORMAT_MAJOR, FORMAT_MINOR = 1, 13
DAY_PERCENTILES = [5, 10, 25, 50, 75, 90, 95]
AMOUNT_PERCENTILES = [5, 10, 25, 50, 75, 80, 90, 95]
RELATIVE_TOLERANCE = 1e-9

REGION_FIELDS = [  # /replications/<name>, int64, replication x region
    "committed_cents", "released_cents", "paid_cents", "unmet_cents", "demand_cents", "peak_net_demand_cents",
    "carryover_committed_cents", "diagnostics_committed_cents", "dossiers_committed", "dossiers_unmet",
    "dossiers_ineligible", "trainees_committed", "trainees_unmet",
    "received_cents", "given_cents", "available_final_cents",  # format 1.1: the steering committee's moves
]
NATIONAL_FIELDS = ["committed_cents", "released_cents", "paid_cents", "unmet_cents", "demand_cents",
                   "additional_needed_cents", "complementary_received_cents", "reserve_unused_cents"]
# Format 1.3: art. 7's end of the convention, per replication.
SETTLEMENT_REGION_FIELDS = ["lapsed_cents", "refused_past_deadline_cents", "dossiers_refused_past_deadline",
                            "last_payment_day", "review_committed_cents", "review_realised_cents",
                            "review_paid_cents", "review_trainees"]
SETTLEMENT_NATIONAL_FIELDS = SETTLEMENT_REGION_FIELDS[:3] + ["unspent_cents"] + SETTLEMENT_REGION_FIELDS[3:]
# /summary/settlement's quantities, in order, and the per-replication field each summarises.
SETTLEMENT_QUANTITIES = ["paid", "unspent", "lapsed", "refused_past_deadline", "review_committed",
                         "review_realised", "review_paid", "review_trainees"]
MOVE_FIELDS = {"replication": "i64", "day": "i32", "from_region": "i32", "to_region": "i32", "amount_cents": "i64"}
STEERING_REGION_ESTIMATES = ["received", "given"]
STEERING_NATIONAL_ESTIMATES = [("moved_between_regions", "_eur"), ("reserve_handed_out", "_eur"),
                               ("complementary_received", "_eur"), ("p_complementary_received", "")]
RECOMMENDATION_DATASETS = {
    "current_envelope_cents": "i64", "recommended_envelope_cents": "i64", "current_available_cents": "i64",
    "recommended_available_cents": "i64", "p_exhausted_before": "f64", "p_exhausted_after": "f64",
    "p_exhausted_before_se": "f64", "p_exhausted_after_se": "f64", "expected_unmet_before_eur": "f64",
    "expected_unmet_after_eur": "f64", "expected_unmet_before_se_eur": "f64", "expected_unmet_after_se_eur": "f64",
    "median_exhaustion_day_before": "i32", "median_exhaustion_day_after": "i32",
}
# /actuals (runs from actuals, docs/actuals-format.md): per region (R), common scalars, per parameter (P).
ACTUALS_REGION_DATASETS = {
    "observed_dossiers": "i64", "observed_trainees": "i64", "observed_committed_cents": "i64",
    "carryover_committed_cents": "i64", "expected_dossiers": "f64", "uptake_prior_mean": "f64",
    "uptake_prior_cv": "f64", "uptake_posterior_shape": "f64", "uptake_posterior_rate": "f64",
    "uptake_posterior_mean": "f64", "uptake_posterior_q05": "f64", "uptake_posterior_q95": "f64",
}
ACTUALS_COMMON_DATASETS = {
    "observed_dossiers": "i64", "expected_dossiers": "f64", "prior_cv": "f64", "posterior_mean": "f64",
    "posterior_cv": "f64", "posterior_q05": "f64", "posterior_q95": "f64",
}
ACTUALS_PARAMETER_DATASETS = {
    "name": "str", "dossiers": "i64", "scenario": "f64", "observed": "f64", "forecast": "f64", "updated": "i32",
    "note": "str",
}
# Format 1.2: /actuals/prior_predictive, one row per month then the cumulative row (C).
PRIOR_PREDICTIVE_DATASETS = {
    "month": "str", "observed": "i64", "low": "i64", "high": "i64", "expected": "f64", "cumulative": "i32",
    "outside": "i32",
}
# /summary estimates: (base, unit suffix, the per-replication values it is the mean of)
REGION_ESTIMATES = [
    ("p_exhausted", ""), ("committed", "_eur"), ("released", "_eur"), ("paid", "_eur"), ("unmet", "_eur"),
    ("demand", "_eur"), ("peak_net_demand", "_eur"), ("dossiers_committed", ""), ("dossiers_unmet", ""),
    ("dossiers_ineligible", ""), ("trainees_committed", ""), ("trainees_unmet", ""),
]
NATIONAL_ESTIMATES = [
    ("committed", "_eur"), ("released", "_eur"), ("paid", "_eur"), ("unmet", "_eur"), ("demand", "_eur"),
    ("additional_needed", "_eur"), ("p_additional_needed", ""),
]
STATISTICS = ["mean", "se", "ci_low", "ci_high"]

ROOT_ATTRIBUTES = {  # name: kind
    "filetype": "str", "format_version": "i32", "fnesim_version": "str", "git_revision": "str", "created": "str",
    "seed": "u64", "replications": "i64", "stream_scheme": "str", "scenario_sha256": "str", "scenario_name": "str",
    "confidence_level": "f64", "exhaustion_policy": "str", "overcommit_margin": "f64", "commitment_start": "str",
    "window_days": "i32", "run_seconds": "f64", "threads": "i32",
}


# Group attributes the later checks read (docs/hdf5-format.md): a file without one is reported as such, and
# not checked further, rather than stopping on it.
def group_attributes(f, version):
    required = {}
    if "actuals" in f:
        required["actuals"] = ["as_of", "last_day", "file", "sha256", "layout", "national", "rows",
                               "rows_after_cut_off"] + (["particles", "effective_particles"] if version >= (1, 2) else [])
    if "uncertainty" in f:
        required["uncertainty"] = ["profile_concentration", "monthly_drift", "event_names", "event_kinds",
                                   "event_from"]
    if "uncertainty/parameters" in f:
        required["uncertainty/parameters"] = ["columns"]
    if "uncertainty/jumps" in f:
        required["uncertainty/jumps"] = ["first_jump_month"]
    if "summary/spread/replications_without_jumps" in f:
        required["summary/spread"] = ["first_jump_month"]
    return required


def estimate_name(base, statistic, suffix):
    return f"{base}_{statistic}{suffix}"


def declared_uncertainty(toml):
    """What the scenario's TOML declares uncertain: (group expected, parameter entries in order,
    profile drawn, drift drawn, events in order)."""
    section = toml.get("uncertainty", {})
    parameters = list(section.get("parameters", {}).items())
    profile = float(section.get("profile_concentration", 0)) > 0 or float(section.get("profile_tilt", 0)) > 0
    drift = float(section.get("monthly_drift", 0)) > 0 or float(section.get("jump_probability", 0)) > 0
    events = list(toml.get("events", {}).items())
    return bool(parameters) or profile or drift or bool(events), parameters, profile, drift, events


def declared_jumps(toml):
    """Whether the scenario's uptake may jump (a change of rules): /uncertainty/jumps from format 1.6."""
    return toml is not None and float(toml.get("uncertainty", {}).get("jump_probability", 0)) > 0


def first_drift_month(f):
    """Index in /summary/month of the first month uptake may drift or jump in: the month after the last one
    with actuals in a forecast (the level is learnt up to it), else the commitment start's."""
    if "actuals" not in f:
        return 0
    start = datetime.date.fromisoformat(f.attrs["commitment_start"])
    as_of = datetime.date.fromisoformat(f["actuals"].attrs["as_of"])
    if as_of <= start:
        return 0
    last_observed = as_of - datetime.timedelta(days=1)
    return (last_observed.year - start.year) * 12 + last_observed.month - start.month + 1


def documented_layout(trajectories, steering=False, recommendation=False, actuals=False, version=(1, 2),
                      uncertainty=None, particles=False, financing=False, sensitivity=False, toml=None,
                      split_by_jumps=False, cost_factors=False, national_past=False):
    """Every documented dataset: path -> (kind, shape in symbols). `uncertainty`: declared_uncertainty().
    Format 1.5 adds nothing mandatory: only the optional /sensitivity (`sensitivity`: the file has it).
    `cost_factors`: a forecast whose learnt values are uncertain (some /actuals/parameters/log_sd > 0, 1.10).
    `national_past`: a forecast from national totals with national months before its cut-off (1.11)."""
    layout = {
        "scenario/resolved_toml": ("str", ()),
        "scenario/source_files": ("str", ("F",)),
        "regions/code": ("str", ("R",)),
        "regions/name": ("str", ("R",)),
        "regions/envelope_cents": ("i64", ("R",)),
        "regions/available_cents": ("i64", ("R",)),
        "regions/fees_cents": ("i64", ("R",)),
        "replications/exhaustion_day": ("i32", ("N", "R")),
        "replications/national/additional_needed_day": ("i32", ("N",)),
        "breakdowns/size": ("str", (4,)),
        "breakdowns/status": ("str", (5,)),
        "breakdowns/pathway": ("str", (4,)),
        "breakdowns/committed_mean_cents": ("f64", ("R", 4, 5, 4)),
        "breakdowns/trainees_mean": ("f64", ("R", 4, 5, 4)),
        "summary/day_percentiles": ("i32", (7,)),
        "summary/amount_percentiles": ("i32", (8,)),
        "summary/month": ("str", ("M",)),
        "summary/regions/exhaustion_day_quantiles": ("i32", ("R", 7)),
        "summary/regions/unmet_quantiles_cents": ("i64", ("R", 8)),
        "summary/regions/p_exhausted_by_month_end": ("f64", ("R", "M")),
        "summary/national/envelope_cents": ("i64", ()),
        "summary/national/available_cents": ("i64", ()),
        "summary/national/fees_cents": ("i64", ()),
        "summary/national/additional_needed_quantiles_cents": ("i64", (8,)),
        "summary/national/additional_needed_day_quantiles": ("i32", (7,)),
    }
    for name in REGION_FIELDS:
        layout[f"replications/{name}"] = ("i64", ("N", "R"))
    for name in NATIONAL_FIELDS:
        layout[f"replications/national/{name}"] = ("i64", ("N",))
    for base, suffix in REGION_ESTIMATES:
        for statistic in STATISTICS:
            layout[f"summary/regions/{estimate_name(base, statistic, suffix)}"] = ("f64", ("R",))
    for base, suffix in NATIONAL_ESTIMATES:
        for statistic in STATISTICS:
            layout[f"summary/national/{estimate_name(base, statistic, suffix)}"] = ("f64", ())
    if financing:
        layout.update({
            "financing/basis_cents": ("i64", ()),
            "financing/advance_share": ("f64", ()),
            "financing/advance_date": ("str", ()),
            "financing/settlement_lag_days": ("i32", ()),
            "financing/tranche_name": ("str", ("T",)),
            "financing/tranche_share": ("f64", ("T",)),
            "financing/tranche_commitment_level": ("f64", ("T",)),
            "financing/tranche_date": ("str", ("T",)),
            "financing/tranche_lag_days": ("i32", ("T",)),
            "financing/month": ("str", ("MC",)),
            "financing/monthly_disbursements_cents": ("i64", ("N", "MC")),
            "financing/minimum_position_cents": ("i64", ("N",)),
            "financing/minimum_position_month": ("i32", ("N",)),
            "summary/financing/series": ("str", (3,)),
            "summary/financing/mean_eur": ("f64", (3, "MC")),
            "summary/financing/quantiles_cents": ("i64", (3, "MC", 7)),
            "summary/financing/minimum_position_quantiles_cents": ("i64", (8,)),
            "summary/financing/minimum_position_month_quantiles": ("i32", (7,)),
        })
        for statistic in STATISTICS:
            layout[f"summary/financing/{estimate_name('minimum_position', statistic, '_eur')}"] = ("f64", ())
            layout[f"summary/financing/{estimate_name('p_pre_financing', statistic, '')}"] = ("f64", ())
    if trajectories:
        layout["trajectories/month"] = ("str", ("M",))
        layout["trajectories/monthly_commitments_cents"] = ("i64", ("N", "R", "M"))
        layout["trajectories/monthly_payments_cents"] = ("i64", ("N", "R", "M"))
    if steering:
        for name, kind in MOVE_FIELDS.items():
            layout[f"steering/{name}"] = (kind, ("K",))
        for base in STEERING_REGION_ESTIMATES:
            for statistic in STATISTICS:
                layout[f"summary/steering/{estimate_name(base, statistic, '_eur')}"] = ("f64", ("R",))
        for base, suffix in STEERING_NATIONAL_ESTIMATES:
            for statistic in STATISTICS:
                layout[f"summary/steering/{estimate_name(base, statistic, suffix)}"] = ("f64", ())
    if recommendation:
        for name, kind in RECOMMENDATION_DATASETS.items():
            layout[f"recommendation/{name}"] = (kind, ("R",))
    if actuals:
        for name, kind in ACTUALS_REGION_DATASETS.items():
            layout[f"actuals/{name}"] = (kind, ("R",))
        for name, kind in ACTUALS_COMMON_DATASETS.items():
            layout[f"actuals/common/{name}"] = (kind, ())
        for name, kind in ACTUALS_PARAMETER_DATASETS.items():
            layout[f"actuals/parameters/{name}"] = (kind, ("P",))
        if version >= (1, 10):
            layout["actuals/parameters/log_sd"] = ("f64", ("P",))
            if cost_factors:
                layout["replications/cost_factor"] = ("f64", ("N", 4))
        if version >= (1, 11) and national_past:
            layout["replications/national_past/month"] = ("str", ("NM",))
            for name in ["dossiers", "trainees", "committed_cents"]:
                layout[f"replications/national_past/month_{name}"] = ("i64", ("NM",))
                layout[f"replications/national_past/{name}"] = ("i64", ("N", "NM", "R"))
            if version >= (1, 12):
                layout["summary/national_past/committed_cents"] = ("i64", ())
                layout["summary/national_past/other_actuals_cents"] = ("i64", ())
                for statistic in STATISTICS:
                    layout[f"summary/national_past/{estimate_name('committed', statistic, '_eur')}"] = ("f64", ("R",))
                layout["summary/national_past/committed_quantiles_cents"] = ("i64", ("R", 8))
    if version >= (1, 7):
        layout["scenario/warnings"] = ("str", ("W",))
    if version >= (1, 3):
        for name in SETTLEMENT_REGION_FIELDS:
            layout[f"replications/{name}"] = ("i64", ("N", "R"))
        for name in SETTLEMENT_NATIONAL_FIELDS:
            layout[f"replications/national/{name}"] = ("i64", ("N",))
        for name in ["training_end", "training_past_deadline", "review_date"]:
            layout[f"summary/settlement/{name}"] = ("str", ())
        layout["summary/settlement/quantity"] = ("str", (8,))
        layout["summary/settlement/quantity_units"] = ("str", (8,))
        for statistic in STATISTICS:
            layout[f"summary/settlement/regions_{statistic}"] = ("f64", ("R", 8))
            layout[f"summary/settlement/national_{statistic}"] = ("f64", (8,))
        layout["summary/settlement/regions_quantiles"] = ("i64", ("R", 8, 8))
        layout["summary/settlement/national_quantiles"] = ("i64", (8, 8))
        layout["summary/settlement/regions_last_payment_day_quantiles"] = ("i32", ("R", 7))
        layout["summary/settlement/national_last_payment_day_quantiles"] = ("i32", (7,))
    if version >= (1, 2):
        layout["summary/national/demand_quantiles_cents"] = ("i64", (8,))
        layout["summary/spread/demand_sd_eur"] = ("f64", ())
        layout["summary/spread/dossiers_share"] = ("f64", ())
        layout["summary/spread/assumption"] = ("str", ("A",))
        layout["summary/spread/r_squared"] = ("f64", ("A",))
        if version >= (1, 8):
            layout["summary/spread/tail_quantity"] = ("str", (3,))
            layout["summary/spread/tail_pareto_k"] = ("f64", (3,))
            layout["summary/spread/tail_top_percent_share"] = ("f64", (3,))
        layout["replications/uptake"] = ("f64", ("N", "R"))
        layout["replications/national/dossier_variance_eur2"] = ("f64", ("N",))
        if actuals:
            for name, kind in PRIOR_PREDICTIVE_DATASETS.items():
                layout[f"actuals/prior_predictive/{name}"] = (kind, ("C",))
        if uncertainty is not None and uncertainty[0]:
            _, parameters, profile, drift, _ = uncertainty
            jumps = declared_jumps(toml)
            if parameters:
                layout["uncertainty/parameters"] = ("f64", ("N", "UP"))
                layout["uncertainty/parameter_paths"] = ("str", ("UP",))
                layout["uncertainty/parameter_distributions"] = ("str", ("UP",))
                layout["uncertainty/parameter_lowest"] = ("f64", ("UP",))
                layout["uncertainty/parameter_highest"] = ("f64", ("UP",))
                layout["uncertainty/parameter_correlation"] = ("f64", ("UP", "UP"))
                if actuals:
                    layout["uncertainty/parameter_scales"] = ("f64", ("UP",))
            if profile:
                layout["uncertainty/profile"] = ("f64", ("N", 12))
                layout["uncertainty/profile_month"] = ("str", (12,))
            if drift:
                layout["uncertainty/drift"] = ("f64", ("N", "M"))
            if jumps and version >= (1, 6):
                layout["uncertainty/jumps"] = ("i32", ("N",))
            if split_by_jumps and version >= (1, 6):
                for name in ("replications_without_jumps", "replications_with_jumps"):
                    layout[f"summary/spread/{name}"] = ("i64", ())
                for name in ("without", "with"):
                    layout[f"summary/spread/p_additional_needed_{name}_jumps"] = ("f64", ())
                    layout[f"summary/spread/p_additional_needed_{name}_jumps_se"] = ("f64", ())
            if particles:
                layout["uncertainty/particle"] = ("i64", ("N",))
                layout["uncertainty/particle_weight"] = ("f64", ("PK",))
                if version >= (1, 9):
                    layout["uncertainty/particle_source"] = ("i64", ("PK",))
    if sensitivity and version >= (1, 5):
        layout.update(sensitivity_layout())
    return layout


# Format 1.5's /sensitivity. Symbols: N base rows (= the file's replications), SF factors, SO outputs,
# SB tornado bars, SS tornado statistics.
SENSITIVITY_ATTRIBUTES = {"method": "str", "base_rows": "i64", "seed": "u64", "bootstrap_resamples": "i64",
                          "interval_level": "f64", "tornado_low_quantile": "f64", "tornado_high_quantile": "f64"}
SOBOL_DATASETS = ["first_order", "first_low", "first_high", "total_effect", "total_low", "total_high",
                  "first_order_half", "first_order_quarter", "total_effect_half", "total_effect_quarter"]
FACTOR_KINDS = ["parameter", "profile", "uptake", "drift", "dossiers", "group"]


def sensitivity_layout():
    layout = {
        "sensitivity/outputs/name": ("str", ("SO",)),
        "sensitivity/outputs/mean": ("f64", ("SO",)),
        "sensitivity/outputs/variance": ("f64", ("SO",)),
        "sensitivity/factors/name": ("str", ("SF",)),
        "sensitivity/factors/kind": ("str", ("SF",)),
        "sensitivity/factors/members": ("str", ("SF",)),
        "sensitivity/tornado/statistic": ("str", ("SS",)),
        "sensitivity/tornado/baseline": ("f64", ("SS",)),
        "sensitivity/tornado/parameter": ("str", ("SB",)),
        "sensitivity/tornado/low_value": ("f64", ("SB",)),
        "sensitivity/tornado/high_value": ("f64", ("SB",)),
        "sensitivity/tornado/source": ("str", ("SB",)),
        "sensitivity/design/f_a": ("f64", ("N", "SO")),
        "sensitivity/design/f_b": ("f64", ("N", "SO")),
        "sensitivity/design/f_ab": ("f64", ("SF", "N", "SO")),
    }
    for name in SOBOL_DATASETS:
        layout[f"sensitivity/sobol/{name}"] = ("f64", ("SF", "SO"))
    for name in ("low", "high", "low_se", "high_se"):
        layout[f"sensitivity/tornado/{name}"] = ("f64", ("SB", "SS"))
    return layout


def sensitivity_outputs(codes):
    """/sensitivity/outputs/name as the layout lists them, for the scenario's regions."""
    names = ["additional_needed_eur", "additional_needed_any", "national_unmet_eur", "national_demand_eur"]
    for code in codes:
        names += [f"exhausted/{code}", f"exhaustion_day/{code}"]
    return names


def sensitivity_statistics(codes):
    """/sensitivity/tornado/statistic as the layout lists them."""
    names = ["p_additional_needed", "additional_needed_q90_eur", "expected_national_unmet_eur",
             "mean_national_demand_eur"]
    for code in codes:
        names += [f"p_exhausted/{code}", f"median_exhaustion_day/{code}"]
    return names


def kind_of(dtype):
    if h5py.check_string_dtype(dtype) is not None:
        return "str"
    if dtype.kind == "i":
        return f"i{dtype.itemsize * 8}"
    if dtype.kind == "u":
        return f"u{dtype.itemsize * 8}"
    if dtype.kind == "f":
        return f"f{dtype.itemsize * 8}"
    return str(dtype)


class Checker:
    def __init__(self):
        self.failures = []
        self.checks = 0
        self.section_failures = 0

    def check(self, condition, message):
        self.checks += 1
        if not condition:
            self.failures.append(message)
            self.section_failures += 1
        return bool(condition)

    def close(self, actual, expected, message, tolerance=RELATIVE_TOLERANCE, sides=("in the file", "recomputed")):
        """Equal to `tolerance` relative to the larger magnitude (exactly, for zeros). `sides` names where
        `actual` and `expected` come from, in a failure's message."""
        actual = np.asarray(actual, dtype=float)
        expected = np.asarray(expected, dtype=float)
        scale = np.maximum(np.abs(actual), np.abs(expected))
        # NaN compares false with everything: a NaN in the file where a number is
        # recomputed (or the reverse) must fail, two NaNs (no interval from one
        # replication) agree, as do equal infinities.
        with np.errstate(invalid="ignore"):
            bad = ~((np.abs(actual - expected) <= tolerance * scale) | (actual == expected)
                    | (np.isnan(actual) & np.isnan(expected)))
        if bad.any():
            where = np.argwhere(np.atleast_1d(bad))[0]
            a, e = np.atleast_1d(actual)[tuple(where)], np.atleast_1d(expected)[tuple(where)]
            at = f" (at {tuple(int(i) for i in where)})" if np.size(actual) > 1 else ""  # a scalar has no place
            return self.check(False, f"{message}: {a!r} {sides[0]}, {e!r} {sides[1]}{at}")
        return self.check(True, message)

    def equal(self, actual, expected, message):
        actual, expected = np.asarray(actual), np.asarray(expected)
        if actual.shape != expected.shape:
            return self.check(False, f"{message}: shape {actual.shape} in the file, {expected.shape} recomputed")
        if np.array_equal(actual, expected):
            return self.check(True, message)
        if actual.size <= 10:
            return self.check(False, f"{message}: {actual.tolist()!r} in the file, {expected.tolist()!r} recomputed")
        where = tuple(np.argwhere(actual != expected)[0])
        return self.check(False, f"{message}: {actual[where]!r} in the file, {expected[where]!r} recomputed at {where}")

    def section(self, title, detail):
        status = "ok" if self.section_failures == 0 else f"{self.section_failures} FAILED"
        print(f"{title:<11} {status:<10} {detail}")
        self.section_failures = 0


def quantile_inverted_cdf(sorted_values, percent):
    """The smallest value with at least percent % of the values at or below it (Hyndman & Fan 1)."""
    n = len(sorted_values)
    k = max(1, -(-percent * n // 100))  # ceil in integers
    return sorted_values[k - 1]


def day_quantiles(days, window_days):
    """Exhaustion-day quantiles; -1 (never) sorts beyond the window and gives -1."""
    beyond = np.where((days < 0) | (days >= window_days), np.iinfo(np.int64).max, days.astype(np.int64))
    ordered = np.sort(beyond)
    out = []
    for p in DAY_PERCENTILES:
        q = quantile_inverted_cdf(ordered, p)
        out.append(-1 if q == np.iinfo(np.int64).max else int(q))
    return np.array(out, dtype=np.int64)


def amount_quantiles(values):
    ordered = np.sort(values)
    return np.array([quantile_inverted_cdf(ordered, p) for p in AMOUNT_PERCENTILES], dtype=np.int64)


def student_t_quantile(p, df):
    """The p quantile of Student's t with df degrees of freedom, and the relative
    error to allow when comparing with it. Exact with scipy; otherwise the
    Cornish-Fisher expansion around the normal quantile (Abramowitz & Stegun
    26.7.5), whose first omitted term is below 1e-9 relative from 100 degrees of
    freedom; for fewer, None (only the interval's symmetry is then checked).
    scipy's quantile is exact to the last bits, but fnesim's (Boost.Math 1.74's) is not everywhere: at 37
    degrees of freedom it is 1.7e-9 relative from scipy's (1.6870936196 against 1.6870936167 at 0.95), so the
    comparison allows 1e-8 — a wrong number of degrees of freedom moves the quantile by far more (1e-4 at 37)."""
    if scipy_stats is not None:
        return float(scipy_stats.t.ppf(p, df)), 1e-8
    if df < 100:
        return None, None
    z = statistics.NormalDist().inv_cdf(p)
    g1 = (z ** 3 + z) / 4
    g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96
    g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384
    g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160
    return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4, 1e-8


# Format 1.9: in a forecast that weighs particles, per replication the prior draw its particle descends from
# (/uncertainty/particle_source[/uncertainty/particle]); None otherwise, or in an older file, whose standard
# errors were not clustered. Set by run_checks for the file being checked.
REPLICATION_CLUSTERS = None


def replication_clusters(f):
    if file_version(f) >= (1, 9) and "uncertainty/particle_source" in f:
        return f["uncertainty/particle_source"][()][f["uncertainty/particle"][()]]
    return None


def standard_error(x, clusters=None):
    """The mean's standard error and its degrees of freedom, as sim/statistics.cpp computes them: sd/√n on
    n − 1, or, when the replications come in clusters sharing a prior draw, the cluster-robust
    sqrt(G/(G−1) · Σ_g (S_g − n_g·mean)²) / n on G − 1 (Liang & Zeger 1986), never below sd/√n; NaN
    from fewer than two replications or clusters, which give no error to estimate."""
    n = len(x)
    if clusters is None:
        return (np.sqrt(x.var(ddof=1) / n) if n >= 2 else math.nan), n - 1
    labels, index = np.unique(clusters, return_inverse=True)
    residual = np.bincount(index, weights=x - x.mean(), minlength=len(labels))
    g = len(labels)
    if g < 2:
        return math.nan, g - 1
    robust = math.sqrt(g / (g - 1) * float((residual ** 2).sum())) / n
    return max(robust, math.sqrt(x.var(ddof=1) / n)), g - 1


def estimate(values, level, scale=1.0):
    """Mean, standard error and Student-t interval half-width, as sim/statistics.cpp
    defines them (half-width None when it cannot be checked without scipy)."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    mean = x.mean()
    clusters = REPLICATION_CLUSTERS if REPLICATION_CLUSTERS is not None and len(REPLICATION_CLUSTERS) == n else None
    se, df = standard_error(x, clusters)
    # No interval from one independent unit: its ends are NaN.
    half, tolerance = (math.nan, RELATIVE_TOLERANCE) if df < 1 else student_t_quantile(0.5 + level / 2, df)
    if half is not None and df >= 1:
        half *= se
    return mean * scale, se * scale, None if half is None else half * scale, tolerance


def close_se(c, stored, expected, message, tolerance=RELATIVE_TOLERANCE):
    """A standard error against its recomputation; where none exists (NaN: one independent unit), a file
    written before 2026-12-06 (the same format version) stored 0."""
    if math.isnan(expected) and stored == 0:
        return c.check(True, message + " (none: an older file's 0)")
    return c.close(stored, expected, message, tolerance=tolerance)


def a_valid_recommendation_se(se):
    """A recommendation's standard error: ≥ 0, or NaN when the run's years all share one prior draw."""
    one_draw = REPLICATION_CLUSTERS is not None and len(np.unique(REPLICATION_CLUSTERS)) < 2
    return se >= 0 or (math.isnan(se) and one_draw)


def check_estimate(c, group, base, suffix, values, level, scale, index=None, label=""):
    mean, se, half, tolerance = estimate(values, level, scale)
    read = {s: group[estimate_name(base, s, suffix)][()] for s in STATISTICS}
    if index is not None:
        read = {s: v[index] for s, v in read.items()}
    c.close(read["mean"], mean, f"{label}{base} mean")
    if math.isnan(se) and read["se"] == 0:
        # A file written before 2026-12-06 (the same format version) gave one independent unit a standard
        # error of 0 and an interval of no width, where one now has none (NaN).
        c.check(read["ci_low"] == read["mean"] == read["ci_high"],
                f"{label}{base}: no standard error from one unit (an older file's 0), and an interval of no width")
        return
    c.close(read["se"], se, f"{label}{base} standard error")
    # The interval is mean ± t × se: its half-widths are compared relative to
    # themselves (they are small beside the mean). Symmetric up to rounding.
    c.close(read["ci_high"] - read["mean"], read["mean"] - read["ci_low"], f"{label}{base} interval symmetric",
            tolerance=1e-6)
    if half is not None:
        c.close(read["ci_high"] - read["mean"], half, f"{label}{base} interval half-width", tolerance=tolerance)


def file_version(f):
    return tuple(int(v) for v in f.attrs["format_version"])


def scenario_toml(f):
    """The scenario as run, parsed independently of fnesim; None when it cannot be."""
    try:
        return tomllib.loads(f["scenario/resolved_toml"].asstr()[()])
    except (KeyError, tomllib.TOMLDecodeError):
        return None


def check_layout(c, f):
    version = file_version(f)
    toml = scenario_toml(f) if version >= (1, 2) else None
    if version >= (1, 2):
        c.check(toml is not None, "/scenario/resolved_toml parses as TOML")
    uncertainty = declared_uncertainty(toml) if toml is not None else None
    particles = "actuals" in f and int(f["actuals"].attrs.get("particles", 0)) > 0
    if uncertainty is not None:
        c.check(("uncertainty" in f) == uncertainty[0],
                "/uncertainty present exactly when the scenario has [uncertainty] or [events]"
                f" (declared: {uncertainty[0]}, in the file: {'uncertainty' in f})")
    for name, kind in ROOT_ATTRIBUTES.items():
        if c.check(name in f.attrs, f"root attribute {name} present"):
            value = f.attrs[name]
            actual = "str" if isinstance(value, (str, bytes)) else kind_of(np.asarray(value).dtype)
            c.check(actual == kind, f"root attribute {name}: {actual}, documented {kind}")
    trajectories = "trajectories" in f
    layout = documented_layout(trajectories, "steering" in f, "recommendation" in f, "actuals" in f, version,
                               uncertainty, particles, "financing" in f, "sensitivity" in f, toml,
                               declared_jumps(toml) and first_drift_month(f) <= last_filing_month(f, toml),
                               "actuals/parameters/log_sd" in f and bool(np.any(f["actuals/parameters/log_sd"][()] > 0)),
                               "replications/national_past" in f)
    if "replications/national_past" in f:
        c.check("actuals" in f and int(f["actuals"].attrs.get("national", 0)) == 1,
                "/replications/national_past only in a forecast from national totals")
    if "sensitivity" in f:
        c.check(version >= (1, 5), f"/sensitivity only from format 1.5 (this file: {version[0]}.{version[1]})")
    if toml is not None and version >= (1, 4):
        c.check(("financing" in f) == bool(toml.get("financing")),
                "/financing present exactly when the scenario has a [financing] section")
    n = int(f.attrs["replications"])
    r = len(f["regions/code"]) if "regions/code" in f else -1
    m = len(f["summary/month"]) if "summary/month" in f else -1
    files = len(f["scenario/source_files"]) if "scenario/source_files" in f else -1
    moves = len(f["steering/replication"]) if "steering" in f else 0
    parameters = len(f["actuals/parameters/name"]) if "actuals/parameters/name" in f else 0
    checks = len(f["actuals/prior_predictive/month"]) if "actuals/prior_predictive/month" in f else 0
    assumptions = len(f["summary/spread/assumption"]) if "summary/spread/assumption" in f else 0
    symbols = {"N": n, "R": r, "M": m, "F": files, "K": moves, "P": parameters, "C": checks, "A": assumptions,
               "T": len(f["financing/tranche_name"]) if "financing/tranche_name" in f else 0,
               "MC": len(f["financing/month"]) if "financing/month" in f else 0,
               "UP": len(uncertainty[1]) if uncertainty is not None else 0,
               "PK": int(f["actuals"].attrs.get("particles", 0)) if "actuals" in f else 0,
               "W": len(f["scenario/warnings"]) if "scenario/warnings" in f else 0,
               "NM": len(f["replications/national_past/month"]) if "replications/national_past/month" in f else 0}

    def length(path):
        return len(f[path]) if path in f and isinstance(f[path], h5py.Dataset) and f[path].ndim >= 1 else 0

    symbols.update({"SF": length("sensitivity/factors/name"), "SO": length("sensitivity/outputs/name"),
                    "SB": length("sensitivity/tornado/parameter"), "SS": length("sensitivity/tornado/statistic")})
    structural = True  # every documented dataset there, with its shape and type: the later checks can run
    for path, (kind, shape) in layout.items():
        if not c.check(path in f and isinstance(f[path], h5py.Dataset), f"{path} present"):
            structural = False
            continue
        d = f[path]
        expected = tuple(symbols.get(s, s) for s in shape)
        structural &= c.check(d.shape == expected, f"{path}: shape {d.shape}, documented {expected}")
        structural &= c.check(kind_of(d.dtype) == kind, f"{path}: type {kind_of(d.dtype)}, documented {kind}")
    for group, names in group_attributes(f, version).items():
        for name in names:
            structural &= c.check(name in f[group].attrs, f"/{group}: attribute {name} present")
    present = []
    f.visititems(lambda name, obj: present.append(name) if isinstance(obj, h5py.Dataset) else None)
    for path in present:
        attrs = f[path].attrs
        c.check("units" in attrs and "description" in attrs, f"{path}: has units and description attributes")
        if f[path].ndim >= 1:  # one name per dimension, "replication × region"
            names = str(attrs.get("dimensions", "")).split(" × ")
            c.check("dimensions" in attrs and len(names) == f[path].ndim and all(names),
                    f"{path}: a dimensions attribute naming its {f[path].ndim} dimension(s), found "
                    f"{attrs.get('dimensions')!r}")
    groups = []
    f.visititems(lambda name, obj: groups.append(name) if isinstance(obj, h5py.Group) else None)
    for path in groups:
        c.check("description" in f[path].attrs, f"/{path}: the group has a description")
    # 1.5 added nothing mandatory: a 1.4 file (what a build before `fnesim sensitivity` writes) is held to it too.
    if (1, 4) <= version <= (FORMAT_MAJOR, FORMAT_MINOR):
        for path in present:
            c.check(path in layout, f"{path}: documented (format {version[0]}.{version[1]} has no such path)")
    if "scenario/warnings" in f:
        # As the command said them: "file:line:col: key: warning: message" (docs/scenario-format.md, "Warnings").
        warnings = list(f["scenario/warnings"].asstr()[()])
        shape = re.compile(r"^.+:[0-9]+:[0-9]+: [^ ]+: warning: .+$")
        c.check(all(shape.match(w) for w in warnings),
                f"/scenario/warnings: each 'file:line:col: key: warning: message', found {warnings!r}")
    c.section("layout", f"{len(layout)} documented datasets, {len(present)} in the file, "
                        f"{len(ROOT_ATTRIBUTES)} root attributes ({n} replications, {r} regions, {m} months)")
    return trajectories, structural, uncertainty


def read_replications(f):
    g = f["replications"]
    out = {name: g[name][()] for name in REGION_FIELDS}
    out["exhaustion_day"] = g["exhaustion_day"][()]
    national = {name: g["national"][name][()] for name in NATIONAL_FIELDS}
    national["additional_needed_day"] = g["national/additional_needed_day"][()]
    if file_version(f) >= (1, 3):
        out.update({name: g[name][()] for name in SETTLEMENT_REGION_FIELDS})
        national.update({name: g["national"][name][()] for name in SETTLEMENT_NATIONAL_FIELDS})
    return out, national


def settlement_values(reps, national, quantity, region=None):
    """Per replication, what /summary/settlement's `quantity` summarises (a region's, or national)."""
    if quantity == "unspent":
        if region is None:
            return national["unspent_cents"]
        return reps["available_final_cents"][:, region] - reps["paid_cents"][:, region]
    field = quantity if quantity == "review_trainees" else f"{quantity}_cents"
    return national[field] if region is None else reps[field][:, region]


def check_settlement(c, f, reps, national):
    """Art. 7: the money adds up to the cent in every replication, and /summary/settlement is what the
    replications say."""
    level = float(f.attrs["confidence_level"])
    committed, released, paid = reps["committed_cents"], reps["released_cents"], reps["paid_cents"]
    lapsed = reps["lapsed_cents"]

    def every(condition, message):
        bad = np.argwhere(~condition)
        c.check(len(bad) == 0, message + ("" if len(bad) == 0 else f" (first failure at {tuple(bad[0])})"))

    every(committed == paid + released, "committed = paid + released")
    every((lapsed >= 0) & (lapsed <= released), "0 <= lapsed <= released (the rest came back in time)")
    available = f["regions/available_cents"][()].sum()
    c.equal(national["unspent_cents"] + national["paid_cents"], available + national["complementary_received_cents"],
            "unspent + paid = available + complementary received, per replication")
    c.equal(national["unspent_cents"],
            (reps["available_final_cents"] - paid).sum(axis=1) + national["reserve_unused_cents"],
            "national unspent = regions' (available at the end - paid) + unused reserve")
    for name in ["lapsed_cents", "refused_past_deadline_cents", "dossiers_refused_past_deadline",
                 "review_committed_cents", "review_realised_cents", "review_paid_cents", "review_trainees"]:
        c.equal(national[name], reps[name].sum(axis=1), f"national {name} = sum of the regions")
    c.equal(national["last_payment_day"], reps["last_payment_day"].max(axis=1),
            "national last payment day = the regions' latest")
    every((reps["last_payment_day"] == -1) == (paid == 0), "a region has a last payment day exactly when it paid")
    every((reps["review_paid_cents"] <= reps["review_realised_cents"]) &
          (reps["review_realised_cents"] <= reps["review_committed_cents"]) &
          (reps["review_committed_cents"] <= committed), "at the review: paid <= realised <= committed by then <= committed")
    g = f["summary/settlement"]
    c.equal(g["quantity"].asstr()[()], SETTLEMENT_QUANTITIES, "settlement quantities")
    if g["training_past_deadline"].asstr()[()] != "refuse":
        c.equal(national["refused_past_deadline_cents"], np.zeros_like(paid[:, 0]),
                "nothing refused for the deadline unless the scenario says refuse")
    regions = committed.shape[1]
    for part, index in [("national", None)] + [("regions", r) for r in range(regions)]:
        label = "national " if index is None else f"{f['regions/code'].asstr()[index]} "
        for q, quantity in enumerate(SETTLEMENT_QUANTITIES):
            values = settlement_values(reps, national, quantity, index)
            mean, se, _, _ = estimate(values, level, 1.0 if quantity == "review_trainees" else 0.01)
            at = (q,) if index is None else (index, q)
            c.close(g[f"{part}_mean"][at], mean, f"{label}settlement {quantity} mean")
            close_se(c, g[f"{part}_se"][at], se, f"{label}settlement {quantity} standard error")
            c.equal(g[f"{part}_quantiles"][at], amount_quantiles(values), f"{label}settlement {quantity} quantiles")
        days = national["last_payment_day"] if index is None else reps["last_payment_day"][:, index]
        stored = g[f"{part}_last_payment_day_quantiles"][()] if index is None else \
            g[f"{part}_last_payment_day_quantiles"][index]
        c.equal(stored, day_quantiles(days, np.iinfo(np.int64).max), f"{label}last payment day quantiles")
    c.section("settlement", f"money identities per replication; {len(SETTLEMENT_QUANTITIES)} quantities x "
                            f"{regions + 1} parts recomputed")


def check_financing(c, f, national, trajectories):
    """The cash forecast: the State disburses what was paid, and the position is disbursed - paid."""
    g, s = f["financing"], f["summary/financing"]
    level = float(f.attrs["confidence_level"])
    disbursed = g["monthly_disbursements_cents"][()]
    n, months = disbursed.shape
    c.equal(disbursed.sum(axis=1), national["paid_cents"],
            "the disbursements add up to what was paid, per replication (the balance settles)")
    c.equal(int(g["basis_cents"][()]), int(f["regions/available_cents"][()].sum()),
            "the basis is the total available for dossiers")
    labels = g["month"].asstr()[()]
    start = datetime.date.fromisoformat(f.attrs["commitment_start"])
    c.equal(labels[0], f"{start.year:04d}-{start.month:02d}", "the cash months start with the commitment start")
    c.equal(list(labels[:len(f["summary/month"])]), list(f["summary/month"].asstr()[()]),
            "the cash months extend the trajectories' months")
    if trajectories:
        paid = f["trajectories/monthly_payments_cents"][()].sum(axis=1)  # national, replication x month
        paid_cash = np.zeros_like(disbursed)
        paid_cash[:, :paid.shape[1]] = paid
        position = np.cumsum(disbursed, axis=1) - np.cumsum(paid_cash, axis=1)
        c.equal(position[:, -1], np.zeros(n, dtype=np.int64), "the position is 0 once the balance is paid")
        c.equal(g["minimum_position_cents"][()], position.min(axis=1),
                "the lowest position is the lowest of disbursed - paid, month by month")
        c.equal(g["minimum_position_month"][()], position.argmin(axis=1), "the lowest position's first month")
        # The advance arrives on its date, and nothing else is disbursed before the first tranche can be.
        advance_date = datetime.date.fromisoformat(g["advance_date"].asstr()[()])
        advance_month = (advance_date.year - start.year) * 12 + advance_date.month - start.month
        advance = round_half_away(int(g["basis_cents"][()]) * round(float(g["advance_share"][()]) * 10000), 10000)
        c.check(bool(np.all(disbursed[:, advance_month] >= advance)),
                f"the advance ({advance} cents) arrives in {labels[advance_month]}")
        series = [np.cumsum(disbursed, axis=1), np.cumsum(paid_cash, axis=1), position]
        c.equal(s["series"].asstr()[()], ["cumulative_disbursed", "cumulative_paid", "position"], "cash series")
        for k, values in enumerate(series):
            for m in range(months):
                column = np.sort(values[:, m])
                c.equal(s["quantiles_cents"][k, m], [quantile_inverted_cdf(column, p) for p in DAY_PERCENTILES],
                        f"cash {s['series'].asstr()[k]} quantiles in {labels[m]}")
                # Relative to the values' magnitude: the position's mean may be near 0 between large values.
                mean = float(np.mean(values[:, m])) / 100
                c.check(abs(s["mean_eur"][k, m] - mean) <= RELATIVE_TOLERANCE * np.abs(values[:, m]).max() / 100,
                        f"cash {s['series'].asstr()[k]} mean in {labels[m]}")
    lowest = g["minimum_position_cents"][()]
    c.equal(s["minimum_position_quantiles_cents"][()], amount_quantiles(lowest), "lowest position quantiles")
    mean, se, _, _ = estimate(lowest, level, 0.01)
    c.close(s["minimum_position_mean_eur"][()], mean, "lowest position mean")
    close_se(c, s["minimum_position_se_eur"][()], se, "lowest position standard error")
    mean, se, _, _ = estimate((lowest < 0).astype(np.float64), level)
    c.close(s["p_pre_financing_mean"][()], mean, "P(pre-financing)")
    c.equal(s["minimum_position_month_quantiles"][()],
            [quantile_inverted_cdf(np.sort(g["minimum_position_month"][()]), p) for p in DAY_PERCENTILES],
            "lowest position month quantiles")
    c.section("financing", f"{n} replications x {months} cash months: disbursed = paid, position = disbursed - paid")


def round_half_away(numerator, denominator):
    """numerator / denominator to the nearest integer, halves away from zero (models/money.hpp)."""
    q, r = divmod(abs(numerator), denominator)
    q += 2 * r >= denominator
    return q if numerator >= 0 else -q


def check_invariants(c, f, reps, national, trajectories):
    available = f["regions/available_cents"][()]
    envelope = f["regions/envelope_cents"][()]
    fees = f["regions/fees_cents"][()]
    policy = f.attrs["exhaustion_policy"]
    margin = float(f.attrs["overcommit_margin"])
    window = int(f.attrs["window_days"])
    committed, released, paid = reps["committed_cents"], reps["released_cents"], reps["paid_cents"]
    unmet, demand, days = reps["unmet_cents"], reps["demand_cents"], reps["exhaustion_day"]

    def every(condition, message):
        bad = np.argwhere(~condition)
        detail = "" if len(bad) == 0 else f" (first failure at replication, region {tuple(bad[0])})"
        c.check(len(bad) == 0, message + detail)

    every(paid + released == committed, "paid + released = committed")
    every(demand == committed + unmet, "demand = committed + unmet")
    # The committee moves money: the ceiling is what the region could commit at the end.
    final = reps["available_final_cents"]
    ceiling = final if policy in ("stop", "fill") else np.floor(final * (1 + margin)) + 1
    every(committed - released <= ceiling,
          f"committed - released <= available{'' if policy in ('stop', 'fill') else ' x (1 + margin)'} ({policy})")
    every((days == -1) | ((days >= 0) & (days < window)), "exhaustion day is -1 or within the window")
    every((days != -1) == (reps["dossiers_unmet"] > 0), "exhausted exactly when dossiers are unmet")
    every(unmet >= 0, "unmet >= 0")
    every(reps["peak_net_demand_cents"] >= 0, "peak net demand >= 0")
    c.equal(available + fees, envelope, "available + fees = envelope, per region")
    every(final == available[np.newaxis, :] + reps["received_cents"] - reps["given_cents"],
          "available at the end = available + received - given")
    c.equal(final.sum(axis=1) + national["reserve_unused_cents"],
            available.sum() + national["complementary_received_cents"],
            "the committee's moves conserve money to the cent (regions + unused reserve = available + State)")
    if "steering" in f:
        g = f["steering"]
        moves = {name: g[name][()] for name in MOVE_FIELDS}
        n, r = committed.shape
        received, given = np.zeros((n, r), dtype=np.int64), np.zeros((n, r), dtype=np.int64)
        to_region, from_region = moves["to_region"] >= 0, moves["from_region"] >= 0
        np.add.at(received, (moves["replication"][to_region], moves["to_region"][to_region]),
                  moves["amount_cents"][to_region])
        np.add.at(given, (moves["replication"][from_region], moves["from_region"][from_region]),
                  moves["amount_cents"][from_region])
        c.equal(received, reps["received_cents"], "/steering moves add up to received, per replication and region")
        c.equal(given, reps["given_cents"], "/steering moves add up to given, per replication and region")
        c.check(bool(np.all(moves["amount_cents"] > 0)), "every move is of a positive amount")
        c.check(bool(np.all(np.diff(moves["replication"]) >= 0)), "moves are in replication order")
    else:
        every((reps["received_cents"] == 0) & (reps["given_cents"] == 0), "no steering: nothing moved")
    for name in NATIONAL_FIELDS[:5]:
        c.equal(national[name], reps[name].sum(axis=1), f"national {name} = sum of the regions")
    c.equal(national["additional_needed_cents"] > 0, national["additional_needed_day"] != -1,
            "additional allocation needed exactly when it has a day")
    s = f["summary/national"]
    c.equal(s["available_cents"][()], available.sum(), "national available = sum of the regions")
    c.equal(s["envelope_cents"][()], s["available_cents"][()] + s["fees_cents"][()],
            "national envelope = available + fees")

    # Breakdown cells hold training commitments; carry-over and diagnostics are outside them.
    cells = f["breakdowns/committed_mean_cents"][()].sum(axis=(1, 2, 3))
    expected = committed.mean(axis=0) - reps["carryover_committed_cents"].mean(axis=0) - \
        reps["diagnostics_committed_cents"].mean(axis=0)
    if "actuals" in f and f["actuals"].attrs.get("layout") == "monthly":
        # Monthly aggregates have no attributes: their lumps are in no cell.
        c.check(bool(np.all(cells <= expected + 1e-6 * np.maximum(1, expected))),
                "breakdown cells + carry-over + diagnostics <= committed (means; monthly actuals are in no cell)")
    else:
        c.close(cells, expected, "breakdown cells + carry-over + diagnostics = committed (means)")

    months = 0
    if trajectories:
        t = f["trajectories"]
        c.equal(t["month"].asstr()[()], f["summary/month"].asstr()[()], "/trajectories/month = /summary/month")
        commitments = t["monthly_commitments_cents"]
        payments = t["monthly_payments_cents"]
        months = commitments.shape[2]
        total_c = np.zeros_like(committed)
        total_p = np.zeros_like(paid)
        for first in range(0, commitments.shape[0], 4096):  # blocks: memory stays bounded
            block = slice(first, first + 4096)
            total_c[block] = commitments[block].sum(axis=2)
            total_p[block] = payments[block].sum(axis=2)
            every(commitments[block] >= 0, f"monthly commitments >= 0 (replications from {first})")
            every(payments[block] >= 0, f"monthly payments >= 0 (replications from {first})")
        every(total_c == committed, "months of commitments add up to committed")
        every(total_p == paid, "months of payments add up to paid")
    c.section("invariants", f"{committed.shape[0]} replications x {committed.shape[1]} regions, policy {policy}"
                            + (f", {months} months of trajectories" if trajectories else ", no trajectories"))


def check_summary(c, f, reps, national):
    level = float(f.attrs["confidence_level"])
    c.check(0 < level < 1, f"/ confidence_level {level!r}: not a probability between 0 and 1")
    window = int(f.attrs["window_days"])
    start = datetime.date.fromisoformat(f.attrs["commitment_start"])
    s = f["summary"]
    c.equal(s["day_percentiles"][()], DAY_PERCENTILES, "day percentiles")
    c.equal(s["amount_percentiles"][()], AMOUNT_PERCENTILES, "amount percentiles")
    g = s["regions"]
    days = reps["exhaustion_day"]
    regions = days.shape[1]
    codes = f["regions/code"].asstr()[()]
    for r in range(regions):
        label = f"{codes[r]} "
        exhausted = (days[:, r] != -1).astype(float)
        check_estimate(c, g, "p_exhausted", "", exhausted, level, 1.0, r, label)
        for base, suffix in REGION_ESTIMATES[1:]:
            field = f"{base}_cents" if suffix == "_eur" else base
            check_estimate(c, g, base, suffix, reps[field][:, r], level, 0.01 if suffix == "_eur" else 1.0, r, label)
        c.equal(g["exhaustion_day_quantiles"][r], day_quantiles(days[:, r], window), f"{label}exhaustion day quantiles")
        c.equal(g["unmet_quantiles_cents"][r], amount_quantiles(reps["unmet_cents"][:, r]), f"{label}unmet quantiles")
        # P(exhausted by the end of month m): exhausted on or before the month's last day.
        by_month = []
        for label_month in s["month"].asstr()[()]:
            year, month = (int(x) for x in label_month.split("-"))
            next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
            last_day = (next_month - start).days - 1
            by_month.append(np.count_nonzero((days[:, r] >= 0) & (days[:, r] <= last_day)) / len(days))
        c.close(g["p_exhausted_by_month_end"][r], by_month, f"{label}P(exhausted) by month end")

    n = s["national"]
    for base, suffix in NATIONAL_ESTIMATES:
        if base == "p_additional_needed":
            values, scale = (national["additional_needed_cents"] > 0).astype(float), 1.0
        else:
            values, scale = national[f"{base}_cents"], 0.01
        check_estimate(c, n, base, suffix, values, level, scale, None, "national ")
    c.equal(n["additional_needed_quantiles_cents"][()], amount_quantiles(national["additional_needed_cents"]),
            "national additional-needed quantiles")
    c.equal(n["additional_needed_day_quantiles"][()], day_quantiles(national["additional_needed_day"], window),
            "national additional-needed day quantiles")
    if "steering" in s:
        st = s["steering"]
        for r in range(regions):
            for base in STEERING_REGION_ESTIMATES:
                check_estimate(c, st, base, "_eur", reps[f"{base}_cents"][:, r], level, 0.01, r, f"{codes[r]} steering ")
        moves = {name: f["steering"][name][()] for name in MOVE_FIELDS}
        replications = len(days)
        between = (moves["from_region"] >= 0) & (moves["to_region"] >= 0)
        per_replication = {
            "moved_between_regions": np.bincount(moves["replication"][between], moves["amount_cents"][between],
                                                 minlength=replications),
            "reserve_handed_out": np.bincount(moves["replication"][moves["from_region"] == -1],
                                              moves["amount_cents"][moves["from_region"] == -1],
                                              minlength=replications),
        }
        for base, suffix in STEERING_NATIONAL_ESTIMATES:
            if base == "p_complementary_received":
                values, scale = (national["complementary_received_cents"] > 0).astype(float), 1.0
            elif base == "complementary_received":
                values, scale = national["complementary_received_cents"], 0.01
            else:
                values, scale = per_replication[base], 0.01
            check_estimate(c, st, base, suffix, values, level, scale, None, "steering ")
    c.section("summary", f"recomputed from /replications: {len(REGION_ESTIMATES)} estimates x {regions} regions, "
                         f"{len(NATIONAL_ESTIMATES)} national, quantiles, P(exhausted) by month"
                         + ("" if scipy_stats else " (no scipy: Student-t quantiles from a series expansion)"))


def parse_distribution(text):
    """'lognormal(mean=700, cv=1)' -> ('lognormal', {'mean': 700.0, 'cv': 1.0}); lists for discrete."""
    match = re.fullmatch(r"([a-z]+)\((.*)\)", text)
    if match is None:
        return None, {}
    kind, body = match.groups()
    arguments = {}
    for name, value in re.findall(r"([a-z]+)=(\[[^\]]*\]|[^,\[\]]+)", body):
        value = value.strip()
        if value.startswith("["):
            arguments[name] = [float(x) for x in value[1:-1].split(",") if x.strip()]
        else:
            arguments[name] = float(value)
    return kind, arguments


def declared_arguments(entry):
    """The arguments of a TOML [uncertainty.parameters] entry as parse_distribution gives them."""
    kind = entry["distribution"]
    if kind == "discrete":
        weights = [float(w) for w in entry["weights"]]
        total = sum(weights)
        return kind, {"values": [float(v) for v in entry["values"]], "weights": [w / total for w in weights]}
    keys = {"normal": ["mean", "sd"], "lognormal": ["mean", "cv"], "gamma": ["mean", "cv"],
            "beta": ["alpha", "beta"], "uniform": ["min", "max"], "triangular": ["min", "mode", "max"],
            "pert": ["min", "mode", "max"]}[kind]
    return kind, {key: float(entry[key]) for key in keys}


def support(kind, arguments):
    """The distribution's support as the scenario format defines it (the normal truncated at 5 sd)."""
    if kind == "normal":
        return arguments["mean"] - 5 * arguments["sd"], arguments["mean"] + 5 * arguments["sd"]
    if kind in ("lognormal", "gamma"):
        return 0.0, math.inf
    if kind == "beta":
        return 0.0, 1.0
    if kind == "discrete":
        return min(arguments["values"]), max(arguments["values"])
    return arguments["min"], arguments["max"]


def months_between(start, label):
    year, month = (int(x) for x in label.split("-"))
    return (year - start.year) * 12 + month - start.month


def first_simulated_month(f):
    """Index in /summary/month of the first simulated day's month: the cut-off's in a forecast, else 0."""
    start = datetime.date.fromisoformat(f.attrs["commitment_start"])
    as_of = datetime.date.fromisoformat(f["actuals"].attrs["as_of"]) if "actuals" in f else start
    return (as_of.year - start.year) * 12 + as_of.month - start.month


def check_spread(c, f, national):
    """Format 1.2: /summary/national/demand_quantiles_cents and /summary/spread recomputed from the replications
    and their draws (the law of total variance; each assumption's squared correlation with demand)."""
    demand_cents = national["demand_cents"]
    c.equal(f["summary/national/demand_quantiles_cents"][()], amount_quantiles(demand_cents),
            "national demand quantiles")
    demand = demand_cents.astype(float) / 100
    n = len(demand)
    g = f["summary/spread"]
    variance = demand.var(ddof=1) if n > 1 else 0.0
    # fnesim sums the squares of deviations from a mean rounded in double: demand the same in every replication
    # (a cut-off after the last filing day) leaves an sd of rounding noise, about 1e-16 of the demand per term.
    noise = 1e-12 * abs(demand.mean()) if n > 0 else 0.0
    stored_sd = g["demand_sd_eur"][()]
    if math.sqrt(variance) <= noise:
        c.check(0 <= stored_sd <= noise, f"spread: sd of national demand {stored_sd!r}, recomputed 0 (within "
                                         f"{noise:.3g} EUR of rounding)")
    else:
        c.close(stored_sd, math.sqrt(variance), "spread: sd of national demand")
    dossier_variance = f["replications/national/dossier_variance_eur2"][()]
    share = min(1.0, dossier_variance.mean() / variance) if variance > 0 else 0.0
    c.close(g["dossiers_share"][()], share if n > 1 else 0.0, "spread: the dossiers' share of the variance")

    # The assumptions as the run summarises them, recomputed from the draws.
    start = datetime.date.fromisoformat(f.attrs["commitment_start"])
    first = first_simulated_month(f)
    last_day = start + datetime.timedelta(days=int(f.attrs["window_days"]) - 1)
    last = (last_day.year - start.year) * 12 + last_day.month - start.month
    available = f["regions/available_cents"][()].astype(float)
    columns = {"uptake": f["replications/uptake"][()] @ available / available.sum()}
    # Over whole years of months the share still to come is the whole
    # profile, the same in every replication but for rounding: not listed.
    if "uncertainty/profile" in f and (last + 1 - first) % 12 != 0:
        calendar = [(start.month - 1 + m) % 12 for m in range(first, last + 1)]
        columns["timing"] = f["uncertainty/profile"][()][:, calendar].sum(axis=1)
    if "uncertainty/drift" in f:
        columns["drift"] = f["uncertainty/drift"][()][:, first:last + 1].mean(axis=1)
    if "replications/cost_factor" in f:
        factors = f["replications/cost_factor"]
        columns["learnt_costs"] = factors[()] @ factors.attrs["weights"]
    if "uncertainty/parameters" in f:
        for j, path in enumerate(f["uncertainty/parameter_paths"].asstr()[()]):
            columns[path] = f["uncertainty/parameters"][()][:, j]
    names = list(g["assumption"].asstr()[()])
    r_squared = g["r_squared"][()]
    if n <= 1:
        c.check(not names, "spread: no assumptions from a single replication")
        return
    varying = sorted(name for name, x in columns.items() if np.any(x != x[0]))
    c.equal(sorted(names), varying, "spread: one entry per assumption drawn that varies over the replications "
            "(uptake, timing, drift, parameters)")
    c.check(bool(np.all(np.diff(r_squared) <= 0)), "spread: assumptions listed largest share first")
    for name, stored in zip(names, r_squared):
        if name not in columns:
            continue
        x = columns[name]
        sxx = ((x - x.mean()) ** 2).sum()
        sxy = ((x - x.mean()) * (demand - demand.mean())).sum()
        expected = sxy * sxy / (sxx * variance * (n - 1)) if sxx > 0 and variance > 0 else 0.0
        c.check(abs(stored - expected) <= 1e-9 and 0 <= stored <= 1 + 1e-12,
                f"spread: {name} explains r^2 = {stored!r} of the variance, recomputed {expected!r}")
    if "replications_without_jumps" in g:
        check_additional_by_jumps(c, f, g, national)
    if "tail_quantity" in g:
        check_tails(c, f, g, national)
    c.section("spread", f"national demand sd {math.sqrt(variance) / 1e6:.2f} M EUR, dossiers' share "
                        f"{share:.3f}, {len(names)} assumptions")


def generalised_pareto_shape(x):
    """Zhang & Stephens (2009): the profile likelihood's posterior mean of theta over a grid, k from it, shrunk
    towards 0.5 by a prior worth ten values (Vehtari et al., JMLR 2024, appendix C). x: exceedances, ascending."""
    n = len(x)
    grid = 30 + int(math.floor(math.sqrt(n)))
    first_quartile = x[int(math.floor(n / 4 + 0.5)) - 1]
    j = np.arange(1, grid + 1)
    theta = 1 / x[-1] + (1 - np.sqrt(grid / (j - 0.5))) / 3 / first_quartile
    mean_log = np.array([np.mean(np.log1p(-t * x)) for t in theta])
    log_likelihood = n * (np.log(-theta / mean_log) - mean_log - 1)
    weights = np.exp(log_likelihood - log_likelihood.max())
    theta_hat = np.sum(theta * weights) / weights.sum()
    k = np.mean(np.log1p(-theta_hat * x))
    return (k * n + 10 * 0.5) / (n + 10)


def pareto_tail_shape(values):
    """The largest min(S/5, 3 sqrt S) values above the next one; None with fewer than five distinct."""
    v = np.sort(np.asarray(values, dtype=float))
    s = len(v)
    tail = int(math.ceil(min(s / 5, 3 * math.sqrt(s))))
    if tail < 5 or tail >= s:
        return None
    threshold = v[s - tail - 1]
    exceedances = v[s - tail:]
    exceedances = exceedances[exceedances > threshold] - threshold
    if len(np.unique(exceedances)) < 5:
        return None
    return generalised_pareto_shape(exceedances)


def check_tails(c, f, g, national):
    """Format 1.8: each national mean's tail -- its Pareto shape and the share of its sum the largest 1 % of the
    replications make -- recomputed from the replications by this script's own port of the fit."""
    values = {"demand": national["demand_cents"] / 100.0, "unmet": national["unmet_cents"] / 100.0,
              "additional_needed": national["additional_needed_cents"] / 100.0}
    quantities = list(g["tail_quantity"].asstr()[()])
    c.equal(quantities, ["demand", "unmet", "additional_needed"], "tails: the three national means, in order")
    s = len(values["demand"])
    limit = min(1 - 1 / math.log10(s), 0.7) if s >= 10 else 0.0
    c.close(float(g.attrs["pareto_k_limit"]), limit, "tails: pareto_k_limit for this many replications",
            tolerance=1e-12)
    for k, name in enumerate(quantities):
        x = values.get(name)
        if x is None:
            continue
        shape, share = g["tail_pareto_k"][k], g["tail_top_percent_share"][k]
        expected = pareto_tail_shape(x)
        if expected is None:
            c.check(math.isnan(shape), f"tails: {name} has no tail to fit, so NaN (found {shape!r})")
        else:
            c.close(shape, expected, f"tails: {name}'s Pareto shape", tolerance=1e-9)
        total = x.sum()
        top = max(1, (len(x) + 99) // 100)
        if total > 0:
            c.close(share, np.sort(x)[::-1][:top].sum() / total, f"tails: {name}'s top 1 % share", tolerance=1e-9)
        else:
            c.check(math.isnan(share), f"tails: {name} sums to 0, so its top share is NaN (found {share!r})")


def check_additional_by_jumps(c, f, g, national):
    """Format 1.6: P(additional allocation needed) recomputed apart for the replications with no jump of uptake
    and those with one or more."""
    c.equal(str(g.attrs["first_jump_month"]), str(f["uncertainty/jumps"].attrs["first_jump_month"]),
            "spread: first_jump_month as /uncertainty/jumps's")
    needed = (national["additional_needed_cents"] > 0).astype(float)
    jumped = f["uncertainty/jumps"][()] > 0
    for name, part in (("without", ~jumped), ("with", jumped)):
        x = needed[part]
        c.equal(int(g[f"replications_{name}_jumps"][()]), int(part.sum()),
                f"spread: replications {name} jumps, counted from /uncertainty/jumps")
        p, se = g[f"p_additional_needed_{name}_jumps"][()], g[f"p_additional_needed_{name}_jumps_se"][()]
        if len(x) == 0:
            c.check(math.isnan(p) and math.isnan(se), f"spread: no replication {name} jumps, so NaN")
            continue
        expected_se = standard_error(x, None if REPLICATION_CLUSTERS is None else REPLICATION_CLUSTERS[part])[0]
        c.close(p, x.mean(), f"spread: P(additional allocation needed) {name} jumps", tolerance=1e-12)
        close_se(c, se, expected_se, f"spread: its standard error {name} jumps", tolerance=1e-9)


def replication_outputs(f, reps, national, codes):
    """The outputs of /sensitivity/outputs/name for every replication of /replications: N × O. The design's
    base rows A are these replications (row j of A is replication j)."""
    window = int(f.attrs["window_days"])
    needed = national["additional_needed_cents"]
    columns = [needed / 100.0, (needed > 0).astype(float), national["unmet_cents"] / 100.0,
               national["demand_cents"] / 100.0]
    days = reps["exhaustion_day"]
    for r in range(len(codes)):
        columns += [(days[:, r] != -1).astype(float), np.where(days[:, r] == -1, window, days[:, r]).astype(float)]
    return np.column_stack(columns)


def sobol_indices(fa, fb, fab_i):
    """One factor's first order (Saltelli 2010) and total effect (Jansen 1999) per output, and the scale of
    each estimate's terms (for the tolerance): NaN where the 2n values of f_A and f_B are all equal."""
    pooled = np.concatenate([fa, fb])
    variance = pooled.var(axis=0, ddof=1)  # the sample variance, divisor 2n − 1
    constant = np.ptp(pooled, axis=0) == 0 if len(pooled) else np.ones(fa.shape[1], dtype=bool)
    # f_B centred on the pooled mean: the same expectation, far less noise when the mean is large.
    first_terms = (fb - pooled.mean(axis=0)) * (fab_i - fa)
    total_terms = (fa - fab_i) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        first = first_terms.mean(axis=0) / variance
        total = total_terms.mean(axis=0) / (2 * variance)
        first_scale = np.abs(first_terms).mean(axis=0) / variance
        total_scale = total
    for values in (first, total):
        values[constant] = np.nan
    return first, total, first_scale, total_scale


def check_sensitivity(c, f, national, reps):
    """Format 1.5's /sensitivity: names, the design's base rows against /replications, the outputs' moments and
    the Sobol indices recomputed from the design, the intervals, and the tornado's baseline."""
    g = f["sensitivity"]
    codes = list(f["regions/code"].asstr()[()])
    n = int(f.attrs["replications"])
    window = int(f.attrs["window_days"])
    for name, kind in SENSITIVITY_ATTRIBUTES.items():
        if c.check(name in g.attrs, f"/sensitivity attribute {name} present"):
            value = g.attrs[name]
            actual = "str" if isinstance(value, (str, bytes)) else kind_of(np.asarray(value).dtype)
            c.check(actual == kind and np.ndim(value) == 0, f"/sensitivity attribute {name}: {actual} "
                    f"{np.shape(value)}, documented {kind} scalar")
    a = {name: g.attrs.get(name) for name in SENSITIVITY_ATTRIBUTES}
    c.check(isinstance(a["method"], str) and "Saltelli" in a["method"] and "Jansen" in a["method"],
            f"/sensitivity method names its estimators (Saltelli, Jansen): {a['method']!r}")
    c.equal(a["base_rows"], n, "/sensitivity base_rows = the file's replications (the design's rows A)")
    c.equal(a["seed"], f.attrs["seed"], "/sensitivity seed = the run's seed")
    c.check(a["bootstrap_resamples"] is not None and int(a["bootstrap_resamples"]) >= 1,
            f"/sensitivity bootstrap_resamples >= 1 ({a['bootstrap_resamples']})")
    level = float(a["interval_level"]) if a["interval_level"] is not None else math.nan
    c.check(0 < level < 1, f"/sensitivity interval_level in (0, 1) ({level})")
    low_q = float(a["tornado_low_quantile"]) if a["tornado_low_quantile"] is not None else math.nan
    high_q = float(a["tornado_high_quantile"]) if a["tornado_high_quantile"] is not None else math.nan
    c.check(0 < low_q < high_q < 1, f"/sensitivity tornado quantiles 0 < low < high < 1 ({low_q}, {high_q})")

    # Names.
    outputs = list(g["outputs/name"].asstr()[()])
    c.equal(outputs, sensitivity_outputs(codes), "/sensitivity outputs: the documented ones, per region in "
                                                 "scenario order")
    statistics_ = list(g["tornado/statistic"].asstr()[()])
    c.equal(statistics_, sensitivity_statistics(codes), "/sensitivity tornado statistics: the documented ones, "
                                                        "per region in scenario order")
    factors = list(g["factors/name"].asstr()[()])
    kinds = list(g["factors/kind"].asstr()[()])
    members = [m.split(", ") for m in g["factors/members"].asstr()[()]]
    c.check(len(set(factors)) == len(factors) and all(factors), "/sensitivity factors: named, each once")
    for name, kind, parts in zip(factors, kinds, members):
        if not c.check(kind in FACTOR_KINDS, f"/sensitivity factor {name}: kind {kind!r} is one of {FACTOR_KINDS}"):
            continue
        if kind in ("profile", "uptake", "drift", "dossiers"):
            c.check(name == kind and parts == [name], f"/sensitivity factor {name}: a {kind} factor is named "
                                                      f"{kind!r}, its members itself")
        elif kind == "parameter":
            c.check(name in parts and len(set(parts)) == len(parts) and all(parts),
                    f"/sensitivity factor {name}: its members (correlated parameters) include it, each once")
        else:
            c.check(name not in parts and len(set(parts)) == len(parts) and all(parts),
                    f"/sensitivity group {name}: members named, each once, not the group itself")
    if outputs != sensitivity_outputs(codes) or statistics_ != sensitivity_statistics(codes):
        c.section("sensitivity", "names differ from the layout: the rest is not checked")
        return

    # The design: the base rows are the run's replications; every row's outputs hang together.
    fa, fb = g["design/f_a"][()], g["design/f_b"][()]
    f_ab = g["design/f_ab"]
    c.close(fa, replication_outputs(f, reps, national, codes), "/sensitivity f_a = the outputs of /replications "
                                                                 "(row j of A is replication j)")
    column = {name: j for j, name in enumerate(outputs)}
    flags = [column["additional_needed_any"]] + [column[f"exhausted/{code}"] for code in codes]
    days = [column[f"exhaustion_day/{code}"] for code in codes]
    amounts = [column[name] for name in ("additional_needed_eur", "national_unmet_eur", "national_demand_eur")]

    def coherent(rows, label):
        bad = []
        if not np.all(np.isfinite(rows)):
            bad.append("a value is not finite")
        if not np.all((rows[:, flags] == 0) | (rows[:, flags] == 1)):
            bad.append("a flag is neither 0 nor 1")
        if not np.all(rows[:, amounts] >= 0):
            bad.append("an amount is negative")
        if not np.all((rows[:, days] >= 0) & (rows[:, days] <= window) & (rows[:, days] == np.round(rows[:, days]))):
            bad.append(f"an exhaustion day is not a whole day in [0, {window}]")
        if not np.all(rows[:, flags[0]] == (rows[:, amounts[0]] > 0)):
            bad.append("additional_needed_any disagrees with additional_needed_eur")
        if not np.all(rows[:, flags[1:]] == (rows[:, days] < window)):
            bad.append("exhausted/<CODE> disagrees with exhaustion_day/<CODE> < window_days")
        c.check(not bad, f"/sensitivity {label}: every row's outputs coherent" + (f" ({'; '.join(bad)})" if bad
                                                                                 else ""))

    coherent(fb, "f_b")
    for i, name in enumerate(factors):
        coherent(f_ab[i], f"f_ab[{name}]")

    pooled = np.concatenate([fa, fb])
    c.close(g["outputs/mean"][()], pooled.mean(axis=0), "/sensitivity outputs mean: over the 2N rows of A and B")
    c.close(g["outputs/variance"][()], pooled.var(axis=0, ddof=1),
            "/sensitivity outputs variance: sample variance (divisor 2N − 1) of the 2N rows of A and B")

    sobol = {name: g[f"sobol/{name}"][()] for name in SOBOL_DATASETS}

    def agree(name, i, recomputed, scale):
        """Equal to 1e-9 of the scale of the estimate's terms; NaN exactly where recomputed NaN."""
        stored = sobol[name][i]
        nan = np.isnan(recomputed)
        tolerance = RELATIVE_TOLERANCE * np.where(np.isfinite(scale), scale, 0) + 1e-15
        bad = (np.isnan(stored) != nan) | (~nan & ~(np.abs(stored - recomputed) <= tolerance))
        if bad.any():
            j = int(np.argwhere(bad)[0][0])
            c.check(False, f"/sensitivity sobol/{name}[{factors[i]}, {outputs[j]}]: {stored[j]!r} in the file, "
                           f"{recomputed[j]!r} recomputed")
        else:
            c.check(True, f"/sensitivity sobol/{name}[{factors[i]}] recomputed")

    prefixes = {"": n, "_half": n // 2, "_quarter": n // 4}
    for i in range(len(factors)):
        fab_i = f_ab[i]
        for suffix, rows in prefixes.items():
            first, total, first_scale, total_scale = sobol_indices(fa[:rows], fb[:rows], fab_i[:rows])
            agree("first_order" + suffix, i, first, first_scale)
            agree("total_effect" + suffix, i, total, total_scale)
    for estimate, low, high in (("first_order", "first_low", "first_high"),
                                ("total_effect", "total_low", "total_high")):
        value, lo, hi = sobol[estimate], sobol[low], sobol[high]
        nan = np.isnan(value)
        # An interval is NaN where its estimate is, and also where a bootstrap resample of the rows had
        # a constant output (a rare event in few rows): then no interval can be told.
        c.check(np.all(np.isnan(lo)[nan]) and np.all(np.isnan(hi)[nan]) and np.array_equal(np.isnan(lo), np.isnan(hi)),
                f"/sensitivity {low} and {high} NaN together, and wherever {estimate} is")
        # A percentile interval need not hold its estimate (a skewed bootstrap distribution); it is an interval.
        bad = ~np.isnan(lo) & ~(lo <= hi)
        where = "" if not bad.any() else " (first failure: {}, {})".format(
            *(lambda ij: (factors[ij[0]], outputs[ij[1]]))(np.argwhere(bad)[0]))
        c.check(not bad.any(), f"/sensitivity {low} ≤ {high}{where}")

    # The tornado.
    t = g["tornado"]
    parameters = list(t["parameter"].asstr()[()])
    c.check(len(set(parameters)) == len(parameters) and all(parameters), "/sensitivity tornado: one bar per "
                                                                         "parameter, each named")
    low_value, high_value = t["low_value"][()], t["high_value"][()]
    c.check(bool(np.all(np.isfinite(low_value) & np.isfinite(high_value) & (low_value <= high_value))),
            "/sensitivity tornado: low_value <= high_value, finite")
    sources = {f"quantiles {100 * low_q:g} % / {100 * high_q:g} %", "range given"}
    c.check(set(t["source"].asstr()[()]) <= sources, f"/sensitivity tornado sources are among {sorted(sources)}")
    low, high, low_se, high_se = (t[name][()] for name in ("low", "high", "low_se", "high_se"))
    c.check(bool(np.all(np.isfinite(low) & np.isfinite(high))), "/sensitivity tornado: low and high finite")
    c.check(bool(np.all(np.isfinite(low_se) & np.isfinite(high_se) & (low_se >= 0) & (high_se >= 0))),
            "/sensitivity tornado: standard errors finite and >= 0")
    probabilities = [j for j, name in enumerate(statistics_) if name.startswith("p_")]
    baseline = t["baseline"][()]
    c.check(bool(np.all((low[:, probabilities] >= 0) & (low[:, probabilities] <= 1) & (high[:, probabilities] >= 0)
                        & (high[:, probabilities] <= 1))), "/sensitivity tornado: probabilities in [0, 1]")
    p, d = statistics_.index("p_additional_needed"), statistics_.index("mean_national_demand_eur")
    keys = list(zip(-np.abs(high[:, p] - low[:, p]), -np.abs(high[:, d] - low[:, d])))
    c.check(keys == sorted(keys), "/sensitivity tornado: bars by decreasing |high - low| of p_additional_needed, "
                                  "then of mean_national_demand_eur")
    base = replication_outputs(f, reps, national, codes)
    expected = {"p_additional_needed": base[:, column["additional_needed_any"]].mean(),
                "additional_needed_q90_eur": quantile_inverted_cdf(np.sort(national["additional_needed_cents"]),
                                                                   90) / 100.0,
                "expected_national_unmet_eur": base[:, column["national_unmet_eur"]].mean(),
                "mean_national_demand_eur": base[:, column["national_demand_eur"]].mean()}
    for code in codes:
        expected[f"p_exhausted/{code}"] = base[:, column[f"exhausted/{code}"]].mean()
        expected[f"median_exhaustion_day/{code}"] = quantile_inverted_cdf(
            np.sort(base[:, column[f"exhaustion_day/{code}"]]), 50)
    for j, name in enumerate(statistics_):
        if name.startswith(("additional_needed_q90", "median_exhaustion_day")):
            c.equal(baseline[j], expected[name], f"/sensitivity tornado baseline {name}: the inverted-CDF quantile "
                                                 "of the base rows")
        else:
            c.close(baseline[j], expected[name], f"/sensitivity tornado baseline {name}: over the base rows")

    # Not a failure: how many indices of all outputs have an N/2 estimate beyond their interval's half-width.
    beyond = 0
    for estimate, low_name, high_name in (("first_order", "first_low", "first_high"),
                                          ("total_effect", "total_low", "total_high")):
        half_width = (sobol[high_name] - sobol[low_name]) / 2
        with np.errstate(invalid="ignore"):
            beyond += int(np.sum(np.abs(sobol[estimate + "_half"] - sobol[estimate]) > half_width))
    c.section("sensitivity", f"{n} base rows x {len(factors)} factors x {len(outputs)} outputs recomputed, "
                             f"{len(parameters)} tornado bars; {beyond} indices' N/2 estimates beyond their "
                             f"interval's half-width")


def last_filing_month(f, toml):
    """Index in /summary/month of the last month dossiers are filed: the window's, or the month intake closes in
    ([demand.arrivals] intake_closes_days_before_end). A jump of uptake after it moves no demand."""
    start = datetime.date.fromisoformat(f.attrs["commitment_start"])
    closes = int((toml or {}).get("demand", {}).get("arrivals", {}).get("intake_closes_days_before_end", 0))
    last_day = start + datetime.timedelta(days=max(0, int(f.attrs["window_days"]) - 1 - closes))
    return (last_day.year - start.year) * 12 + last_day.month - start.month


def check_jumps(c, f, g, every):
    """Format 1.6: the jumps of uptake counted per replication, from the first month one may fall in to the
    window's last; where uptake does not drift besides, each is a month whose drift factor moved."""
    counts = g["jumps"][()]
    first, last = first_drift_month(f), last_filing_month(f, scenario_toml(f))
    months = f["summary/month"].asstr()[()]
    if c.check(first < len(months), f"first jump month {first} within /summary/month"):
        c.equal(str(g["jumps"].attrs["first_jump_month"]), str(months[first]),
                "/uncertainty/jumps first_jump_month: the month after the last with actuals, else the first")
    every((counts >= 0) & (counts <= max(0, last - first + 1)),
          f"jumps: between 0 and the {max(0, last - first + 1)} filing months from the first jump month")
    if float(g.attrs["monthly_drift"]) == 0:
        factors = g["drift"][()]
        previous = factors[:, first - 1] if first > 0 else np.ones(len(factors))
        moved = factors[:, first:last + 1] != np.column_stack([previous, factors[:, first:last]])
        c.equal(counts, moved.sum(axis=1).astype(counts.dtype),
                "jumps: without a normal drift, the months whose drift factor moved")


def check_draws(c, f, reps, national, uncertainty):
    """Format 1.2: the draws of each replication, against the scenario's TOML and their own invariants."""
    def every(condition, message):
        bad = np.argwhere(~np.asarray(condition))
        c.check(len(bad) == 0, message + ("" if len(bad) == 0 else f" (first failure at {tuple(bad[0])})"))

    start = datetime.date.fromisoformat(f.attrs["commitment_start"])
    first_month = first_simulated_month(f)
    uptake = f["replications/uptake"][()]
    every(np.isfinite(uptake) & (uptake > 0), "uptake > 0 and finite, per replication and region")
    variance = f["replications/national/dossier_variance_eur2"][()]
    demand_eur = national["demand_cents"].astype(float) / 100
    every(np.isfinite(variance) & (variance >= 0), "dossier variance >= 0 and finite")
    every(variance <= demand_eur ** 2 * (1 + 1e-12), "dossier variance <= (national demand in EUR)^2")
    detail = f"uptake {uptake.shape}, dossier variance mean {variance.mean():.4g} EUR^2"

    as_of = datetime.date.fromisoformat(f["actuals"].attrs["as_of"]) if "actuals" in f else start

    if "actuals/prior_predictive" in f:
        g = f["actuals/prior_predictive"]
        t = {name: g[name][()] for name in PRIOR_PREDICTIVE_DATASETS if name != "month"}
        months = g["month"].asstr()[()]
        rows = len(months)
        low, high, expected, observed = t["low"], t["high"], t["expected"], t["observed"]
        if c.check(rows >= 2, f"prior predictive: at least one month and the cumulative row ({rows} rows)"):
            every(low <= high, "prior predictive: low <= high")
            every((low <= expected) & (expected <= high), "prior predictive: low <= expected <= high")
            every(low >= 0, "prior predictive: counts >= 0")
            c.equal(t["outside"], ((observed < low) | (observed > high)).astype(np.int32),
                    "prior predictive: outside exactly when observed < low or > high")
            c.equal(t["cumulative"], np.r_[np.zeros(rows - 1, dtype=np.int32), 1],
                    "prior predictive: the last row, and only it, is cumulative")
            c.equal(observed[-1], observed[:-1].sum(), "prior predictive: the cumulative row adds up the months")
            c.equal(observed[-1], f["actuals/common/observed_dossiers"][()],
                    "prior predictive: the months add up to /actuals/common/observed_dossiers")
            cut_off = as_of - datetime.timedelta(days=1)
            last = (cut_off.year - start.year) * 12 + cut_off.month - start.month
            c.equal([months_between(start, m) for m in months], list(range(last + 1)) + [last],
                    "prior predictive: months from the commitment start's to the cut-off's, then the cumulative row")
            if file_version(f) >= (1, 13):  # how often the prior's own years stray as far, the year among them: never 0
                chance = g.attrs.get("chance_as_far_off")
                if c.check(chance is not None, "prior predictive: attribute chance_as_far_off (format 1.13)"):
                    c.check(0 < float(chance) <= 1, f"prior predictive: 0 < chance_as_far_off <= 1 ({chance})")
        detail += f"; prior predictive {rows - 1} months, {int(t['outside'].sum())} outside"
        particles = int(f["actuals"].attrs["particles"])
        effective = float(f["actuals"].attrs["effective_particles"])
        c.check(0 <= effective <= particles + 1e-9 and (particles > 0) == (effective > 0),
                f"/actuals effective_particles ({effective:.4g}) in (0, particles = {particles}], or both 0")

    if "actuals" in f:
        a = f["actuals"]
        shape, rate = a["uptake_posterior_shape"][()], a["uptake_posterior_rate"][()]
        mean, q05, q95 = (a[f"uptake_posterior_{k}"][()] for k in ("mean", "q05", "q95"))
        every(np.isfinite(shape) & (shape > 0) & np.isfinite(rate) & (rate > 0),
              "/actuals uptake posterior shape and rate > 0 and finite")
        every(np.abs(mean - shape / rate) <= 1e-12 * np.abs(mean),
              "/actuals uptake_posterior_mean = shape / rate (the Gamma's mean)")
        every((q05 <= mean) & (mean <= q95), "/actuals uptake posterior q05 <= mean <= q95")
        common = f["actuals/common"]
        c.check(common["posterior_q05"][()] <= common["posterior_mean"][()] <= common["posterior_q95"][()],
                "/actuals/common posterior q05 <= mean <= q95")
        if "replications/cost_factor" in f:
            factors = f["replications/cost_factor"]
            every(np.isfinite(factors[()]) & (factors[()] > 0), "cost factors > 0 and finite")
            weights = np.asarray(factors.attrs["weights"], dtype=float)
            c.check(len(weights) == factors.shape[1] and np.all(weights >= 0) and abs(weights.sum() - 1) <= 1e-12,
                    "cost factors' weights: one per pathway, >= 0, summing to 1")
            c.equal(list(factors.attrs["columns"]), ["reconversion", "certifying", "covid_specific", "anticipation"],
                    "cost factors' columns: the pathways, in the scenario's order")
        if "replications/national_past" in f:
            # Each replication shares each national month out anew: whatever its draws, the regions' parts are
            # whole counts and cents that add up to the month's national figures exactly (docs/hdf5-format.md).
            past = f["replications/national_past"]
            month_labels = list(past["month"].asstr()[()])
            c.check(all(re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", m) for m in month_labels),
                    "national past: months as YYYY-MM")
            c.check(month_labels == sorted(set(month_labels)), "national past: months distinct and in order")
            c.check(past["month_dossiers"][()].sum() <= a["observed_dossiers"][()].sum(),
                    "national past: its months' dossiers are among those /actuals/observed_dossiers counts")
            for name in ["dossiers", "trainees", "committed_cents"]:
                shares, totals = past[name][()], past[f"month_{name}"][()]
                every(shares >= 0, f"national past {name} >= 0")
                c.equal(shares.sum(axis=2), np.broadcast_to(totals, shares.shape[:2]),
                        f"national past {name}: every replication's regions add up to each month's figure")
            if "summary/national_past" in f:  # format 1.12: each region's part over the replications
                s = f["summary/national_past"]
                c.equal(int(s["committed_cents"][()]), int(past["month_committed_cents"][()].sum()),
                        "summary national past: the national months' commitments")
                c.equal(int(s["other_actuals_cents"][()]),
                        int(a["observed_committed_cents"][()].sum()) - int(past["month_committed_cents"][()].sum()),
                        "summary national past: the rest of the actuals' commitments")
                parts = np.zeros((past["committed_cents"].shape[0], past["committed_cents"].shape[2]), dtype=np.int64)
                for first in range(0, parts.shape[0], 4096):  # blocks: memory stays bounded
                    parts[first:first + 4096] = past["committed_cents"][first:first + 4096].sum(axis=1)
                level = float(f.attrs["confidence_level"])
                for r, code in enumerate(f["regions/code"].asstr()[()]):
                    check_estimate(c, s, "committed", "_eur", parts[:, r], level, 0.01, r, f"{code} national past ")
                    c.equal(s["committed_quantiles_cents"][r], amount_quantiles(parts[:, r]),
                            f"{code} national past quantiles")
        if "uncertainty/parameter_scales" in f and "actuals/parameters/name" in f:
            # A learnt parameter's distribution moves with it: its scale is the forecast over the scenario's
            # value (docs/hdf5-format.md, parameter_scales); 1 for every other parameter.
            learnt = {f"demand.{name}": (forecast / scenario if updated else 1.0)
                      for name, scenario, forecast, updated in zip(a["parameters/name"].asstr()[()],
                                                                   a["parameters/scenario"][()],
                                                                   a["parameters/forecast"][()],
                                                                   a["parameters/updated"][()])}
            paths = f["uncertainty/parameter_paths"].asstr()[()]
            scales = f["uncertainty/parameter_scales"][()]
            for path, scale in zip(paths, scales):
                c.close(scale, learnt.get(path, 1.0), f"{path}: parameter scale = the actuals' forecast / scenario "
                        "value (1 when not learnt)", tolerance=1e-12)

    if "uncertainty" not in f or uncertainty is None:
        c.section("draws", detail)
        return
    _, declared, profile, drift, events = uncertainty
    g = f["uncertainty"]
    toml_section = scenario_toml(f).get("uncertainty", {})
    c.close(g.attrs["profile_concentration"], float(toml_section.get("profile_concentration", 0)),
            "/uncertainty profile_concentration as declared")
    # profile_tilt came after the group: a file without it had none to declare.
    c.close(g.attrs.get("profile_tilt", 0.0), float(toml_section.get("profile_tilt", 0)),
            "/uncertainty profile_tilt as declared")
    c.close(g.attrs["monthly_drift"], float(toml_section.get("monthly_drift", 0)), "/uncertainty monthly_drift as declared")
    for key in ("jump_probability", "jump_sd"):  # format 1.4, like profile_tilt
        c.close(g.attrs.get(key, 0.0), float(toml_section.get(key, 0)), f"/uncertainty {key} as declared")
    c.equal([str(x) for x in g.attrs["event_names"]], [name for name, _ in events], "/uncertainty event_names as declared")
    c.equal([str(x) for x in g.attrs["event_kinds"]], [e.get("kind", "step") for _, e in events],
            "/uncertainty event_kinds as declared")
    c.equal([str(x) for x in g.attrs["event_from"]], [str(e.get("from")) for _, e in events],
            "/uncertainty event_from as declared")

    if declared:
        paths = [path for path, _ in declared]
        c.equal(list(g["parameter_paths"].asstr()[()]), paths, "parameter paths: the declared ones, in order")
        c.equal([str(x) for x in g["parameters"].attrs["columns"]], paths, "parameters' columns attribute = the paths")
        values = g["parameters"][()]
        lowest, highest = g["parameter_lowest"][()], g["parameter_highest"][()]
        for j, ((path, entry), text) in enumerate(zip(declared, g["parameter_distributions"].asstr()[()])):
            kind, arguments = parse_distribution(text)
            want_kind, want = declared_arguments(entry)
            c.check(kind == want_kind and set(arguments) == set(want), f"{path}: distribution '{text}' is a {want_kind}"
                    f" with {sorted(want)}")
            if kind != want_kind or set(arguments) != set(want):
                continue
            for key, value in want.items():
                c.close(arguments[key], value, f"{path}: {key} as declared")
            low, high = support(kind, want)
            for end, stored, bound in (("lowest", lowest[j], low), ("highest", highest[j], high)):
                if math.isinf(bound):
                    c.check(stored == bound, f"{path}: parameter_{end} {stored!r}, declared {bound!r}")
                else:
                    c.close(stored, bound, f"{path}: parameter_{end} as declared", tolerance=1e-12)
            column = values[:, j]
            every(np.isfinite(column), f"{path}: draws are finite")
            every((column >= low) & (column <= high), f"{path}: every draw in the support [{low:.6g}, {high:.6g}]")
            if kind in ("lognormal", "gamma"):
                every(column > 0, f"{path}: every draw > 0")
            if kind == "discrete":
                every(np.isin(column, want["values"]), f"{path}: every draw one of the declared values")
        correlation = np.eye(len(paths))
        for item in toml_section.get("correlations", []):
            a, b = (paths.index(name) for name in item["between"])
            correlation[a, b] = correlation[b, a] = float(item["rho"])
        c.equal(g["parameter_correlation"][()], correlation, "parameter correlation: the declared one")
        if "parameter_scales" in g:
            scales = g["parameter_scales"][()]
            every(np.isfinite(scales) & (scales > 0), "parameter scales > 0 and finite")
        detail += f"; {len(paths)} parameters"

    if profile:
        shares = g["profile"][()]
        every(shares >= 0, "profile shares >= 0")
        every(np.abs(shares.sum(axis=1) - 1) <= 1e-12, "every profile row sums to 1 within 1e-12")
        c.equal(list(g["profile_month"].asstr()[()]), [f"{start.year}-{m:02d}" for m in range(1, 13)],
                "profile months: January to December of the commitment start's year")
        detail += "; profile"
    if drift:
        factors = g["drift"][()]
        every(np.isfinite(factors) & (factors > 0), "drift > 0 and finite")
        drift_month = first_drift_month(f)
        every(factors[:, :drift_month] == 1, f"drift exactly 1 before the first month it reaches ({drift_month})")
        detail += f"; drift from month {drift_month}"
    if "jumps" in g:
        check_jumps(c, f, g, every)
        detail += f"; jumps in {np.count_nonzero(g['jumps'][()])} replications"
    if "particle" in g:
        picked = g["particle"][()]
        weights = g["particle_weight"][()]
        every(weights >= 0, "particle weights >= 0")
        c.close(weights.sum(), 1.0, "particle weights sum to 1", tolerance=1e-9)
        c.close((weights.sum() ** 2) / (weights ** 2).sum(), float(f["actuals"].attrs["effective_particles"]),
                "Kish's effective number of the weights = /actuals effective_particles", tolerance=1e-6)
        if c.check(bool(np.all((picked >= 0) & (picked < len(weights)))), "every particle index in [0, K)"):
            every(weights[picked] > 0, "every replication picked a particle of positive weight")
            for name, present in (("parameters", bool(declared)), ("profile", profile)):
                if not present:
                    continue
                rows = g[name][()]
                order = np.argsort(picked, kind="stable")
                same = picked[order][1:] == picked[order][:-1]
                equal_rows = np.all(rows[order][1:] == rows[order][:-1], axis=1)
                every(~same | equal_rows, f"replications that picked the same particle have the same {name}")
        if "particle_source" in g:  # format 1.9: the prior draw each particle descends from, the SEs' clusters
            sources = g["particle_source"][()]
            every((sources >= 0) & (sources < int(f["actuals"].attrs["particles"])),
                  "every particle's source in [0, the particles drawn)")
            cluster = sources[picked]
            for name, present in (("parameters", bool(declared)), ("profile", profile)):
                if present:
                    rows = g[name][()]
                    order = np.argsort(cluster, kind="stable")
                    same = cluster[order][1:] == cluster[order][:-1]
                    every(~same | np.all(rows[order][1:] == rows[order][:-1], axis=1),
                          f"replications whose particles share a source have the same {name}")
            detail += f", from {len(np.unique(cluster))} prior draws (the standard errors' clusters)"
        detail += f"; {len(np.unique(picked))} distinct particles of {len(weights)}"
    c.section("draws", detail)


def check_recommendation(c, f, reps):
    """`fnesim recommend --save`: "before" is this run; the envelopes add up to the total plus the complementary
    allocation asked for; the national figures, when recorded, are the regions' and the replications' own."""
    g = f["recommendation"]
    version = file_version(f)
    summary = f["summary/regions"]
    c.close(g["p_exhausted_before"][()], summary["p_exhausted_mean"][()], "recommendation: P(exhausted) before = the run's")
    c.close(g["expected_unmet_before_eur"][()], summary["unmet_mean_eur"][()],
            "recommendation: expected unmet before = the run's")
    detail = f"objective {g.attrs['objective']}"
    if "current_envelope_cents" in g and "recommended_envelope_cents" in g:
        current, recommended = g["current_envelope_cents"][()], g["recommended_envelope_cents"][()]
        envelope, complementary = int(f["summary/national/envelope_cents"][()]), int(g.attrs["complementary_allocation_cents"])
        convention = (scenario_toml(f) or {}).get("convention", {})
        if convention.get("fee_mode") == "national":
            # The fee comes off the total: the regions hold the total less its fee (half-cents away from zero).
            basis_points = round(float(convention.get("fee_rate", 0.05)) * 10000)
            def left(total):
                return total - (total * basis_points + 5000) // 10000
            c.equal(int(current.sum()), left(envelope),
                    "recommendation: the current envelopes add up to the national envelope less its fee")
            c.equal(int(recommended.sum()), left(envelope + complementary),
                    "recommendation: the recommended envelopes add up to the total plus the complementary "
                    "allocation, less its fee")
        else:
            c.equal(int(current.sum()), envelope, "recommendation: the current envelopes add up to the national envelope")
            c.equal(int(recommended.sum() - current.sum()), complementary,
                    "recommendation: the recommended envelopes add up to the total plus the complementary allocation")
    national = ["national_expected_unmet_before_eur", "national_expected_unmet_after_eur",
                "national_expected_unmet_change_eur", "national_expected_unmet_change_se_eur",
                "p_no_region_exhausted_before", "p_no_region_exhausted_after"]
    if all(name in g.attrs for name in national):
        a = {name: float(g.attrs[name]) for name in national}
        c.close(a["national_expected_unmet_before_eur"], g["expected_unmet_before_eur"][()].sum(),
                "recommendation: national expected unmet before = the regions' sum")
        c.close(a["national_expected_unmet_after_eur"], g["expected_unmet_after_eur"][()].sum(),
                "recommendation: national expected unmet after = the regions' sum")
        # The paired mean of the differences is the difference of the means, to rounding.
        scale = max(a["national_expected_unmet_before_eur"], a["national_expected_unmet_after_eur"], 1.0)
        c.check(abs(a["national_expected_unmet_change_eur"] - (a["national_expected_unmet_after_eur"]
                                                                - a["national_expected_unmet_before_eur"]))
                <= 1e-9 * scale, "recommendation: the national change = after − before")
        c.check(a_valid_recommendation_se(a["national_expected_unmet_change_se_eur"]),
                "recommendation: the change's standard error >= 0 (NaN only on one prior draw)")
        never = np.all(reps["exhaustion_day"] < 0, axis=1)
        c.close(a["p_no_region_exhausted_before"], never.mean(),
                "recommendation: P(no region exhausted) before = the share of replications with none exhausted")
        c.check(0 <= a["p_no_region_exhausted_after"] <= 1, "recommendation: P(no region exhausted) after in [0, 1]")
        if version >= (1, 8):  # the same on the other years, which chose nothing
            c.equal(int(g.attrs["held_out_replications"]), int(f.attrs["replications"]),
                    "recommendation: as many other years as the run's")
            c.check(a_valid_recommendation_se(float(g.attrs["held_out_expected_unmet_change_se_eur"])),
                    "recommendation: the other years' standard error >= 0 (NaN only on one prior draw)")
            c.check(math.isfinite(float(g.attrs["held_out_expected_unmet_change_eur"])),
                    "recommendation: the other years' change is a number")
            for name in ("held_out_p_no_region_exhausted_before", "held_out_p_no_region_exhausted_after"):
                c.check(0 <= float(g.attrs[name]) <= 1, f"recommendation: {name} in [0, 1]")
        if "level_raises" in g.attrs:  # a target's raises (written from 2026-12-06 on, target-probability only)
            raises = int(g.attrs["level_raises"])
            first = int(g.attrs["first_complementary_allocation_cents"])
            c.check(0 <= raises <= 8, "recommendation: the level raised 0 to 8 times")
            c.check(0 <= float(g.attrs["first_p_no_region_exhausted_after"]) <= 1,
                    "recommendation: the first envelopes' P(no region exhausted) in [0, 1]")
            c.check(first <= int(g.attrs["complementary_allocation_cents"]) if raises > 0 else
                    first == int(g.attrs["complementary_allocation_cents"]),
                    "recommendation: the first complement is the final one, or below it once raised")
        detail += (f"; expected unmet {a['national_expected_unmet_before_eur'] / 1e6:.2f} → "
                   f"{a['national_expected_unmet_after_eur'] / 1e6:.2f} M EUR")
    c.section("recommend", detail)


def without_run_table(content):
    """The resolved TOML without its [run] table (and [run.*] tables): one header a line, one key a line."""
    parts = content.split("\n")
    lines = [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    kept, in_run, at_root = [], False, True
    for line in lines:
        if line.startswith("["):
            header = line.rstrip("\n")
            in_run = header == "[run]" or header.startswith("[run.")
            at_root = False
            if in_run and kept and kept[-1] == "\n":  # with the blank line that separates it
                kept.pop()
        if not in_run and not (at_root and line.startswith("run = ")):  # [run] inline, in the root table
            kept.append(line)
    return "".join(kept)


def check_scenario_hash(c, f):
    """scenario_sha256 hashes the resolved TOML after its provenance line (the files it was read from) and
    without its [run] table (how it was run), so that one scenario has one hash wherever its files were and
    however it was run; files written before hashed the [run] table too, and the oldest the whole text."""
    text = f["scenario/resolved_toml"].asstr()[()]
    content = text.partition("\n")[2] if text.startswith("# Resolved scenario (extends applied) from:") else text
    digests = {hashlib.sha256(without_run_table(content).encode()).hexdigest(),
               hashlib.sha256(content.encode()).hexdigest(), hashlib.sha256(text.encode()).hexdigest()}
    c.check(f.attrs["scenario_sha256"] in digests, "scenario_sha256 is the SHA-256 of /scenario/resolved_toml's content")


def run_checks(c, f):
    global REPLICATION_CLUSTERS
    trajectories, structural, uncertainty = check_layout(c, f)
    if not structural:
        print("missing or mistyped datasets or group attributes stop the checks here")
        return
    REPLICATION_CLUSTERS = replication_clusters(f)
    if file_version(f) >= (1, 9):
        stated = f["summary"].attrs.get("standard_error_clusters")
        met = None if REPLICATION_CLUSTERS is None else len(np.unique(REPLICATION_CLUSTERS))
        c.check((None if stated is None else int(stated)) == met,
                f"/summary standard_error_clusters {stated} is the prior draws the replications share ({met})")
        effective = f["summary"].attrs.get("standard_error_effective_clusters")
        if REPLICATION_CLUSTERS is None:
            c.check(effective is None, "/summary standard_error_effective_clusters only with clusters")
        else:
            counts = np.unique(REPLICATION_CLUSTERS, return_counts=True)[1].astype(float)
            c.close(effective, counts.sum() ** 2 / (counts ** 2).sum(),
                    "/summary standard_error_effective_clusters is Kish's number of the clusters", tolerance=1e-9)
    check_scenario_hash(c, f)
    reps, national = read_replications(f)
    check_invariants(c, f, reps, national, trajectories)
    check_summary(c, f, reps, national)
    if file_version(f) >= (1, 3):
        check_settlement(c, f, reps, national)
    if "financing" in f:
        check_financing(c, f, national, trajectories)
    if file_version(f) >= (1, 2):
        check_draws(c, f, reps, national, uncertainty)
        check_spread(c, f, national)
    if "sensitivity" in f and file_version(f) >= (1, 5):
        check_sensitivity(c, f, national, reps)
    if "recommendation" in f:
        check_recommendation(c, f, reps)


SUMMARY_JSON_DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "docs", "summary-json.md")
JSON_TOLERANCE = 1e-12


def documented_json_keys():
    """The key paths docs/summary-json.md lists: each `code` in the first cell of its tables' rows."""
    keys = set()
    with open(SUMMARY_JSON_DOC, encoding="utf-8") as doc:
        for line in doc:
            if line.startswith("| `"):
                keys.update(re.findall(r"`([^`]+)`", line.split("|")[1]))
    return keys


# The summary JSON's arrays whose items are objects: empty, they have no item keys to look for.
ARRAYS_OF_OBJECTS = {"national.spread.assumptions[]"}


def json_leaves(value, path=""):
    """(path, value) of every leaf: a scalar, or an array of scalars; objects in arrays by `name[]`; an
    array of objects with none in it (nothing to list: one replication has no spread) as `name[]`."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        for item in value:
            yield from json_leaves(item, path + "[]")
    elif isinstance(value, list) and path + "[]" in ARRAYS_OF_OBJECTS:
        yield path + "[]", value
    else:
        yield path, value


def key_pattern(documented):
    """A documented key as a regular expression: qNN stands for any two-digit percent."""
    return re.compile(re.escape(documented).replace("qNN", r"q\d\d") + "$")


class JsonFigures:
    """Compares the JSON's figures with the run file's, key by key, and remembers which keys it read."""

    def __init__(self, c, summary):
        self.c = c
        self.summary = summary
        self.read = set()

    def value(self, obj, key, where):
        self.read.add(where + key)
        return obj.get(key, "missing") if isinstance(obj, dict) else "missing"

    def number(self, obj, key, where, expected):
        got = self.value(obj, key, where)
        expected = float(expected)
        if got is None or got == "missing" or isinstance(got, (str, bool)):
            return self.c.check(got is None and math.isnan(expected),
                                f"JSON {where}{key} is {got!r} where the run file has {expected!r}")
        return self.c.close(got, expected, f"JSON {where}{key} against the run file", tolerance=JSON_TOLERANCE, sides=("in the JSON", "in the run file"))

    def cents(self, obj, key, where, cents):
        """An exact amount: written in euros with its cents, equal to the run file's cents."""
        got = self.value(obj, key, where)
        ok = isinstance(got, (int, float)) and not isinstance(got, bool) and round(got * 100) == int(cents)
        return self.c.check(ok, f"JSON {where}{key} is {got!r}, the run file {int(cents) / 100:.2f} EUR")

    def exact(self, obj, key, where, expected):
        """A count, a day (null for −1), a label."""
        got = self.value(obj, key, where)
        if isinstance(expected, (np.integer, int)):
            expected = None if expected < 0 and ("day" in key or "month" in key) else int(expected)
        return self.c.check(got == expected and type(got) is type(expected),
                            f"JSON {where}{key} is {got!r}, the run file {expected!r}")

    def quantiles(self, obj, stem, where, percentiles, values, kind, suffix=""):
        """`stem_qNN{suffix}` for each percentile, and no other percent."""
        names = [f"{stem}_q{p:02d}{suffix}" if stem else f"q{p:02d}{suffix}" for p in percentiles]
        pattern = re.compile(re.escape(f"{stem}_" if stem else "") + r"q\d\d" + re.escape(suffix) + "$")
        present = sorted(k for k in obj if pattern.match(k))
        self.c.check(present == sorted(names), f"JSON {where}{names[0]}…: percents {present}, the run file's {names}")
        for name, value in zip(names, values):
            if kind == "cents":
                self.cents(obj, name, where, value)
            elif kind == "count":
                self.exact(obj, name, where, int(value))
            else:
                self.exact(obj, name, where, value)

    def estimates(self, obj, where, group, index=None):
        """Every `…_mean[_eur]` and `…_se[_eur]` key of obj: the run file's `group/<key>` (at index)."""
        for key in obj:
            if re.search(r"_(mean|se)(_eur)?$", key):
                if f"{group}/{key}" not in self.summary:
                    self.read.add(where + key)
                    self.c.check(False, f"JSON {where}{key} has no /summary/{group}/{key} in the run file")
                    continue
                dataset = self.summary[f"{group}/{key}"][()]
                self.number(obj, key, where, dataset if index is None else dataset[index])


def read_summary_json(path):
    """The summary JSON as an object; None, said in one line naming the file, when it cannot be one."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as e:
        print(f"check_results: {path}: cannot open: {e.strerror or e}", file=sys.stderr)
        return None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        print(f"check_results: {path}: not JSON: {e}", file=sys.stderr)
        return None
    if not isinstance(data, dict):
        print(f"check_results: {path}: not an fnesim summary JSON (not an object)", file=sys.stderr)
        return None
    return data


def check_summary_json(c, f, data):
    # The keys, against the page that documents them.
    documented = documented_json_keys()
    patterns = {key: key_pattern(key) for key in documented}
    leaves = dict(json_leaves(data))
    undocumented = sorted(k for k in leaves if not any(p.match(k) for p in patterns.values()))
    c.check(not undocumented, f"JSON keys docs/summary-json.md does not list: {undocumented[:5]}")
    summary = f["summary"]
    optional = {"forecast_from": "actuals" in f, "steering": "steering" in summary,
                "financing": "financing" in summary,
                "national.spread.additional_by_jumps": "replications_with_jumps" in summary["spread"],
                "national.spread.tails": "tail_quantity" in summary["spread"],
                "national_past": "national_past" in summary}
    for part, expected in optional.items():
        c.check((part in leaves or any(k.startswith(part + ".") for k in leaves)) == expected,
                f"JSON has {part}: {not expected}, the run file: {expected}")
    containers = {k for k in documented for other in documented if other.startswith(k + ".")}
    empty_arrays = {k for k, v in leaves.items() if k in ARRAYS_OF_OBJECTS and v == []}
    for key in sorted(documented - containers):
        owner = next((part for part in optional if key == part or key.startswith(part + ".")), None)
        if any(key.startswith(array + ".") for array in empty_arrays):
            continue
        if owner is None or optional[owner]:
            c.check(any(patterns[key].match(k) for k in leaves), f"JSON lacks {key} (docs/summary-json.md)")

    # The figures, against the run file.
    j = JsonFigures(c, summary)
    day_p = [int(p) for p in summary["day_percentiles"][()]]
    amount_p = [int(p) for p in summary["amount_percentiles"][()]]
    attrs = f.attrs
    j.exact(data, "scenario", "", str(attrs["scenario_name"]))
    j.exact(data, "replications", "", int(attrs["replications"]))
    j.exact(data, "seed", "", int(attrs["seed"]))
    j.number(data, "confidence_level", "", attrs["confidence_level"])
    j.exact(data, "commitment_start", "", str(attrs["commitment_start"]))
    j.exact(data, "window_days", "", int(attrs["window_days"]))
    clusters = summary.attrs.get("standard_error_clusters")
    j.exact(data, "standard_error_clusters", "", None if clusters is None else int(clusters))
    j.read.add("months")
    c.check(data.get("months") == list(summary["month"].asstr()[()]), "JSON months are /summary/month")
    if "actuals" in f and isinstance(data.get("forecast_from"), dict):
        actuals = f["actuals"].attrs
        for key, attribute in (("actuals", "file"), ("actuals_sha256", "sha256"), ("as_of", "as_of")):
            j.exact(data["forecast_from"], key, "forecast_from.", str(actuals[attribute]))

    regions = f["regions"]
    codes = list(regions["code"].asstr()[()])
    names = list(regions["name"].asstr()[()])
    rows = data.get("regions") if isinstance(data.get("regions"), list) else []
    c.check(len(rows) == len(codes), f"JSON has {len(rows)} regions, the run file {len(codes)}")
    g = "regions"
    for r, row in enumerate(rows[:len(codes)]):
        w = "regions[]."
        j.exact(row, "code", w, codes[r])
        j.exact(row, "name", w, names[r])
        j.cents(row, "envelope_eur", w, regions["envelope_cents"][r])
        j.cents(row, "available_eur", w, regions["available_cents"][r])
        j.number(row, "p_exhausted", w, summary[f"{g}/p_exhausted_mean"][r])
        j.estimates(row, w, g, r)
        j.quantiles(row, "exhaustion_day", w, day_p, summary[f"{g}/exhaustion_day_quantiles"][r], "day")
        j.quantiles(row, "unmet", w, amount_p, summary[f"{g}/unmet_quantiles_cents"][r], "cents", "_eur")
        j.read.add(w + "p_exhausted_by_month_end")
        c.close(row.get("p_exhausted_by_month_end", []), summary[f"{g}/p_exhausted_by_month_end"][r],
                f"JSON regions[{r}].p_exhausted_by_month_end against the run file", tolerance=JSON_TOLERANCE,
                sides=("in the JSON", "in the run file"))
        p_exhausted, median = row.get("p_exhausted"), row.get("exhaustion_day_q50", "missing")
        if isinstance(p_exhausted, (int, float)):
            c.check((median is None) == (p_exhausted < 0.5),
                    f"JSON regions[{r}]: exhaustion_day_q50 {median!r} with p_exhausted {p_exhausted}")

    national = data.get("national", {})
    w, g = "national.", "national"
    for key in ("envelope", "available", "fees"):
        j.cents(national, f"{key}_eur", w, summary[f"{g}/{key}_cents"][()])
    j.number(national, "p_additional_needed", w, summary[f"{g}/p_additional_needed_mean"][()])
    j.estimates(national, w, g)
    j.quantiles(national, "additional_needed", w, amount_p, summary[f"{g}/additional_needed_quantiles_cents"][()],
                "cents", "_eur")
    j.quantiles(national, "additional_needed_day", w, day_p, summary[f"{g}/additional_needed_day_quantiles"][()],
                "day")
    j.quantiles(national, "demand", w, amount_p, summary[f"{g}/demand_quantiles_cents"][()], "cents", "_eur")

    spread, g = national.get("spread", {}), "spread"
    w = "national.spread."
    j.number(spread, "demand_sd_eur", w, summary[f"{g}/demand_sd_eur"][()])
    j.number(spread, "dossiers_share", w, summary[f"{g}/dossiers_share"][()])
    j.number(spread, "assumptions_share", w, 1 - summary[f"{g}/dossiers_share"][()])
    sources = spread.get("assumptions", [])
    names = list(summary[f"{g}/assumption"].asstr()[()])
    j.read.add(w + "assumptions[]")
    c.check(len(sources) == len(names), f"JSON has {len(sources)} assumptions in its spread, the run file {len(names)}")
    for a, source in enumerate(sources[:len(names)]):
        j.exact(source, "name", w + "assumptions[].", names[a])
        j.number(source, "r_squared", w + "assumptions[].", summary[f"{g}/r_squared"][a])
    if optional["national.spread.additional_by_jumps"] and isinstance(spread.get("additional_by_jumps"), dict):
        split, ws = spread["additional_by_jumps"], w + "additional_by_jumps."
        first = summary[g].attrs.get("first_jump_month")
        j.exact(split, "first_month", ws, None if first is None else str(first))
        for key in ("replications_without_jumps", "replications_with_jumps"):
            j.exact(split, key, ws, int(summary[f"{g}/{key}"][()]))
        for key in ("p_additional_needed_without_jumps", "p_additional_needed_with_jumps"):
            for name in (key, key + "_se"):
                j.number(split, name, ws, summary[f"{g}/{name}"][()])
    if optional["national.spread.tails"] and isinstance(spread.get("tails"), dict):
        tails, wt = spread["tails"], w + "tails."
        j.number(tails, "pareto_k_limit", wt, summary[g].attrs["pareto_k_limit"])
        for q, quantity in enumerate(summary[f"{g}/tail_quantity"].asstr()[()]):
            tail = tails.get(quantity, {})
            j.number(tail, "pareto_k", f"{wt}{quantity}.", summary[f"{g}/tail_pareto_k"][q])
            j.number(tail, "top_percent_share", f"{wt}{quantity}.", summary[f"{g}/tail_top_percent_share"][q])

    if optional["steering"] and isinstance(data.get("steering"), dict):
        steering, g, w = data["steering"], "steering", "steering."
        j.number(steering, "p_complementary_received", w, summary[f"{g}/p_complementary_received_mean"][()])
        j.estimates(steering, w, g)
        for r, row in enumerate(steering.get("regions", [])[:len(codes)]):
            j.exact(row, "code", w + "regions[].", codes[r])
            j.estimates(row, w + "regions[].", g, r)

    if optional["national_past"] and isinstance(data.get("national_past"), dict):
        past, g, w = data["national_past"], "national_past", "national_past."
        j.cents(past, "committed_eur", w, summary[f"{g}/committed_cents"][()])
        j.cents(past, "other_actuals_eur", w, summary[f"{g}/other_actuals_cents"][()])
        rows = past.get("regions") if isinstance(past.get("regions"), list) else []
        c.check(len(rows) == len(codes), f"JSON has {len(rows)} regions in national_past, the run file {len(codes)}")
        for r, row in enumerate(rows[:len(codes)]):
            j.exact(row, "code", w + "regions[].", codes[r])
            j.estimates(row, w + "regions[].", g, r)
            j.quantiles(row, "committed", w + "regions[].", amount_p, summary[f"{g}/committed_quantiles_cents"][r],
                        "cents", "_eur")

    settlement = data.get("settlement", {})
    g, w = "settlement", "settlement."
    for key in ("training_end", "training_past_deadline", "review_date"):
        j.exact(settlement, key, w, summary[f"{g}/{key}"].asstr()[()])
    quantities = list(summary[f"{g}/quantity"].asstr()[()])

    def settlement_part(obj, where, prefix, index):
        def row(dataset):
            values = summary[f"{g}/{prefix}_{dataset}"][()]
            return values if index is None else values[index]
        for q, quantity in enumerate(quantities):
            trainees = quantity == "review_trainees"
            unit = "" if trainees else "_eur"
            j.number(obj, f"{quantity}_mean{unit}", where, row("mean")[q])
            j.number(obj, f"{quantity}_se{unit}", where, row("se")[q])
            j.quantiles(obj, quantity, where, amount_p, row("quantiles")[q], "count" if trainees else "cents", unit)
        j.quantiles(obj, "last_payment_day", where, day_p, row("last_payment_day_quantiles"), "day")

    settlement_part(settlement.get("national", {}), w + "national.", "national", None)
    for r, region in enumerate(settlement.get("regions", [])[:len(codes)]):
        j.exact(region, "code", w + "regions[].", codes[r])
        settlement_part(region, w + "regions[].", "regions", r)

    if optional["financing"] and isinstance(data.get("financing"), dict):
        cash, terms, g, w = data["financing"], f["financing"], "financing", "financing."
        j.cents(cash, "basis_eur", w, terms["basis_cents"][()])
        j.number(cash, "advance_share", w, terms["advance_share"][()])
        j.exact(cash, "advance_date", w, terms["advance_date"].asstr()[()])
        j.exact(cash, "settlement_lag_days", w, int(terms["settlement_lag_days"][()]))
        tranches = cash.get("tranches", [])
        names = list(terms["tranche_name"].asstr()[()])
        c.check(len(tranches) == len(names), f"JSON has {len(tranches)} tranches, the run file {len(names)}")
        for t, tranche in enumerate(tranches[:len(names)]):
            wt = w + "tranches[]."
            j.exact(tranche, "name", wt, names[t])
            j.number(tranche, "share", wt, terms["tranche_share"][t])
            j.number(tranche, "commitment_level", wt, terms["tranche_commitment_level"][t])
            date = terms["tranche_date"].asstr()[t]
            j.exact(tranche, "date", wt, date or None)
            j.exact(tranche, "lag_days", wt, int(terms["tranche_lag_days"][t]))
        months = list(terms["month"].asstr()[()])
        j.read.add(w + "months")
        c.check(cash.get("months") == months, "JSON financing.months are /financing/month")
        for s_index, series in enumerate(summary[f"{g}/series"].asstr()[()]):
            fan, wf = cash.get(series, {}), f"{w}{series}."
            j.read.add(wf + "mean_eur")
            c.close(fan.get("mean_eur", []), summary[f"{g}/mean_eur"][s_index],
                    f"JSON {wf}mean_eur against the run file", tolerance=JSON_TOLERANCE,
                    sides=("in the JSON", "in the run file"))
            quantiles = summary[f"{g}/quantiles_cents"][s_index]
            for k, percent in enumerate(day_p):
                name = f"q{percent:02d}_eur"
                j.read.add(wf + name)
                got = fan.get(name)
                c.check(isinstance(got, list) and [round(v * 100) for v in got] == [int(v) for v in quantiles[:, k]],
                        f"JSON {wf}{name} is not /summary/financing/quantiles_cents to the cent")
        j.number(cash, "p_pre_financing", w, summary[f"{g}/p_pre_financing_mean"][()])
        j.estimates(cash, w, g)
        j.quantiles(cash, "minimum_position", w, amount_p, summary[f"{g}/minimum_position_quantiles_cents"][()],
                    "cents", "_eur")
        j.quantiles(cash, "minimum_position_month", w, day_p,
                    [months[m] if m >= 0 else None for m in summary[f"{g}/minimum_position_month_quantiles"][()]],
                    "label")

    unread = sorted(k for k in leaves if k not in j.read)
    c.check(not unread, f"JSON keys no check read (check_results.py is behind docs/summary-json.md): {unread[:5]}")


def main(argv):
    if len(argv) == 2 and argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    summary_json = summary_data = None
    if len(argv) == 4 and argv[2] == "--summary-json":
        summary_json = argv[3]
        summary_data = read_summary_json(summary_json)
        if summary_data is None:
            return 2
    elif len(argv) != 2:
        print("\n".join(__doc__.strip().splitlines()[-2:]), file=sys.stderr)
        return 2
    path = argv[1]
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        print(f"check_results: {path}: cannot open: {e}", file=sys.stderr)
        return 2
    with f:
        filetype = f.attrs.get("filetype")
        if isinstance(filetype, bytes):  # a fixed-length string, as another tool may rewrite it
            filetype = filetype.decode("utf-8", "replace")
        if filetype != "fnesim-results":
            print(f"check_results: {path}: not an fnesim results file (filetype {filetype!r})", file=sys.stderr)
            return 2
        c = Checker()
        try:
            version = tuple(int(v) for v in np.atleast_1d(f.attrs.get("format_version", (0, 0))))
            if len(version) != 2 or version[0] != FORMAT_MAJOR:
                print(f"check_results: {path}: format {'.'.join(map(str, version))}, this script checks "
                      f"{FORMAT_MAJOR}.x", file=sys.stderr)
                return 2
            print(f"check_results: {path} (format {version[0]}.{version[1]}, scenario {f.attrs['scenario_name']}, "
                  f"seed {f.attrs['seed']})")
            run_checks(c, f)
            if summary_json is not None:
                print(f"check_results: {summary_json}: the summary JSON against it and docs/summary-json.md")
                check_summary_json(c, f, summary_data)
        except KeyError as missing:  # an attribute or dataset a check reads: not a complete run file
            print(f"check_results: {path}: {missing.args[0] if missing.args else missing} is missing: "
                  "not a complete fnesim run file", file=sys.stderr)
            return 2
        # Damaged bytes: a compressed chunk that does not inflate (OSError), metadata
        # failing its checksum (RuntimeError), text that is not UTF-8. A refusal, as
        # fnesim's own readers refuse them, not a traceback.
        except (OSError, RuntimeError, UnicodeDecodeError) as e:
            print(f"check_results: {path}: cannot read it whole: {e}", file=sys.stderr)
            return 2
        # A value of another kind or shape than fnesim writes where a check
        # reads it (a scalar for a list, text for a number or a date, in the file
        # or the summary JSON): it was edited or damaged; said in one line, as
        # fnesim's readers say it.
        # The line of this script that met it is said too: were it the script's own
        # slip rather than the file's, it would not be lost.
        except (TypeError, ValueError, IndexError, AttributeError) as e:
            own = [frame for frame in traceback.extract_tb(e.__traceback__)
                   if os.path.abspath(frame.filename) == os.path.abspath(__file__)]
            print(f"check_results: {path}: not as fnesim writes it ({type(e).__name__} at "
                  f"check_results.py:{own[-1].lineno if own else '?'}: {e})", file=sys.stderr)
            return 2
    for message in c.failures[:50]:
        print(f"  FAILED: {message}")
    if len(c.failures) > 50:
        print(f"  … and {len(c.failures) - 50} more")
    print(f"check_results: {c.checks} checks, {len(c.failures)} failed")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
