#!/usr/bin/python3
"""Tests of scripts/report.py: number formats, refusals, and the pages it writes.

Run by tests/scripts/run_report_test.sh, which provides, in the environment:
FNESIM_BINARY, SOURCE_DIR, RUN_FILE (a run with trajectories), FULL_RUN_FILE
(the same with the optional /recommendation and /steering groups), FLAT_RUN_FILE
(a run made with --no-trajectories), CASH_RUN_FILE (a run with [financing]),
SENSITIVITY_RUN_FILE and UNCONVERGED_RUN_FILE (copies of RUN_FILE given a
synthetic /sensitivity group by tests/scripts/add_sensitivity_group.py, the
second with --unconverged), FORECAST_RUN_FILE (a forecast from actuals, with
uncertain assumptions), REVIEW_RUN_FILE (a run with --review-date 2022-06-30),
UNMET_RECOMMENDATION_FILE and TARGET_RECOMMENDATION_FILE (copies of RUN_FILE
given a recommendation by `fnesim recommend --save`, for the expected unmet
demand and for P(no region exhausted) ≥ 0.9) and OUT_DIR (where the pages are
kept).
"""
import datetime
import html
import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
import types
import unittest

import h5py
import numpy as np

SOURCE_DIR = os.environ["SOURCE_DIR"]
SCRIPT = os.path.join(SOURCE_DIR, "scripts", "report.py")
OUT_DIR = os.environ["OUT_DIR"]
PYTHON = "/usr/bin/python3"

spec = importlib.util.spec_from_file_location("report", SCRIPT)
report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(report)

NNBSP, NBSP, MINUS = "\u202f", "\u00a0", "\u2212"
CHARTS = ["fan_national.png", "fan_regions.png", "p_exhausted.png", "additional_needed.png"]


def run_report(*arguments):
    return subprocess.run([PYTHON, SCRIPT, *arguments], capture_output=True, text=True)


class Formats(unittest.TestCase):
    def test_french_money_has_a_decimal_comma_grouped_thousands_and_a_no_break_space(self):
        self.assertEqual(report.format_meur(27_500_000, "fr"), f"27,5{NBSP}M€")
        self.assertEqual(report.format_meur(130_720_000, "fr"), f"130,7{NBSP}M€")
        self.assertEqual(report.format_meur(8_104_000, "fr"), f"8,10{NBSP}M€")
        self.assertEqual(report.format_meur(1_234_567_000_000, "fr"), f"1{NNBSP}234{NNBSP}567,0{NBSP}M€")
        self.assertEqual(report.format_meur(-2_300_000, "fr", signed=True), f"{MINUS}2,30{NBSP}M€")
        self.assertEqual(report.format_meur(620_000, "fr", signed=True), f"+0,62{NBSP}M€")
        self.assertEqual(report.format_meur(0, "fr"), f"0{NBSP}M€")

    def test_english_money(self):
        self.assertEqual(report.format_meur(27_500_000, "en"), "€27.5M")
        self.assertEqual(report.format_meur(1_234_567_000_000, "en"), "€1,234,567.0M")
        self.assertEqual(report.format_meur(-2_300_000, "en"), f"{MINUS}€2.30M")

    def test_percentages_are_whole_except_near_certainty(self):
        self.assertEqual(report.format_percent(0.42, "fr"), f"42{NNBSP}%")
        self.assertEqual(report.format_percent(0.42, "en"), "42%")
        self.assertEqual(report.format_percent(0.004, "fr"), f"0,4{NNBSP}%")
        self.assertEqual(report.format_percent(0.9975, "en"), "99.8%")
        self.assertEqual(report.format_percent(1.0, "en"), "100%")
        self.assertEqual(report.format_points(0.023, "fr"), f"±{NBSP}2,3{NBSP}pts")
        self.assertEqual(report.format_points(0.008, "fr"), f"±{NBSP}0,8{NBSP}pt")

    def test_dates_use_abbreviated_months_and_the_french_first(self):
        self.assertEqual(report.format_date(datetime.date(2021, 9, 15), "fr"), f"15{NBSP}sept.{NBSP}2021")
        self.assertEqual(report.format_date(datetime.date(2021, 10, 1), "fr"), f"1er{NBSP}oct.{NBSP}2021")
        self.assertEqual(report.format_date(datetime.date(2021, 2, 3), "fr"), f"3{NBSP}févr.{NBSP}2021")
        self.assertEqual(report.format_date(datetime.date(2021, 9, 15), "en"), f"15{NBSP}Sep{NBSP}2021")
        self.assertEqual(len(report.MONTHS["fr"]), 12)

    def test_axis_ticks_take_the_decimals_their_spacing_needs(self):
        formatter = report.money_axis_formatter("fr")
        formatter.set_locs([0, 2.5e6, 5e6, 7.5e6])
        self.assertEqual([formatter(v) for v in (0, 2.5e6, 5e6)],
                         [f"0{NBSP}M€", f"2,5{NBSP}M€", f"5,0{NBSP}M€"])
        formatter.set_locs([0, 25e6, 50e6])
        self.assertEqual(formatter(25e6), f"25{NBSP}M€")

    def test_quantiles_are_the_inverted_cdf(self):
        # The smallest value with at least p % at or below it: of 1..10, the 50 % is 5, the 95 % is 10.
        self.assertEqual(report.inverted_cdf_index(10, 50), 4)
        self.assertEqual(report.inverted_cdf_index(10, 95), 9)
        self.assertEqual(report.inverted_cdf_index(10, 10), 0)
        self.assertEqual(report.inverted_cdf_index(3, 50), 1)


class Assumptions(unittest.TestCase):
    """The scenario's inputs as the page states them, defaults included."""

    @staticmethod
    def section(resolved_toml, national_envelope, lang):
        run = types.SimpleNamespace(resolved_toml=resolved_toml, path="fake.h5",
                                    national_envelope=national_envelope, national_fees=0.0,
                                    start=datetime.date(2021, 1, 1), last_commitment_day=datetime.date(2021, 12, 31),
                                    attrs={}, actuals=None)
        return html.unescape(report.assumptions_section(run, lang))

    def test_without_expected_dossiers_the_page_states_art6s_plan(self):
        # As models/demand.hpp plans it: 25 000 pathways per 150 M EUR, over the trainees per dossier,
        # each at a gross cost of 6 000 EUR.
        text = self.section('name = "x"\n', 150_000_000, "en")
        self.assertIn("10,000: art. 6's plan, 25,000 pathways (default)", text)
        self.assertIn("€6,000 (lognormal) (default)", text)
        text = self.section("[demand.trainees]\nmean = 2\n", 75_000_000, "fr")
        self.assertIn(f"6{NNBSP}250{NBSP}: le plan de l'art. 6, 12{NNBSP}500 parcours (par défaut)", text)

    def test_stated_expected_dossiers_are_not_a_default(self):
        text = self.section("[demand.arrivals]\nexpected_dossiers = { demand_to_envelope = 1.05, "
                            "mean_fne_share_eur = 13_305 }\n", 150_000_000, "en")
        self.assertIn("1.05 × the available amount, at €13,305 per dossier</td>", text)

    def test_trainees_per_dossier_give_their_mean_then_their_law(self):
        # "1 + Poisson, 2.50" read as Poisson(2.5): the mean is said as such.
        text = self.section("[demand.trainees]\nmean = 2.5\n", 150_000_000, "en")
        self.assertIn("mean 2.50 (1 + Poisson)</td>", text)
        text = self.section("[demand.trainees]\nmean = 2.5\n", 150_000_000, "fr")
        self.assertIn("moyenne 2,50 (1 + Poisson)</td>", text)


