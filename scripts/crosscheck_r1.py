#!/usr/bin/python3
"""Cross-check the C++ simulator's R1 summary against the independent implementation.

    crosscheck_r1.py --fnesim-summary FNESIM.json --replications N --seed S [--jobs J]
    crosscheck_r1.py --fnesim-summary FNESIM.json --reference-raw REF.npz

FNESIM.json is written by `fnesim run reference-r1 ... --summary-json FILE`. The
reference sample is either simulated now (scripts/r1_reference.py, imported) or
loaded from `r1_reference.py --raw`. Both samples must be independent (a different
seed, or simply a different generator).

Every comparison is a two-sided test; the family-wise false-alarm rate --alpha
(default 1e-3) is split over all statistical comparisons (Bonferroni), giving one
critical value z = Phi^-1(1 - alpha / (2 m)).

  means        |a - b| <= z * sqrt(se_a^2 + se_b^2). The reference SE is the sample
               SD / sqrt(n_ref); the simulator's comes from its JSON, and where it
               has none (dossiers, trainees) the reference SE scaled by
               sqrt(n_ref / n_fnesim) stands in for it.
  P(exhausted) two-proportion z test with the pooled proportion.
  quantiles    the simulator's value q is checked against the reference's empirical
               CDF: F_ref(q-) - tol <= p <= F_ref(q) + tol with
               tol = z * sqrt(p (1 - p) (1/n_fnesim + 1/n_ref)). A null quantile
               (not exhausted) is q = +infinity: F_ref(q-) = P_ref(exhausted),
               F_ref(q) = 1, so a null-vs-non-null disagreement passes only if p is
               within tol of the exhaustion probability.
  envelopes    envelope_eur and available_eur are deterministic: equal to the cent.

Exit status: 0 all comparisons pass, 1 some fail, 2 bad input.
"""

import argparse
import json
import math
import os
import sys
import unicodedata

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r1_reference as ref  # noqa: E402

WINDOW_DAYS = ref.WINDOW_DAYS
QUANTILES = [("exhaustion_day_q05", 0.05), ("exhaustion_day_q50", 0.50), ("exhaustion_day_q95", 0.95)]
REGION_KEYS = ["name", "envelope_eur", "available_eur", "p_exhausted",
               "exhaustion_day_q05", "exhaustion_day_q50", "exhaustion_day_q95",
               "committed_mean_eur", "committed_se_eur", "unmet_mean_eur", "unmet_se_eur",
               "dossiers_committed_mean", "trainees_committed_mean"]
NATIONAL_KEYS = ["committed_mean_eur", "unmet_mean_eur", "unmet_se_eur"]
# (label, JSON mean key, JSON SE key, raw array, scale to the JSON unit)
MEANS = [("committed EUR", "committed_mean_eur", "committed_se_eur", "committed_cents", 0.01),
         ("unmet EUR", "unmet_mean_eur", "unmet_se_eur", "unmet_cents", 0.01),
         ("dossiers committed", "dossiers_committed_mean", "dossiers_committed_se", "dossiers_committed", 1.0),
         ("trainees committed", "trainees_committed_mean", "trainees_committed_se", "trainees_committed", 1.0)]
RAW_ARRAYS = ["exhaustion_day", "committed_cents", "unmet_cents", "dossiers_committed", "trainees_committed"]


class BadInput(Exception):
    pass


# ---------------------------------------------------------------- inverse normal CDF
def norm_cdf_upper(x):
    return 0.5 * math.erfc(x / math.sqrt(2.0))