class Interruptions(unittest.TestCase):
    """A signal is an interruption even when a library wraps it: Python 3.11 turns an exception raised inside
    __set_name__ (matplotlib's classes, while it is imported) into a RuntimeError."""

    def test_an_interruption_wrapped_by_set_name_is_still_found(self):
        class Raises:
            def __set_name__(self, owner, name):
                raise report.Interrupted(15)

        try:
            class Owner:  # noqa: F841 - defining it is the point
                attribute = Raises()
        except BaseException as error:  # wrapped or not, depending on the Python
            caught = error
        self.assertEqual(report.interruption_behind(caught).signum, 15)
        self.assertIsNone(report.interruption_behind(RuntimeError("not a signal")))


class Refusals(unittest.TestCase):
    """Bad input: one line naming the file, exit status 2, no traceback, nothing written."""

    def setUp(self):
        self.directory = tempfile.TemporaryDirectory(prefix="report-test.")
        self.path = lambda name: os.path.join(self.directory.name, name)

    def tearDown(self):
        self.directory.cleanup()

    def assert_refused(self, run_file, message):
        result = run_report(run_file, "-o", self.path("out.html"))
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn(message, result.stderr)
        self.assertIn(run_file, result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertFalse(os.path.exists(self.path("out.html")))
        self.assertFalse(os.path.exists(self.path("out_png")))

    def test_a_missing_file(self):
        self.assert_refused(self.path("missing.h5"), "no such file")

    def test_a_file_that_is_not_hdf5(self):
        with open(self.path("text.h5"), "w") as out:
            out.write("not HDF5")
        self.assert_refused(self.path("text.h5"), "not an HDF5 file")

    def test_an_hdf5_file_of_another_kind(self):
        with h5py.File(self.path("other.h5"), "w") as f:
            f.attrs["filetype"] = "something-else"
        self.assert_refused(self.path("other.h5"), "not an fnesim results file")

    def test_an_unknown_major_version(self):
        with h5py.File(self.path("future.h5"), "w") as f:
            f.attrs["filetype"] = "fnesim-results"
            f.attrs["format_version"] = np.array([2, 0], dtype=np.int32)
        self.assert_refused(self.path("future.h5"), "format version 2.0")

    def test_a_missing_output_directory_fails_before_anything_is_written(self):
        result = run_report(os.environ["FLAT_RUN_FILE"], "-o", self.path("no/such/dir/out.html"))
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("no directory", result.stderr)
        self.assertEqual(os.listdir(self.directory.name), [])
        # The charts' directory is made if missing, not its parents (a mistyped path).
        result = run_report(os.environ["FLAT_RUN_FILE"], "-o", self.path("out.html"), "--png-dir",
                            self.path("no/such/charts"))
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("cannot write the charts in", result.stderr)
        self.assertEqual(os.listdir(self.directory.name), [])
        # A file where the charts' directory was meant is said to be one.
        with open(self.path("charts.json"), "w") as f:
            f.write("{}")
        result = run_report(os.environ["FLAT_RUN_FILE"], "-o", self.path("out.html"), "--png-dir",
                            self.path("charts.json"))
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("charts.json: it is a file, and the charts need a directory", result.stderr)
        self.assertEqual(os.listdir(self.directory.name), ["charts.json"])

    def test_an_incomplete_sensitivity_group(self):
        damaged = self.path("damaged.h5")
        shutil.copyfile(os.environ["SENSITIVITY_RUN_FILE"], damaged)
        with h5py.File(damaged, "r+") as f:
            del f["sensitivity/sobol/total_high"]
        self.assert_refused(damaged, "/sensitivity/sobol/total_high is missing")

    def test_a_national_past_of_the_wrong_shape(self):
        # A 1.11 file: the range is computed from the replications' shares.
        damaged = self.path("past.h5")
        shutil.copyfile(os.environ["FORECAST_RUN_FILE"], damaged)
        with h5py.File(damaged, "r+") as f:
            del f["summary/national_past"]
            past = "replications/national_past/committed_cents"
            flat = f[past][()].sum(axis=2)  # replication × month: the regions lost
            del f[past]
            f[past] = flat
        self.assert_refused(damaged, "/replications/national_past/committed_cents has shape")

    def test_a_summary_of_the_national_past_of_the_wrong_shape(self):
        damaged = self.path("past-summary.h5")
        shutil.copyfile(os.environ["FORECAST_RUN_FILE"], damaged)
        with h5py.File(damaged, "r+") as f:
            quantiles = "summary/national_past/committed_quantiles_cents"
            kept = f[quantiles][:, :2]  # the 5 % and 10 % quantiles only
            del f[quantiles]
            f[quantiles] = kept
        self.assert_refused(damaged, "/summary/national_past has means of shape (12,) and quantiles of shape (12, 2)")

    def test_an_existing_output_without_force(self):
        with open(self.path("out.html"), "w") as out:
            out.write("keep me")
        result = run_report(os.environ["FLAT_RUN_FILE"], "-o", self.path("out.html"))
        self.assertEqual(result.returncode, 2)
        self.assertIn("exists already (use --force to overwrite)", result.stderr)
        with open(self.path("out.html")) as kept:
            self.assertEqual(kept.read(), "keep me")

    def test_every_existing_output_is_named_at_once(self):
        for name in ("all.html", "all_png/fan_national.png"):
            os.makedirs(os.path.dirname(self.path(name)), exist_ok=True)
            with open(self.path(name), "w") as out:
                out.write("keep me")
        result = run_report(os.environ["FLAT_RUN_FILE"], "-o", self.path("all.html"))
        self.assertEqual(result.returncode, 2)
        self.assertIn(f"{self.path('all.html')}, {self.path('all_png/fan_national.png')}: exist already "
                      "(use --force to overwrite)", result.stderr)

    def test_the_charts_directory_and_the_page_cannot_be_one_path(self):
        result = run_report(os.environ["FLAT_RUN_FILE"], "-o", self.path("q.html"), "--png-dir", self.path("q.html"))
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("--png-dir and --output name the same path", result.stderr)
        self.assertEqual(os.listdir(self.directory.name), [])

    def test_a_failed_write_leaves_no_charts_directory_it_made(self):
        # A file size limit stands in for a full disk: the first chart's temporary cannot be written.
        import resource
        limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # noqa: E731
        result = subprocess.run([PYTHON, SCRIPT, os.environ["FLAT_RUN_FILE"], "-o", self.path("out.html")],
                                capture_output=True, text=True, preexec_fn=limit)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("cannot write", result.stderr)
        self.assertEqual(os.listdir(self.directory.name), [])

    def test_a_name_that_is_not_utf8_is_written_and_shown_escaped(self):
        directory = os.fsencode(self.directory.name)
        page = os.path.join(directory, b"lat\xe9.html")
        result = subprocess.run([PYTHON, SCRIPT, os.environ["FLAT_RUN_FILE"], "-o", page], capture_output=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(b"lat\\xe9.html", result.stdout)
        self.assertTrue(os.path.isfile(page))
        with open(page, "rb") as f:
            text = f.read().decode("utf-8")  # the page stays UTF-8
        self.assertIn("-o " + self.directory.name + "/lat\\xe9.html", text)


def read(path):
    with open(path, encoding="utf-8") as page:
        return page.read()


def own_page(run_file, name, lang="fr"):
    """A page rendered for the test that reads it: the classes run in any order, so none reads another's."""
    page = os.path.join(OUT_DIR, name)
    done = run_report(run_file, "--lang", lang, "-o", page, "--force")
    assert done.returncode == 0, done.stderr
    return visible_text(read(page))


def visible_text(page):
    return html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)))


class Pages(unittest.TestCase):
    """The pages the ctest renders in Chromium, written here into OUT_DIR."""

    @classmethod
    def setUpClass(cls):
        binary = os.environ["FNESIM_BINARY"]
        cls.fr = os.path.join(OUT_DIR, "report-fr.html")
        cls.en = os.path.join(OUT_DIR, "report-en.html")
        cls.flat = os.path.join(OUT_DIR, "report-flat.html")
        # Through the binary, French by default, with the optional groups of format 1.1.
        done = subprocess.run([binary, "report", os.environ["FULL_RUN_FILE"], "-o", cls.fr, "--force"],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        for arguments in ([os.environ["RUN_FILE"], "--lang", "en", "-o", cls.en, "--force"],
                          [os.environ["FLAT_RUN_FILE"], "-o", cls.flat, "--force"]):
            done = run_report(*arguments)
            assert done.returncode == 0, done.stderr

    def test_every_chart_is_embedded_and_written_for_slides(self):
        for page, stem in ((self.fr, "report-fr"), (self.en, "report-en")):
            text = read(page)
            images = re.findall(r'<img src="([^"]*)"', text)
            self.assertEqual(len(images), 4, page)
            self.assertTrue(all(src.startswith("data:image/png;base64,") for src in images))
            for chart in CHARTS:
                with open(os.path.join(OUT_DIR, f"{stem}_png", chart), "rb") as png:
                    self.assertEqual(png.read(8), b"\x89PNG\r\n\x1a\n")

    def test_nothing_is_fetched_from_elsewhere(self):
        for page in (self.fr, self.en, self.flat):
            text = read(page)
            for address in re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]*)""", text):
                self.assertTrue(address.startswith(("data:", "#")), f"{page}: {address[:80]}")
            self.assertNotIn("@import", text)
            self.assertIsNone(re.search(r"url\(", text))
            self.assertIn("@page", text)
            self.assertIn("size: A4", text)

    def test_french_page_speaks_french_formats(self):
        text = visible_text(read(self.fr))
        self.assertIn('<html lang="fr">', read(self.fr))
        self.assertRegex(text, rf"\d+,\d+{NBSP}M€")
        self.assertRegex(text, rf"\d+{NNBSP}%")
        self.assertRegex(text, rf"\d{{1,2}}(er)?{NBSP}(janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|"
                               rf"nov\.|déc\.){NBSP}2021")
        self.assertIn("L'essentiel", text)
        self.assertNotRegex(text, r"€\d")  # no English money
        # The optional groups of format 1.1 each get their section.
        self.assertIn("Recommandation de répartition", text)
        self.assertIn("Pilotage en cours d'exercice", text)
        self.assertIn("Complément d'État", text)

    def test_english_page_speaks_english_formats(self):
        text = visible_text(read(self.en))
        self.assertRegex(text, r"€\d+\.\d+M")
        self.assertRegex(text, rf"\d{{1,2}}{NBSP}(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec){NBSP}2021")
        self.assertNotRegex(text, rf"\d,\d+{NBSP}M€")
        # A format 1.0 file: no recommendation, no steering, and no empty section for them.
        self.assertNotIn("Recommended split", text)
        self.assertNotIn("In-year steering", text)

    def test_headline_figures_are_the_files_own(self):
        with h5py.File(os.environ["RUN_FILE"], "r") as f:
            committed = f["summary/national/committed_mean_eur"][()]
            q90 = f["summary/national/additional_needed_quantiles_cents"][6] / 100
            seed = int(f.attrs["seed"])
        text = visible_text(read(self.en))
        self.assertIn(report.format_meur(committed, "en"), text)
        self.assertIn(report.format_meur(q90, "en"), text)
        self.assertIn(str(seed), text)

    def test_the_cash_section_only_with_financing(self):
        # Without [financing] (the default scenario): no cash section, no cash chart.
        for page, stem in ((self.fr, "report-fr"), (self.en, "report-en")):
            self.assertNotIn("cash.png", read(page))
            self.assertFalse(os.path.exists(os.path.join(OUT_DIR, f"{stem}_png", "cash.png")))
        # With it, in both languages: the schedule, P(pre-financing) as the file holds it, the chart.
        with h5py.File(os.environ["CASH_RUN_FILE"], "r") as f:
            p = float(f["summary/financing/p_pre_financing_mean"][()])
        for lang, title in (("fr", "Trésorerie du fonds"), ("en", "Cash of the fund")):
            page = os.path.join(OUT_DIR, f"report-cash-{lang}.html")
            done = run_report(os.environ["CASH_RUN_FILE"], "--lang", lang, "-o", page, "--force")
            self.assertEqual(done.returncode, 0, done.stderr)
            text = visible_text(read(page))
            self.assertIn(title, text)
            self.assertIn(report.format_percent(p, lang), text)
            self.assertEqual(len(re.findall(r"<img ", read(page))), 5)
            with open(os.path.join(OUT_DIR, f"report-cash-{lang}_png", "cash.png"), "rb") as png:
                self.assertEqual(png.read(8), b"\x89PNG\r\n\x1a\n")

    def test_a_run_without_trajectories_says_why_there_is_no_fan(self):
        text = read(self.flat)
        self.assertIn("--no-trajectories", text)
        self.assertEqual(len(re.findall(r"<img ", text)), 2)  # exhaustion by month, additional allocation
        self.assertFalse(os.path.exists(os.path.join(OUT_DIR, "report-flat_png", "fan_national.png")))


class Headline(unittest.TestCase):
    """What the summary box says, and how the French page sets its punctuation."""

    def test_the_commitments_come_with_their_90_percent_range(self):
        with h5py.File(os.environ["RUN_FILE"], "r") as f:
            committed = np.sort(f["replications/national/committed_cents"][()] / 100)
        page = os.path.join(OUT_DIR, "report-headline-en.html")
        done = run_report(os.environ["RUN_FILE"], "--lang", "en", "-o", page, "--force")
        self.assertEqual(done.returncode, 0, done.stderr)
        text = visible_text(read(page))
        low = committed[report.inverted_cdf_index(len(committed), 5)]
        high = committed[report.inverted_cdf_index(len(committed), 95)]
        self.assertLess(low, high)
        self.assertIn(f"9 years out of 10 between {report.format_meur(low, 'en')} and "
                      f"{report.format_meur(high, 'en')}", text)

    def test_regions_are_named_only_when_they_differ_beyond_the_noise(self):
        # Replications × regions, exhausted or not, the regions correlated through a common year as in a run.
        rng = np.random.default_rng(5)
        common = rng.random(2000)[:, None]
        alike = (0.6 * common + 0.4 * rng.random((2000, 12))) > 0.7
        self.assertTrue(report.regions_alike(alike))
        # One region exhausted in a few more years (about 4 points more): told apart.
        apart = alike.copy()
        extra = ~apart[:, 0] & (rng.random(2000) < 0.06)
        apart[:, 0] |= extra
        self.assertFalse(report.regions_alike(apart))
        self.assertTrue(report.regions_alike(np.zeros((100, 12), dtype=bool)))  # nothing to tell apart

    def test_a_forecasts_regions_are_told_apart_on_its_prior_draws_not_its_years(self):
        # 2 000 years on 150 prior draws, every region drawn alike but through its draw's own effect: Cochran's Q,
        # which counts the years as independent, sees differences; the test on the draws does not. Over 40 such
        # forecasts at the 5 % level, binomial(40, 0.05) exceeds 6 false alarms with probability 0.8 %.
        rng = np.random.default_rng(8)
        false_q = false_clustered = 0
        for _ in range(40):
            draw = rng.integers(0, 150, size=2000)
            effect = rng.normal(0, 0.7, size=(150, 12))
            logit = rng.normal(-1, 1, size=150)[draw, None] + effect[draw]
            x = rng.random((2000, 12)) < 1 / (1 + np.exp(-logit))
            false_q += not report.regions_alike(x)
            false_clustered += not report.regions_alike(x, draw)
        self.assertGreater(false_q, 20)
        self.assertLessEqual(false_clustered, 6)
        # One region exhausted in many more years (its logit up by 1 in every draw): told apart all the same.
        logit = rng.normal(-1, 1, size=150)[draw, None] + effect[draw] + np.r_[1.0, np.zeros(11)]
        apart = rng.random((2000, 12)) < 1 / (1 + np.exp(-logit))
        self.assertFalse(report.regions_alike(apart, draw))
        # Too few draws for the Wald test (10, against the 23 it needs for 12 regions): each pair on its own draws,
        # which still tells a region exhausted in many more years apart, and not noise.
        self.assertFalse(report.regions_alike(apart, draw % 10))
        self.assertTrue(report.regions_alike(x, draw % 10))
        # A difference without noise (one region exhausted in every year, one in none) is a difference.
        always = x.copy()
        always[:, 0], always[:, 1] = True, False
        self.assertFalse(report.regions_alike(always, draw))
        # Two draws: one region exhausted in both and another in neither happens by chance (an eighth of the
        # time a pair at even odds), so it is no difference; one draw cannot tell at all.
        two = draw % 2
        self.assertIsNot(report.regions_alike(always, two), False)
        self.assertIsNone(report.regions_alike(x, np.zeros(2000, dtype=int)))

    def test_students_t_tail_without_scipy(self):
        # Two-sided tail probabilities of Student's t (R's 2 * pt(-t, df)).
        for t, df, p in ((2.0, 5, 0.1019394788), (3.5, 10, 0.0057265054), (10.0, 2, 0.0098524570),
                         (0.3, 3, 0.7837632920)):
            self.assertAlmostEqual(report.t_two_sided_p(t, df), p, delta=1e-9)

    def test_a_demand_without_spread_is_not_split_into_its_sources(self):
        # Demand the same in every simulated year (no dossier expected): 0/0 is no split.
        percentiles = [5, 10, 25, 50, 75, 80, 90, 95]  # as /summary/amount_percentiles lists them
        run = types.SimpleNamespace(summary={"national/demand_quantiles_cents": np.zeros(len(percentiles))},
                                    amount_percentiles=percentiles,
                                    spread=(["uptake"], np.array([0.0]), 0.0, 0.0))
        for lang in ("fr", "en"):
            sentence = report.demand_spread_sentence(run, lang)
            self.assertNotIn("100", sentence, sentence)
            self.assertNotIn("%", sentence, sentence)
        # With a spread, its sources are said.
        run.spread = (["uptake"], np.array([0.4]), 0.25, 1e6)
        run.summary["national/demand_quantiles_cents"] = np.linspace(1e9, 2e9, len(percentiles))
        self.assertIn("75", report.demand_spread_sentence(run, "en"))

    def test_no_plain_space_before_french_punctuation(self):
        for variable in ("FULL_RUN_FILE", "CASH_RUN_FILE", "FORECAST_RUN_FILE", "TARGET_RECOMMENDATION_FILE"):
            page = os.path.join(OUT_DIR, f"report-spacing-{variable.lower()}.html")
            done = run_report(os.environ[variable], "-o", page, "--force")
            self.assertEqual(done.returncode, 0, done.stderr)
            text = html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<(style|script)\b.*?</\1>", "", read(page),
                                                                  flags=re.S)))
            for found in re.finditer(r" [:;%»]|« ", text):
                self.fail(f"{variable}: a plain space in {text[found.start() - 40:found.end() + 10]!r}")

    def test_a_review_date_of_the_planners_choice_is_not_called_art_7s(self):
        for lang, chosen, article in (("fr", "date choisie", "Revue financière au"),
                                      ("en", "the date chosen", "Financial review on")):
            page = os.path.join(OUT_DIR, f"report-review-{lang}.html")
            done = run_report(os.environ["REVIEW_RUN_FILE"], "--lang", lang, "-o", page, "--force")
            self.assertEqual(done.returncode, 0, done.stderr)
            text = visible_text(read(page))
            self.assertIn(chosen, text)
            self.assertIn(report.format_date(datetime.date(2022, 6, 30), lang), text)
            self.assertNotIn(article, text)
            # The default review date (28 February 2022) is art. 7's.
            self.assertIn(article, own_page(os.environ["RUN_FILE"], f"report-review-default-{lang}.html", lang))


class Steering(unittest.TestCase):
    """In-year steering: the committee's moves between regions apart from the reserve and the State's allocation."""

    def test_moves_between_regions_are_told_apart_from_the_reserve_and_the_state(self):
        with h5py.File(os.environ["FULL_RUN_FILE"], "r") as f:
            g = f["steering"]
            source, destination = g["from_region"][()], g["to_region"][()]
            amount = g["amount_cents"][()] / 100
            n = f["replications/exhaustion_day"].shape[0]
        between = (source >= 0) & (destination >= 0)
        self.assertTrue(between.any() and (~between).any())  # the fixture has all three kinds
        text = own_page(os.environ["FULL_RUN_FILE"], "report-steering-fr.html")
        section = text[text.index("Pilotage en cours d'exercice"):]
        self.assertIn(f"{report.format_meur(amount[between].sum() / n, 'fr')} en moyenne par année simulée, "
                      f"{report.format_count(int(between.sum()), 'fr')} mouvements au total", section)
        for column in ("Reçu (régions)", "Cédé (régions)", "Réserve", "rendu moins retenu au départ"):
            self.assertIn(column, section)
        held, handed = amount[destination == -1].sum() / n, amount[source == -1].sum() / n
        self.assertIn(f"le reste, {report.format_meur(held - handed, 'fr')}, n'est pas redistribué", section)
        # The fans' line is the amount at the start, which steering changes.
        self.assertIn("changent ce disponible au fil de l'année", text)


class Recommendation(unittest.TestCase):
    """A recommendation as `fnesim recommend --save` writes it: the envelopes `recommend` prints, what the
    objective asks in words, and its national effect with a verdict on the noise."""

    @classmethod
    def setUpClass(cls):
        cls.pages, cls.files = {}, {}
        for objective, variable in (("unmet", "UNMET_RECOMMENDATION_FILE"), ("target", "TARGET_RECOMMENDATION_FILE")):
            with h5py.File(os.environ[variable], "r") as f:
                g = f["recommendation"]
                cls.files[objective] = {**{key: g.attrs[key] for key in g.attrs},
                                        **{key: g[key][()] for key in g}}
            for lang in ("fr", "en"):
                page = os.path.join(OUT_DIR, f"report-recommendation-{objective}-{lang}.html")
                done = run_report(os.environ[variable], "--lang", lang, "-o", page, "--force")
                assert done.returncode == 0, done.stderr
                cls.pages[objective, lang] = visible_text(read(page))

    def test_the_table_shows_the_envelopes_and_their_changes_add_up_to_the_complement(self):
        for objective, rec in self.files.items():
            current, recommended = rec["current_envelope_cents"], rec["recommended_envelope_cents"]
            self.assertEqual(int(recommended.sum() - current.sum()), int(rec["complementary_allocation_cents"]))
            for lang in ("fr", "en"):
                text = self.pages[objective, lang]
                self.assertIn("Enveloppe actuelle" if lang == "fr" else "Envelope now", text)
                for r in range(len(current)):
                    self.assertIn(report.format_meur(current[r] / 100, lang, decimals=2), text)
                    self.assertIn(report.format_meur(recommended[r] / 100, lang, decimals=2), text)

    def test_the_target_probability_is_that_no_region_is_exhausted(self):
        rec = self.files["target"]
        self.assertGreater(rec["p_no_region_exhausted_after"], rec["p_no_region_exhausted_before"])
        self.assertIn(f"viser qu'aucune région ne s'épuise avant la date limite dans au moins 90{NNBSP}%",
                      self.pages["target", "fr"])
        self.assertIn("aim for no region exhausted before the deadline in at least 90%", self.pages["target", "en"])
        self.assertNotIn("at most", self.pages["target", "en"])

    def test_a_complement_region_by_region_is_told_apart_from_the_pooled_amount(self):
        # The headline's amount enough 9 years out of 10 pools the regions; the
        # target-probability complement covers each region's own peak, and is
        # larger: the page says why, next to it. The other objective adds no money.
        with h5py.File(os.environ["TARGET_RECOMMENDATION_FILE"], "r") as f:
            needed = np.sort(f["replications/national/additional_needed_cents"][()])
        pooled = needed[report.inverted_cdf_index(len(needed), 90)] / 100
        self.assertGreater(self.files["target"]["complementary_allocation_cents"] / 100, pooled)
        self.assertIn("9 years out of 10, the regions pooled", self.pages["target", "en"])
        self.assertIn("Region by region — each covering its own peak — this is more than the pooled amount above",
                      self.pages["target", "en"])
        self.assertIn("ce complément dépasse le montant mutualisé", self.pages["target", "fr"])
        self.assertNotIn("Region by region", self.pages["unmet", "en"])

    def test_the_ask_says_the_fee_withheld_from_it_and_what_the_raises_bought(self):
        # The allocation raises envelopes the convention's fee is withheld from: the page gives what it adds
        # for dossiers beside it. Whether the level was raised after re-simulation is said, as `recommend`
        # says it (attributes the target-probability objective alone writes).
        rec = self.files["target"]
        more = int(rec["recommended_available_cents"].sum() - rec["current_available_cents"].sum()) / 100
        fees = rec["complementary_allocation_cents"] / 100 - more
        self.assertGreater(fees, 0)
        self.assertIn(f"of which {report.format_meur(fees, 'en')} management fees", self.pages["target", "en"])
        self.assertIn(f"{report.format_meur(more, 'en')} more for dossiers", self.pages["target", "en"])
        self.assertIn(f"dont {report.format_meur(fees, 'fr')} de frais de gestion", self.pages["target", "fr"])
        raised = int(rec["level_raises"]) > 0 and not report.attribute_text(rec["short_of_target_because"])
        self.assertEqual("The level was raised" in self.pages["target", "en"], raised)
        self.assertEqual("Le niveau a été relevé" in self.pages["target", "fr"], raised)
        self.assertNotIn("level_raises", self.files["unmet"])
        self.assertNotIn("withheld as from the rest of the subsidy", self.pages["unmet", "en"])

    def test_raises_and_a_missed_target_are_said_with_what_they_bought(self):
        # The fixture's target is reached without a raise: the two sentences, on the file's own figures
        # with the raises a September forecast needed (a first complement 5 M€ below the final one).
        rec = report.read_run(os.environ["TARGET_RECOMMENDATION_FILE"]).recommendation
        final = rec["complementary_allocation_cents"]
        rec["raised"] = {"level_raises": 3, "first_complementary_allocation_cents": final - 500_000_000,
                         "first_p_no_region_exhausted_after": 0.949, "short_of_target_because": ""}
        after = report.format_percent(rec["effect"]["p_no_region_exhausted_after"], "en", decimals=1)
        self.assertIn(f"The level was raised 3 times to reach the target: the envelopes first found (complement of "
                      f"{report.format_meur((final - 500_000_000) / 100, 'en')}) gave 94.9% once simulated; the "
                      f"{report.format_meur(5e6, 'en')} more make it {after}.", report.recommendation_effect(rec, "en"))
        self.assertIn("Le niveau a été relevé 3 fois", report.recommendation_effect(rec, "fr"))
        rec["raised"]["short_of_target_because"] = "the --max bounds stop the level from rising further"
        self.assertIn("<b>Target not reached</b> (", report.recommendation_effect(rec, "en"))
        self.assertIn("the --max bounds stop the level from rising further.", report.recommendation_effect(rec, "en"))
        self.assertIn("les bornes --max empêchent le niveau de monter davantage.", report.recommendation_effect(rec, "fr"))
        self.assertNotIn("relevé", report.recommendation_effect(rec, "fr"))

    def test_the_effect_is_stated_with_a_verdict_on_the_noise_for_the_expected_unmet_demand(self):
        for objective, rec in self.files.items():
            noise = (objective == "unmet"
                     and abs(rec["national_expected_unmet_change_eur"]) <= 2 * rec["national_expected_unmet_change_se_eur"])
            for lang, verdict in (("fr", "L'écart est dans le bruit de la simulation"),
                                  ("en", "The change is within the simulation's noise")):
                text = self.pages[objective, lang]
                self.assertIn(report.format_meur(rec["national_expected_unmet_before_eur"], lang, decimals=2), text)
                # The change and its standard error in thousands of euros, or in millions for a change that large.
                se = rec["national_expected_unmet_change_se_eur"]
                self.assertIn(report.format_meur(se, lang, decimals=2)
                              if abs(rec["national_expected_unmet_change_eur"]) >= 1e6
                              else report.format_keur(se, lang), text)
                for p in ("p_no_region_exhausted_before", "p_no_region_exhausted_after"):
                    self.assertIn(report.format_percent(rec[p], lang, decimals=1), text)
                # In the summary box and in the section.
                self.assertEqual(text.count(verdict), 2 if noise else 0, (objective, lang))

    def test_an_older_recommendation_shows_the_available_amounts_and_no_effect(self):
        text = own_page(os.environ["FULL_RUN_FILE"], "report-older-recommendation-fr.html")  # the fixture's
        self.assertIn("Disponible actuel", text)
        self.assertNotIn("Effet, sur les mêmes années simulées", text)


class Sensitivity(unittest.TestCase):
    """Format 1.5's /sensitivity: "Which assumptions matter", a tornado chart and Sobol bars, with sentences
    drawn from the file's numbers. The fixtures' values come from a known model (add_sensitivity_group.py)."""

    TITLES = {"fr": "Quelles hypothèses comptent\u202f?", "en": "Which assumptions matter"}

    @classmethod
    def setUpClass(cls):
        cls.pages = {lang: os.path.join(OUT_DIR, f"report-sensitivity-{lang}.html") for lang in ("fr", "en")}
        cls.unconverged = os.path.join(OUT_DIR, "report-unconverged-fr.html")
        cls.plain = os.path.join(OUT_DIR, "report-plain-fr.html")
        # French through the binary (its reader accepts format 1.5), the rest through the script.
        done = subprocess.run([os.environ["FNESIM_BINARY"], "report", os.environ["SENSITIVITY_RUN_FILE"], "-o",
                               cls.pages["fr"], "--force"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        for arguments in ([os.environ["SENSITIVITY_RUN_FILE"], "--lang", "en", "-o", cls.pages["en"], "--force"],
                          [os.environ["UNCONVERGED_RUN_FILE"], "-o", cls.unconverged, "--force"],
                          [os.environ["RUN_FILE"], "-o", cls.plain, "--force"]):
            done = run_report(*arguments)
            assert done.returncode == 0, done.stderr
        with h5py.File(os.environ["SENSITIVITY_RUN_FILE"], "r") as f:
            cls.sensitivity = report.read_sensitivity(f["sensitivity"], types.SimpleNamespace(path="fixture.h5"))

    @staticmethod
    def section(page):
        """The section's visible text, or None."""
        text = read(page)
        match = re.search(r'<section class="page"><h2>(Quelles hypothèses|Which assumptions).*?</section>', text,
                          re.S)
        return None if match is None else match.group(0)

    def test_the_section_after_the_main_charts_with_both_charts_in_both_languages(self):
        for lang, page in self.pages.items():
            text = visible_text(read(page))
            self.assertIn(self.TITLES[lang], text)
            title = text.index(self.TITLES[lang])
            additional = report.TEXT[lang]["additional"]
            self.assertLess(text.index(additional), title, "after the additional allocation's chart")
            self.assertLess(title, text.index(report.TEXT[lang]["assumptions"]), "before the assumptions")
            section = self.section(page)
            self.assertEqual(len(re.findall(r'<img src="data:image/png;base64,', section)), 2, lang)
            self.assertIn(f'alt="{report.TEXT[lang]["tornado"]}"', section)
            self.assertIn(f'alt="{html.escape(report.TEXT[lang]["sobol"])}"', section)
            self.assertEqual(len(re.findall(r"<img ", read(page))), 6)  # 4 main charts + tornado + Sobol
            stem = os.path.splitext(page)[0]
            for chart in ("tornado.png", "sobol.png"):
                with open(f"{stem}_png/{chart}", "rb") as png:
                    self.assertEqual(png.read(8), b"\x89PNG\r\n\x1a\n")

    def test_the_sentences_name_the_top_factor_of_each_output_and_the_dossiers_share(self):
        st = self.sensitivity
        for lang, page in self.pages.items():
            sentences = visible_text(re.search(r"</h2><p>(.*?)</p>", self.section(page), re.S).group(1))
            for output in report.SENSITIVITY_OUTPUTS:
                j = st["outputs"].index(output)
                top = max((i for i in range(len(st["factors"])) if st["kinds"][i] != "dossiers"),
                          key=lambda i: st["total_effect"][i, j])
                label = report.sentence_case(report.factor_label(st, top, lang))
                self.assertIn(label, sentences, f"{lang}: the top factor of {output}")
                self.assertIn(report.format_percent(st["total_effect"][top, j], lang, 0), sentences)
            dossiers = st["kinds"].index("dossiers")
            demand = st["outputs"].index("national_demand_eur")
            self.assertIn(report.format_percent(st["total_effect"][dossiers, demand], lang, 0), sentences)
            self.assertIn(report.TEXT[lang]["factors"]["dossiers"].split()[0], sentences.lower())

    def test_a_converged_design_gives_no_warning_an_unconverged_one_does(self):
        self.assertEqual(report.not_converged(self.sensitivity)[0], 0)
        for page in self.pages.values():
            self.assertNotIn('class="note"', self.section(page))
        section = self.section(self.unconverged)
        self.assertIn('<p class="note">', section)
        self.assertIn("l'analyse n'a pas convergé", visible_text(section))
        self.assertIn("plus de lignes", visible_text(section))

    def test_a_file_without_sensitivity_has_no_such_section_nor_charts(self):
        text = read(self.plain)
        self.assertIsNone(self.section(self.plain))
        self.assertNotIn(self.TITLES["fr"], visible_text(text))
        self.assertEqual(len(re.findall(r"<img ", text)), 4)
        for chart in ("tornado.png", "sobol.png"):
            self.assertFalse(os.path.exists(os.path.join(OUT_DIR, "report-plain-fr_png", chart)))

    def test_parameters_and_factors_in_readable_words(self):
        self.assertEqual(report.parameter_label("demand.arrivals.expected_dossiers", "fr"),
                         ("Dossiers attendus", "count"))
        self.assertEqual(report.parameter_label("demand.cost_per_trainee.mean_eur.covid_specific", "en"),
                         ("Cost per trainee, Covid-specific", "euros"))
        self.assertEqual(report.parameter_label("events.widening.share", "fr"),
                         (f"Événement «{NBSP}widening{NBSP}»{NBSP}: part", "percent"))
        self.assertEqual(report.parameter_label("demand.something.new", "en"), ("demand.something.new", "number"))
        self.assertEqual(report.parameter_value(18_887.9, "count", "fr"), f"18{NNBSP}888")
        self.assertEqual(report.parameter_value(0.051, "percent", "en"), "5.1%")
        self.assertEqual(report.parameter_value(3_513.1, "euros", "en"), "€3,513")
        st = self.sensitivity
        labels = {st["factors"][i]: report.factor_label(st, i, "fr") for i in range(len(st["factors"]))}
        self.assertEqual(labels["dossiers"], "aléa des dossiers")
        self.assertEqual(labels["costs"], f"groupe «{NBSP}costs{NBSP}»")
        self.assertEqual(labels["demand.lifecycle.cancellation_probability"],
                         "Taux d'annulation et 1 hypothèse corrélée")
        self.assertEqual(report.factor_label(st, st["factors"].index("dossiers"), "en"), "randomness of the dossiers")

    def test_tornado_bars_widest_first_and_sobol_factors_with_the_dossiers_last(self):
        st = self.sensitivity
        for statistic in report.TORNADO_STATISTICS:
            j = st["statistics"].index(statistic)
            rows, _ = report.tornado_rows(st, statistic)
            widths = [abs(st["high"][b, j] - st["low"][b, j]) for b in rows]
            self.assertEqual(widths, sorted(widths, reverse=True))
        order = report.sobol_order(st)
        self.assertEqual(st["kinds"][order[-1]], "dossiers")