def norm_ppf(p):
    """Inverse standard normal CDF: Acklam's rational approximation (rel. error 1.15e-9)
    followed by one Halley step on erfc, which brings it to full double precision."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must be in (0, 1)")
    a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
         1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
    b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
         6.680131188771972e+01, -1.328068155288572e+01]
    c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
         -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
    d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
    lo = 0.02425
    if p < lo:
        q = math.sqrt(-2 * math.log(p))
        x = (((((c[0]*q + c[1])*q + c[2])*q + c[3])*q + c[4])*q + c[5]) / \
            ((((d[0]*q + d[1])*q + d[2])*q + d[3])*q + 1)
    elif p <= 1 - lo:
        q = p - 0.5
        r = q * q
        x = (((((a[0]*r + a[1])*r + a[2])*r + a[3])*r + a[4])*r + a[5])*q / \
            (((((b[0]*r + b[1])*r + b[2])*r + b[3])*r + b[4])*r + 1)
    else:
        q = math.sqrt(-2 * math.log(1 - p))
        x = -(((((c[0]*q + c[1])*q + c[2])*q + c[3])*q + c[4])*q + c[5]) / \
            ((((d[0]*q + d[1])*q + d[2])*q + d[3])*q + 1)
    # Halley refinement; Phi(x) - p is formed from erfc on the side that keeps precision.
    e = norm_cdf_upper(-x) - p if p < 0.5 else (1.0 - p) - norm_cdf_upper(x)   # Phi(x) - p
    u = e * math.sqrt(2 * math.pi) * math.exp(x * x / 2)
    return x - u / (1 + x * u / 2)


# ---------------------------------------------------------------- input
def nfc(s):
    return unicodedata.normalize("NFC", s)


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def load_fnesim(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadInput(f"{path}: not readable JSON: {e}")
    if not isinstance(doc, dict):
        raise BadInput(f"{path}: top level is not an object")
    n = doc.get("replications")
    if not isinstance(n, int) or isinstance(n, bool) or n < 2:
        raise BadInput(f"{path}: 'replications' must be an integer >= 2, got {n!r}")
    regions = doc.get("regions")
    if not isinstance(regions, list):
        raise BadInput(f"{path}: 'regions' must be a list")
    problems = []
    for i, r in enumerate(regions):
        if not isinstance(r, dict):
            problems.append(f"regions[{i}] is not an object")
            continue
        where = f"regions[{i}] ({r.get('name', '?')})"
        for k in REGION_KEYS:
            if k not in r:
                problems.append(f"{where}: missing '{k}'")
            elif k == "name":
                if not isinstance(r[k], str):
                    problems.append(f"{where}: 'name' is not a string")
            elif k.startswith("exhaustion_day_q"):
                if r[k] is not None and not is_number(r[k]):
                    problems.append(f"{where}: '{k}' must be a number or null, got {r[k]!r}")
            elif not is_number(r[k]):
                problems.append(f"{where}: '{k}' must be a finite number, got {r[k]!r}")
    national = doc.get("national")
    if not isinstance(national, dict):
        problems.append("'national' missing or not an object")
    else:
        for k in NATIONAL_KEYS:
            if not is_number(national.get(k)):
                problems.append(f"national: '{k}' missing or not a finite number")
    if problems:
        raise BadInput(f"{path}: " + "; ".join(problems))
    names = [nfc(r["name"]) for r in regions]
    expected = [nfc(x) for x in ref.REGION_NAMES]
    if sorted(names) != sorted(expected):
        missing = [x for x in expected if x not in names]
        unexpected = [x for x in names if x not in expected]
        dup = sorted({x for x in names if names.count(x) > 1})
        msg = [f"missing {missing}" if missing else "", f"unexpected {unexpected}" if unexpected else "",
               f"duplicated {dup}" if dup else ""]
        raise BadInput(f"{path}: region names differ from the specification's: "
                       + "; ".join(x for x in msg if x))
    return doc


def load_raw(path):
    try:
        with np.load(path, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files}
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file")
    except Exception as e:  # numpy raises several types for a corrupt archive
        raise BadInput(f"{path}: not a readable .npz: {e}")
    for k in RAW_ARRAYS + ["region_names", "replications"]:
        if k not in data:
            raise BadInput(f"{path}: missing array '{k}'")
    n = int(data["replications"])
    names = [nfc(str(x)) for x in data["region_names"]]
    expected = [nfc(x) for x in ref.REGION_NAMES]
    if names != expected:
        diff = [f"#{i}: {a!r} vs {b!r}" for i, (a, b) in enumerate(zip(names, expected)) if a != b]
        raise BadInput(f"{path}: region names differ from the specification's "
                       f"({len(names)} vs {len(expected)} regions) {'; '.join(diff)}")
    for k in RAW_ARRAYS:
        if data[k].shape != (n, len(expected)):
            raise BadInput(f"{path}: array '{k}' has shape {data[k].shape}, "
                           f"expected ({n}, {len(expected)}) from replications = {n}")
    if float(data.get("debug_envelope_scale", 1.0)) != 1.0 or \
            float(data.get("debug_trainee_mean", ref.TRAINEE_POISSON_MEAN)) != ref.TRAINEE_POISSON_MEAN:
        print(f"WARNING: {path} was produced with a debug model change: it is not R1", file=sys.stderr)
    return {k: data[k] for k in RAW_ARRAYS}, n, int(data.get("seed", -1))


# ---------------------------------------------------------------- comparisons
class Table:
    def __init__(self):
        self.rows = []

    def add(self, scope, quantity, a, b, diff, tol, ok, note=""):
        self.rows.append((scope, quantity, a, b, diff, tol, ok, note))

    def print(self, out):
        def fmt(v):
            if v is None:
                return "null"
            if isinstance(v, str):
                return v
            if isinstance(v, (int, np.integer)):
                return str(int(v))
            return f"{v:.6g}" if abs(v) < 1e6 else f"{v:.1f}"
        header = ("scope", "quantity", "fnesim", "reference", "difference", "tolerance", "result")
        cells = [header] + [(s, q, fmt(a), fmt(b), fmt(d), fmt(t), ("OK" if ok else "FAIL") + (f"  {n}" if n else ""))
                            for s, q, a, b, d, t, ok, n in self.rows]
        w = [max(len(c[i]) for c in cells) for i in range(6)]
        for c in cells:
            print("  ".join(c[i].ljust(w[i]) if i < 2 else c[i].rjust(w[i]) for i in range(6)) + "  " + c[6],
                  file=out)


def empirical_cdf(days, q):
    """(F(q-), F(q)) of the reference exhaustion days; -1 means never (later than every day)."""
    d = np.where(days < 0, np.inf, days.astype(np.float64))
    if q is None:
        q = math.inf
        return float(np.mean(d < q)), 1.0
    return float(np.mean(d < q)), float(np.mean(d <= q))


def compare_means(table, scope, fsec, raw_cols, n_f, n_r, z, notes):
    for label, mkey, skey, arr, unit in MEANS:
        if mkey not in fsec:
            continue
        x = raw_cols[arr].astype(np.float64) * unit
        b = float(np.mean(x))
        se_b = float(np.std(x, ddof=1) / math.sqrt(n_r))
        a = float(fsec[mkey])
        se_a = fsec.get(skey)
        note = ""
        if not is_number(se_a) or se_a < 0:
            se_a = se_b * math.sqrt(n_r / n_f)
            note = "fnesim SE from reference"
            notes.add(f"{label}: the simulator reports no SE; the reference SE scaled by "
                      f"sqrt(n_ref/n_fnesim) stands in for it")
        tol = z * math.sqrt(se_a ** 2 + se_b ** 2)
        table.add(scope, label + " mean", a, b, a - b, tol, abs(a - b) <= tol, note)


def compare_exact(table, scope, fsec, key, value):
    if key in fsec:
        a = float(fsec[key])
        table.add(scope, key, a, value, a - value, 0.005, abs(a - value) <= 0.005, "deterministic")


def run_checks(fdoc, raw, n_r, alpha, out):
    table, notes = Table(), set()
    n_f = int(fdoc["replications"])
    fregions = {nfc(r["name"]): r for r in fdoc["regions"]}
    if list(fregions) != [nfc(x) for x in ref.REGION_NAMES]:
        notes.add("the simulator lists the regions in another order than the specification's "
                  "table (matched by name)")
    fnat = fdoc["national"]
    n_national_means = sum(1 for _, k, _, _, _ in MEANS if k in fnat)
    m = len(ref.REGION_NAMES) * (len(MEANS) + 1 + len(QUANTILES)) + n_national_means
    z = norm_ppf(1.0 - alpha / (2.0 * m))

    for r, name in enumerate(ref.REGION_NAMES):
        fr = fregions[nfc(name)]
        cols = {k: raw[k][:, r] for k in RAW_ARRAYS}
        compare_exact(table, name, fr, "envelope_eur", float(ref.ENVELOPE_EUR[r]))
        compare_exact(table, name, fr, "available_eur", float(ref.AVAILABLE_CENTS[r]) / 100.0)
        compare_means(table, name, fr, cols, n_f, n_r, z, notes)

        days = cols["exhaustion_day"]
        pa, pb = float(fr["p_exhausted"]), float(np.mean(days >= 0))
        pooled = (pa * n_f + pb * n_r) / (n_f + n_r)
        tol = z * math.sqrt(pooled * (1 - pooled) * (1 / n_f + 1 / n_r))
        table.add(name, "P(exhausted)", pa, pb, pa - pb, tol, abs(pa - pb) <= tol)

        for key, p in QUANTILES:
            q = fr[key]
            qb = ref.exhaustion_quantile(days, round(p * 100))
            tol = z * math.sqrt(p * (1 - p) * (1 / n_f + 1 / n_r))
            lo, hi = empirical_cdf(days, q)
            ok = lo - tol <= p <= hi + tol
            note = f"F_ref(q-)={lo:.4f} F_ref(q)={hi:.4f} vs p={p}"
            if (q is None) != (qb is None):
                note += " (null vs non-null)"
            diff = q - qb if q is not None and qb is not None else "-"
            table.add(name, key, q, qb, diff, f"p±{tol:.4f}", ok, note)

    cols = {k: raw[k].sum(axis=1) for k in RAW_ARRAYS if k != "exhaustion_day"}
    compare_exact(table, "national", fnat, "envelope_eur", float(ref.ENVELOPE_EUR.sum()))
    compare_exact(table, "national", fnat, "available_eur", float(ref.AVAILABLE_CENTS.sum()) / 100.0)
    compare_means(table, "national", fnat, cols, n_f, n_r, z, notes)
    skipped = [k for k in fnat if "exhaust" in k]
    if skipped:
        notes.add(f"national {skipped} not compared: the specification does not define national exhaustion")

    print(f"R1 cross-check: fnesim n = {n_f} (seed {fdoc.get('seed')}), reference n = {n_r}", file=out)
    print(f"family-wise false-alarm rate {alpha:g}, Bonferroni over {m} statistical comparisons "
          f"(two-sided): z = {z:.4f}; envelope checks are exact (to the cent)", file=out)
    table.print(out)
    for n in sorted(notes):
        print(f"note: {n}", file=out)
    failed = sum(1 for row in table.rows if not row[6])
    passed = len(table.rows) - failed
    print(f"crosscheck: {passed} passed, {failed} failed", file=out)
    return 0 if failed == 0 else 1


def main(argv=None):
    p = argparse.ArgumentParser(description="Cross-check fnesim's R1 summary against an "
                                            "independent implementation (see the module docstring).")
    p.add_argument("--fnesim-summary", required=True, metavar="FNESIM.json")
    p.add_argument("--reference-raw", metavar="REF.npz", help="reference sample from r1_reference.py --raw")
    p.add_argument("--replications", type=int, help="reference replications (run now, or check the raw file)")
    p.add_argument("--seed", type=int, help="reference seed when running it now")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    p.add_argument("--alpha", type=float, default=1e-3, help="family-wise false-alarm rate (default 1e-3)")
    a = p.parse_args(argv)
    try:
        if not 0 < a.alpha < 1:
            raise BadInput("--alpha must be in (0, 1)")
        fdoc = load_fnesim(a.fnesim_summary)
        if a.reference_raw:
            raw, n_r, seed_r = load_raw(a.reference_raw)
            if a.replications is not None and a.replications != n_r:
                raise BadInput(f"{a.reference_raw} holds {n_r} replications, --replications says {a.replications}")
        else:
            if a.replications is None or a.seed is None:
                raise BadInput("give --reference-raw, or --replications and --seed to run the reference")
            if a.replications < 2 or a.seed < 0:
                raise BadInput("--replications must be >= 2 and --seed >= 0")
            n_r, seed_r = a.replications, a.seed
            raw = ref.simulate(n_r, seed_r, max(1, a.jobs))
    except BadInput as e:
        print(f"crosscheck_r1: error: {e}", file=sys.stderr)
        return 2
    if seed_r == fdoc.get("seed"):
        print("note: same seed on both sides; the generators differ, so the samples are still "
              "treated as independent", file=sys.stdout)
    return run_checks(fdoc, raw, n_r, a.alpha, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