class ForecastFromActuals(unittest.TestCase):
    """A run from actuals says so: where it starts, what was observed, whether the prior allowed it, how many
    particles remain, what the actuals changed, and where the observed part ends on the fans."""

    @classmethod
    def setUpClass(cls):
        cls.pages = {lang: os.path.join(OUT_DIR, f"report-forecast-{lang}.html") for lang in ("fr", "en")}
        for lang, page in cls.pages.items():
            done = run_report(os.environ["FORECAST_RUN_FILE"], "--lang", lang, "-o", page, "--force")
            assert done.returncode == 0, done.stderr
        # A run that is no forecast, for contrast (its own page: the classes run in any order).
        cls.plain = os.path.join(OUT_DIR, "report-not-forecast-en.html")
        done = run_report(os.environ["RUN_FILE"], "--lang", "en", "-o", cls.plain, "--force")
        assert done.returncode == 0, done.stderr
        with h5py.File(os.environ["FORECAST_RUN_FILE"], "r") as f:
            cls.as_of = datetime.date.fromisoformat(f["actuals"].attrs["as_of"])
            cls.dossiers = int(np.sum(f["actuals/observed_dossiers"][()]))
            cls.committed = float(np.sum(f["actuals/observed_committed_cents"][()])) / 100
            cls.outside = int(np.sum(f["actuals/prior_predictive/outside"][()]))
            cls.particles = int(f["actuals"].attrs["particles"])
            cls.updated = [name for name, u in zip(f["actuals/parameters/name"].asstr()[()],
                                                   f["actuals/parameters/updated"][()]) if u]

    def spoilt(self, name, change):
        """A copy of the forecast's file changed by `change(f)`, and its English page's visible text."""
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory)
        copy = os.path.join(directory, name + ".h5")
        shutil.copyfile(os.environ["FORECAST_RUN_FILE"], copy)
        with h5py.File(copy, "r+") as f:
            change(f)
        done = run_report(copy, "--lang", "en", "-o", os.path.join(directory, name + ".html"))
        self.assertEqual(done.returncode, 0, done.stderr)
        return visible_text(read(os.path.join(directory, name + ".html")))

    def test_the_headline_says_where_the_forecast_starts_and_what_was_observed(self):
        self.assertEqual(self.outside, 0)  # the fixture: the September prior allows every month
        for lang, opening, allowed in (("fr", "Prévision au", "Chaque mois observé reste"),
                                       ("en", "Forecast as of", "Every month observed lies within")):
            text = visible_text(read(self.pages[lang]))
            headline = text[text.index(opening):]
            self.assertLess(text.index(opening), text.index(report.format_meur(self.committed, lang)))
            for shown in (report.format_date(self.as_of, lang), "national-2021-09-15.csv",
                          report.format_count(self.dossiers, lang), report.format_meur(self.committed, lang),
                          allowed, report.format_count(self.particles, lang)):
                self.assertIn(shown, headline[:800], (lang, shown))

    def test_the_headline_gives_the_probability_with_and_without_another_change_of_rules(self):
        with h5py.File(os.environ["FORECAST_RUN_FILE"], "r") as f:
            g = f["summary/spread"]
            without, with_ = (float(g[f"p_additional_needed_{k}_jumps"][()]) for k in ("without", "with"))
            errors = [float(g[f"p_additional_needed_{k}_jumps_se"][()]) for k in ("without", "with")]
            share = int(g["replications_without_jumps"][()]) / int(f.attrs["replications"])
            self.assertEqual(str(g.attrs["first_jump_month"]), "2021-10")  # the month after the last observed
        for lang, opening in (("fr", "Si les règles ne changent plus à partir d'oct." + NBSP + "2021"),
                              ("en", "If the rules do not change again from Oct" + NBSP + "2021")):
            text = visible_text(read(self.pages[lang]))
            sentence = text[text.index(opening):][:300]
            for shown in (report.format_percent(share, lang), report.format_percent(without, lang),
                          report.format_percent(with_, lang), *(report.format_points(e, lang) for e in errors)):
                self.assertIn(shown, sentence, (lang, shown))
        self.assertNotIn("If the rules do not change again", visible_text(read(self.plain)))  # no jumps there

    def test_the_assumptions_list_the_events_and_what_is_uncertain(self):
        text = visible_text(read(self.pages["fr"]))
        assumptions = text[text.index("Hypothèses du scénario"):]
        self.assertIn("widening (nouvelle population, 7" + NBSP + "sept." + NBSP + "2021)", assumptions)
        self.assertIn("Hypothèses incertaines (tirées à chaque année simulée)", assumptions)
        self.assertIn("Coût par stagiaire, anticipation", assumptions)
        self.assertIn(f"saute (probabilité 30{NNBSP}% par mois, écart type du log 1,00)", assumptions)
        self.assertIn("calendrier des dépôts (inclinaison d'écart type 0,80, concentration 1" + NNBSP + "000)",
                      assumptions)

    def test_national_actuals_say_the_regional_split_is_the_scenarios(self):
        with h5py.File(os.environ["FORECAST_RUN_FILE"], "r") as f:
            self.assertEqual(int(f["actuals"].attrs["national"]), 1)
        self.assertIn("la part de chaque région y est tirée", visible_text(read(self.pages["fr"])))
        self.assertIn("each region's part of them is drawn", visible_text(read(self.pages["en"])))
        self.assertNotIn("each region's part of them is drawn", visible_text(read(self.plain)))

    def test_national_actuals_say_how_much_a_regions_past_varies(self):
        # Half the 90 % range of each region's part of the national months over the replications, about its
        # mean, recomputed from the replications' shares with the run's quantiles (the inverted empirical CDF):
        # the typical region's, then the least and most uncertain.
        with h5py.File(os.environ["FORECAST_RUN_FILE"], "r") as f:
            amounts = np.sort(f["replications/national_past/committed_cents"][()].sum(axis=1), axis=0)
        n = len(amounts)
        low, high = amounts[-(-5 * n // 100) - 1], amounts[-(-95 * n // 100) - 1]
        spread = (high - low) / (2 * amounts.astype(float).mean(axis=0))
        self.assertTrue(np.all(spread > 0))
        for lang, opening in (("en", "From one simulated year to another"), ("fr", "D'une année simulée à l'autre")):
            text = re.sub(r"[ \n]+", " ", visible_text(read(self.pages[lang])))
            sentence = text[text.index(opening):][:300]
            for value in (np.median(spread), spread.min(), spread.max()):
                self.assertIn("±" + report.format_percent(value, lang, 0), sentence, lang)
        self.assertNotIn("From one simulated year to another", visible_text(read(self.plain)))

    def test_a_file_of_format_1_11_gives_the_same_range_of_a_regions_past(self):
        # Before /summary/national_past the report computed the range from the replications' shares.
        def as_1_11(f):
            del f["summary/national_past"]
        opening = "From one simulated year to another"
        old = self.spoilt("format-1-11", as_1_11)
        new = re.sub(r"[ \n]+", " ", visible_text(read(self.pages["en"])))
        self.assertEqual(old[old.index(opening):][:220], new[new.index(opening):][:220])

    def test_too_few_years_give_no_range_of_a_regions_past(self):
        def keep_19(f):  # a 90 % range from 19 years says little: no sentence (a 1.11 file)
            del f["summary/national_past"]
            past = "replications/national_past/committed_cents"
            kept = f[past][:19]
            del f[past]
            f[past] = kept
        self.assertNotIn("From one simulated year to another", self.spoilt("few-years", keep_19))

        def claim_19(f):  # the same from the run's own summary (format 1.12)
            f.attrs["replications"] = 19
        self.assertNotIn("From one simulated year to another", self.spoilt("few-years-summary", claim_19))

    def test_what_the_actuals_changed_lists_every_updated_parameter(self):
        self.assertIn("trainees.weights", self.updated)
        text = visible_text(read(self.pages["en"]))
        section = text[text.index("What the actuals changed"):text.index("Scenario assumptions")]
        self.assertIn("Trainees per dossier (mean)", section)
        costs = [n for n in self.updated if n.startswith("cost_per_trainee.")]
        self.assertTrue(costs)
        for name in costs:
            self.assertIn(report.parameter_label("demand." + name, "en")[0], section)
        self.assertIn("the actuals updated the values of the previous table", text)
        plain = visible_text(read(self.plain))
        self.assertNotIn("What the actuals changed", plain)
        self.assertNotIn("Forecast as of", plain)

    def flag_march(self, f, chance):
        """March outside its band, and the prior's own years straying as far with `chance` (None: a file of
        format 1.12, without it)."""
        months = list(f["actuals/prior_predictive/month"].asstr()[()])
        outside = f["actuals/prior_predictive/outside"][()]
        outside[months.index(f"{self.as_of.year}-03")] = 1
        f["actuals/prior_predictive/outside"][...] = outside
        if chance is None:
            del f["actuals/prior_predictive"].attrs["chance_as_far_off"]
            f.attrs.modify("format_version", np.array([1, 12], dtype=np.int32))
        else:
            f["actuals/prior_predictive"].attrs.modify("chance_as_far_off", chance)

    def test_a_month_the_prior_did_not_allow_is_a_warning_naming_it(self):
        text = re.sub(r"[ \n]+", " ", self.spoilt("outside", lambda f: self.flag_march(f, 0.01)))
        self.assertIn(f"Warning : Mar{NBSP}{self.as_of.year} outside what the scenario's prior allowed", text)
        self.assertIn("the scenario is probably wrong. Only 1% of the years its prior draws stray this far.", text)
        self.assertNotIn("Every month observed lies within", text)
        # A file of format 1.12 does not say how often: every month outside is a warning, as its run said.
        text = re.sub(r"[ \n]+", " ", self.spoilt("outside-1.12", lambda f: self.flag_march(f, None)))
        self.assertIn(f"Warning : Mar{NBSP}{self.as_of.year} outside what the scenario's prior allowed", text)
        self.assertNotIn("of the years its prior draws", text)

    def test_a_month_outside_that_the_priors_own_years_stray_as_far_is_no_warning(self):
        text = re.sub(r"[ \n]+", " ", self.spoilt("by-chance", lambda f: self.flag_march(f, 0.31)))
        self.assertIn(f"Mar{NBSP}{self.as_of.year} outside what the scenario's prior allowed (95% band); 31% of the "
                      "years it draws stray as far in some month: by itself, not a sign that the scenario is wrong.",
                      text)
        self.assertNotIn("Warning : Mar", text)
        self.assertNotIn("probably wrong", text)

    def test_few_particles_in_effect_are_a_caution(self):
        text = re.sub(r"[ \n]+", " ", self.spoilt("few", lambda f: f["actuals"].attrs.modify("effective_particles",
                                                                                          12.4)))
        self.assertIn(f"Caution : only 12 of the {report.format_count(self.particles, 'en')} draws", text)

    def test_a_scenario_that_loaded_with_a_warning_says_so_first(self):
        with h5py.File(os.environ["FORECAST_RUN_FILE"], "r") as f:
            self.assertEqual(len(f["scenario/warnings"]), 0)  # the fixture loads without any
        slip = ("x.toml:3:1: demand.cost_per_trainee.mean_eur: warning: 45 EUR a trainee is less than a day of "
                "training: amounts are in euros, so 45 thousand is written 45e3")

        def warn(f):
            del f["scenario/warnings"]
            f.create_dataset("scenario/warnings", data=[slip], dtype=h5py.string_dtype())
        text = re.sub(r"[ \n]+", " ", self.spoilt("warned", warn))
        headline = text[text.index("Warning : loading the scenario gave these warnings"):]
        self.assertIn(slip, headline[:400])
        self.assertLess(text.index(slip), text.index("Forecast as of"))
        for page in self.pages.values():
            self.assertNotIn("loading the scenario gave", visible_text(read(page)))
            self.assertNotIn("le chargement du scénario a donné", visible_text(read(page)))

    def test_the_fans_mark_the_end_of_the_actuals(self):
        run = report.read_run(os.environ["FORECAST_RUN_FILE"])
        self.assertEqual(run.as_of_day, (self.as_of - run.start).days)
        figure = report.national_fan_chart(run, "en")
        lines = [line for line in figure.axes[0].get_lines() if line.get_label() == "End of the actuals observed"]
        self.assertEqual(len(lines), 1)
        self.assertEqual(list(lines[0].get_xdata()), [run.as_of_day, run.as_of_day])


if __name__ == "__main__":
    unittest.main(verbosity=1)
