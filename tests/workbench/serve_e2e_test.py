#!/usr/bin/python3
"""The workbench as a planner uses it, in a real headless Chromium driven by
Selenium: load the page, pick observed-2021, type a bad value and see
its message at the field, move 5 M EUR from Auvergne-Rhône-Alpes to
Île-de-France, run, wait for the charts, compare with the unchanged scenario,
switch to English, download the report; and the committee's September
question, from the mid-September actuals. What the page shows must equal
`fnesim run`'s figures for the same scenario and seed, formatted by the
report's own functions (scripts/report.py).

Usage: serve_e2e_test.py FNESIM_BINARY WORK_DIR [SCREENSHOT_DIR]
The screenshots of docs/workbench.md are made by this test
(SCREENSHOT_DIR = docs/workbench).
"""
import datetime
import json
import os
import subprocess
import sys
import time
import unittest

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from workbench_server import Workbench

BINARY, WORK = os.path.abspath(sys.argv[1]), sys.argv[2]  # the server runs in WORK: a relative path would not resolve there
SCREENSHOTS = sys.argv[3] if len(sys.argv) > 3 else None
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import report  # noqa: E402  the report's number formats: the page must say the same

REPLICATIONS, SEED = 400, 11
IDF, ARA = "convention.regions.IDF.envelope_eur", "convention.regions.ARA.envelope_eur"
DOSSIERS = "demand.arrivals.expected_dossiers"


def field(driver, key):
    return driver.find_element(By.CSS_SELECTOR, f'.field-input[data-key="{key}"]')


def message_at(driver, key):
    return driver.find_element(By.CSS_SELECTOR, f'.field-message[data-key="{key}"]').text


def replace_text(element, text):
    element.clear()
    element.send_keys(text)


class WorkbenchInTheBrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.makedirs(WORK, exist_ok=True)
        cls.downloads = os.path.join(WORK, "downloads")
        os.makedirs(cls.downloads, exist_ok=True)
        for name in os.listdir(cls.downloads):
            os.remove(os.path.join(cls.downloads, name))
        cls.server = Workbench(BINARY)
        options = webdriver.ChromeOptions()
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
                         "--lang=fr-FR", "--disable-dev-shm-usage"]:
            options.add_argument(argument)
        options.add_experimental_option("prefs", {"download.default_directory": cls.downloads,
                                                  "download.prompt_for_download": False})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        cls.driver = webdriver.Chrome(options=options)
        cls.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": cls.downloads})

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        status, left = cls.server.stop()
        assert status == 0, f"fnesim serve exited with {status}"
        assert not left, f"files left after the server stopped: {left}"

    def setUp(self):
        self.driver.get_log("browser")  # what earlier tests left in the console (a refused upload's 400s) goes

    def wait_for(self, condition, timeout=120, what=""):
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(lambda d: condition(d))
        except TimeoutException:
            self.screenshot("failure")
            raise AssertionError(f"timed out waiting for {what}") from None

    def screenshot(self, name):
        # Images decode asynchronously: the picture waits for them and for a frame painted after.
        self.driver.execute_async_script(
            "const done = arguments[0];"
            "Promise.all(Array.from(document.images).map(i => i.decode().catch(() => null)))"
            ".then(() => requestAnimationFrame(() => requestAnimationFrame(() => done())));")
        if SCREENSHOTS:
            os.makedirs(SCREENSHOTS, exist_ok=True)
            self.driver.save_screenshot(os.path.join(SCREENSHOTS, f"{name}.png"))
        else:
            self.driver.save_screenshot(os.path.join(WORK, f"{name}.png"))

    def visible_figure(self, name):
        # textContent: Selenium's .text turns the no-break spaces of French typography into spaces.
        return self.driver.find_element(By.CSS_SELECTOR, f'[data-figure="{name}"]').get_attribute("textContent").strip()

    def expected_summary(self, variant_toml):
        path = os.path.join(WORK, "variant.toml")
        with open(path, "w") as out:
            out.write(variant_toml)
        summary = os.path.join(WORK, "summary.json")
        subprocess.run([BINARY, "run", path, "-n", str(REPLICATIONS), "-s", str(SEED), "--summary-json", summary,
                        "--force"], check=True, stdout=subprocess.DEVNULL)
        with open(summary) as f:
            return json.load(f)

    def test_a_planner_reallocates_runs_compares_and_takes_the_report(self):
        d = self.driver
        d.get(self.server.url)
        self.wait_for(lambda d: d.find_elements(By.CSS_SELECTOR, f'.field-input[data-key="{IDF}"]'),
                      what="the form of the default scenario")
        limits = d.find_element(By.ID, "limits").text  # the limits are stated on the page
        self.assertTrue("20 000" in limits or "20\u202f000" in limits or "20,000" in limits, limits)
        Select(d.find_element(By.ID, "scenario-select")).select_by_value("observed-2021")
        self.wait_for(lambda d: "Calibrated on the public 2021 figures"
                      in d.find_element(By.ID, "scenario-description").text, what="the form of observed-2021")
        replace_text(d.find_element(By.ID, "replications"), str(REPLICATIONS))
        replace_text(d.find_element(By.ID, "seed"), str(SEED))

        # A bad value: a message at its field, the run button waits, no error page.
        expected_dossiers = field(d, DOSSIERS).get_attribute("value")
        replace_text(field(d, DOSSIERS), "beaucoup")
        self.wait_for(lambda d: "expected a number, found 'beaucoup'" in message_at(d, DOSSIERS),
                      what="the message at the field")
        self.assertFalse(d.find_element(By.ID, "run-button").is_enabled())
        self.screenshot("validation")
        replace_text(field(d, DOSSIERS), expected_dossiers)
        self.wait_for(lambda d: message_at(d, DOSSIERS) == "", what="the message to go")

        # Five million euros from Auvergne-Rhône-Alpes to Île-de-France, typed as a French planner types.
        replace_text(field(d, IDF), "33 500 000")
        self.wait_for(lambda d: "regional envelopes sum to" in d.find_element(By.ID, "general-messages").text,
                      what="the envelopes' sum problem")
        replace_text(field(d, ARA), "22 500 000")
        self.wait_for(lambda d: d.find_element(By.ID, "run-button").is_enabled()
                      and d.find_element(By.ID, "general-messages").text.strip() == "", what="a valid form")
        # Money moved: the page says that each region's demand is held, in its language.
        self.wait_for(lambda d: "restent ceux du scénario" in d.find_element(By.ID, "variant-notes").text,
                      what="the note that each region's demand is held")
        d.find_element(By.ID, "run-button").click()
        self.wait_for(lambda d: d.find_element(By.ID, "results").is_displayed()
                      and d.execute_script("return Array.from(document.querySelectorAll('img.chart'))"
                                           ".every(i => i.complete && i.naturalWidth > 0)")
                      and len(d.find_elements(By.CSS_SELECTOR, "img.chart")) == 4,
                      what="the results and their charts")
        self.assertFalse(d.find_element(By.ID, "national-past").is_displayed())  # no national actuals here
        self.screenshot("results")
        d.execute_script("document.querySelector('#exhaustion-table').scrollIntoView()")
        self.screenshot("exhaustion")
        d.execute_script("document.querySelector('img.chart[data-chart=\"p_exhausted\"]').scrollIntoView()")
        self.screenshot("charts")

        # The page's figures are `fnesim run`'s for the variant it downloads, seed and replications.
        toml_link = d.find_element(By.ID, "download-toml").get_attribute("href")
        variant_toml = d.execute_script("return await (await fetch(arguments[0])).text()", toml_link)
        self.assertIn('extends = "observed-2021.toml"', variant_toml)
        self.assertIn(f"{IDF} = 33500000", variant_toml)
        self.assertIn(f"{ARA} = 22500000", variant_toml)
        self.assertNotIn(DOSSIERS, variant_toml)  # unchanged in the end: not stated
        self.assertIn("demand.regions.IDF.expected_dossiers = ", variant_toml)  # held where the money moved
        summary = self.expected_summary(variant_toml)
        national = summary["national"]
        self.assertEqual(self.visible_figure("p_additional_needed"),
                         report.format_percent(national["p_additional_needed"], "fr"))
        self.assertEqual(self.visible_figure("additional_q90"),
                         report.format_meur(national["additional_needed_q90_eur"], "fr"))
        self.assertEqual(self.visible_figure("demand_median"), report.format_meur(national["demand_q50_eur"], "fr"))
        self.assertEqual(self.visible_figure("committed"), report.format_meur(national["committed_mean_eur"], "fr"))
        start = datetime.date.fromisoformat(summary["commitment_start"])
        rows = d.find_elements(By.CSS_SELECTOR, "#exhaustion-table tr[data-region]")
        self.assertEqual(len(rows), len(summary["regions"]))
        for region in summary["regions"]:
            row = d.find_element(By.CSS_SELECTOR, f'#exhaustion-table tr[data-region="{region["code"]}"]')
            cell = lambda column: row.find_element(By.CSS_SELECTOR, f'td[data-col="{column}"]').get_attribute(
                "textContent").strip()
            self.assertEqual(cell("envelope"), report.format_meur(region["envelope_eur"], "fr"), region["code"])
            self.assertEqual(cell("p_exhausted"), report.format_percent(region["p_exhausted"], "fr"), region["code"])
            day = region["exhaustion_day_q50"]
            if day is not None:
                self.assertEqual(cell("median_date"),
                                 report.format_date(start + datetime.timedelta(days=day), "fr"), region["code"])
        self.assertEqual(
            d.find_element(By.CSS_SELECTOR, '#exhaustion-table tr[data-region="IDF"] td[data-col="envelope"]')
            .get_attribute("textContent").strip(),
            report.format_meur(33_500_000, "fr"))

        # Compare with the scenario as picked, unchanged: paired, region by region.
        d.find_element(By.ID, "baseline-button").click()
        self.wait_for(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#compare-table tr[data-region]")) == 12,
                      what="the comparison")
        idf = d.find_element(By.CSS_SELECTOR, '#compare-table tr[data-region="IDF"]').text
        self.assertIn("Île-de-France", idf)
        # Why it is paired, in the page's language (the server says it in English).
        explain = d.find_element(By.ID, "compare-explain").get_attribute("textContent")
        self.assertIn(f"Comparaison appariée (même graine ({SEED}) et même nombre de réplications", explain)
        self.assertNotIn("same seed", explain)
        d.execute_script("document.getElementById('compare-table').scrollIntoView()")
        self.screenshot("compare")

        # The report, downloaded as a planner downloads it.
        d.find_element(By.ID, "download-report").click()
        path = os.path.join(self.downloads, "report-fr.html")
        self.wait_for(lambda d: os.path.exists(path) and os.path.getsize(path) > 10000, what="the report's download")
        with open(path, encoding="utf-8") as f:
            page = f.read()
        self.assertIn("FNE-Formation 2021", page)
        self.assertIn(report.format_percent(national["p_additional_needed"], "fr"), page)

        # English, with the same wording as the report in English.
        d.find_element(By.ID, "lang-switch").click()
        self.wait_for(lambda d: self.visible_figure("p_additional_needed")
                      == report.format_percent(national["p_additional_needed"], "en"), what="English figures")
        self.wait_for(lambda d: all("/chart/en/" in i.get_attribute("src")
                                    for i in d.find_elements(By.CSS_SELECTOR, "img.chart")), what="English charts")
        self.assertEqual(d.find_element(By.CSS_SELECTOR, "html").get_attribute("lang"), "en")

        errors = [entry for entry in d.get_log("browser") if entry["level"] == "SEVERE"]
        self.assertEqual(errors, [], "the browser's console has errors")

    def test_the_september_question_from_actuals(self):
        d = self.driver
        d.get(self.server.url)
        self.wait_for(lambda d: d.find_elements(By.CSS_SELECTOR, f'.field-input[data-key="{IDF}"]'), what="the form")
        Select(d.find_element(By.ID, "scenario-select")).select_by_value("observed-september-2021")
        # The widening's volume is drawn in every replication: offered by its distribution.
        self.wait_for(lambda d: d.find_elements(
            By.CSS_SELECTOR, """.field-input[data-key='uncertainty.parameters."events.widening.expected_dossiers".mean']"""),
                      what="the form of observed-september-2021")
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, '.field-input[data-key="events.widening.expected_dossiers"]'),
                         [])
        replace_text(d.find_element(By.ID, "replications"), "200")
        replace_text(d.find_element(By.ID, "seed"), str(SEED))
        actuals = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scenarios", "actuals",
                               "national-2021-09-15.csv")
        d.find_element(By.ID, "actuals-input").send_keys(os.path.abspath(actuals))
        self.wait_for(lambda d: d.find_element(By.ID, "actuals-loaded").is_displayed(), what="the actuals")
        self.assertFalse(d.find_element(By.ID, "run-button").is_enabled())  # no cut-off yet
        # The date input takes the keys of its locale: set as a person's picker sets it.
        d.execute_script("const i = document.getElementById('as-of'); i.value = '2021-09-16';"
                         "i.dispatchEvent(new Event('input', {bubbles: true}));"
                         "i.dispatchEvent(new Event('change', {bubbles: true}));")
        self.wait_for(lambda d: d.find_element(By.ID, "run-button").is_enabled(), what="a cut-off")
        # The monthly file stops on 15 September: the planner says so, as `--through` does.
        through = d.find_element(By.ID, "through")
        self.assertEqual((through.get_attribute("min"), through.get_attribute("max")), ("2021-09-01", "2021-09-30"))
        d.execute_script("const i = document.getElementById('through'); i.value = '2021-09-15';"
                         "i.dispatchEvent(new Event('change', {bubbles: true}));")
        d.find_element(By.ID, "run-button").click()
        self.wait_for(lambda d: d.find_element(By.ID, "results").is_displayed()
                      and d.find_element(By.ID, "actuals-report").is_displayed(), what="the forecast")
        command = d.find_element(By.ID, "run-command").get_attribute("textContent").strip()
        self.assertEqual(command, "fnesim run variant.toml --actuals national-2021-09-15.csv --as-of 2021-09-16 "
                                  f"--through 2021-09-15 -n 200 -s {SEED}")
        self.assertIn("chiffres complets jusqu'au 15" + report.NBSP + "sept.",
                      d.find_element(By.ID, "results-context").get_attribute("textContent"))
        self.assertIn("Prior-predictive check", d.find_element(By.ID, "actuals-report").get_attribute("textContent"))
        # What the page says is the command's: run it with the files the page serves.
        for link in ("download-toml", "download-actuals"):
            href = d.find_element(By.ID, link).get_attribute("href")
            text = d.execute_script("return await (await fetch(arguments[0])).text()", href)
            self.assertEqual(d.find_element(By.ID, link).get_attribute("download"),
                             "variant.toml" if link == "download-toml" else "national-2021-09-15.csv")
            with open(os.path.join(WORK, "variant.toml" if link == "download-toml" else "national-2021-09-15.csv"),
                      "w") as out:
                out.write(text)
        summary = os.path.join(WORK, "september.json")
        subprocess.run([BINARY, *command.split()[1:], "--summary-json", summary, "--force"], cwd=WORK, check=True,
                       stdout=subprocess.DEVNULL)
        with open(summary) as f:
            everything = json.load(f)
        national = everything["national"]
        # Which region filed the national months is drawn in every year: how far a region's part varies, as the
        # command prints it (half the 90 % range over the mean, the median of the twelve regions').
        past = everything["national_past"]
        halves = sorted((r["committed_q95_eur"] - r["committed_q05_eur"]) / (2 * r["committed_mean_eur"])
                        for r in past["regions"])
        self.assertEqual(len(halves), 12)
        paragraph = d.find_element(By.ID, "national-past")
        self.assertTrue(paragraph.is_displayed())
        text = paragraph.get_attribute("textContent")
        self.assertIn(report.format_meur(past["committed_eur"], "fr") + " des mois nationaux", text)
        self.assertIn("±" + report.format_percent((halves[5] + halves[6]) / 2, "fr", 0), text)
        self.assertIn("±" + report.format_percent(halves[-1], "fr", 0), text)
        self.assertEqual(self.visible_figure("p_additional_needed"),
                         report.format_percent(national["p_additional_needed"], "fr"))
        self.assertEqual(self.visible_figure("demand_median"), report.format_meur(national["demand_q50_eur"], "fr"))
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "#spread-bars li[data-assumption]")),
                         len(national["spread"]["assumptions"]))
        # The probability with and without another change of rules from October, as the command's summary has it.
        by_jumps = national["spread"]["additional_by_jumps"]
        self.assertEqual(by_jumps["first_month"], "2021-10")
        jumps = d.find_element(By.ID, "spread-jumps")
        self.assertTrue(jumps.is_displayed())
        text = jumps.get_attribute("textContent")
        self.assertIn("à partir de oct." + report.NBSP + "2021", text)
        for key in ("p_additional_needed_without_jumps", "p_additional_needed_with_jumps"):
            self.assertIn(report.format_percent(by_jumps[key], "fr") + " (" + report.format_points(
                by_jumps[key + "_se"], "fr") + ")", text)
        d.execute_script("window.scrollTo(0, 0)")
        self.screenshot("september")
        d.execute_script("document.getElementById('spread').scrollIntoView()")
        self.screenshot("september-spread")
        errors = [entry for entry in d.get_log("browser") if entry["level"] == "SEVERE"]
        self.assertEqual(errors, [], "the browser's console has errors")

    def test_an_upload_that_is_too_large_or_invalid_is_said_on_the_page(self):
        d = self.driver
        d.get(self.server.url)
        self.wait_for(lambda d: d.find_elements(By.CSS_SELECTOR, f'.field-input[data-key="{IDF}"]'), what="the form")
        big = os.path.join(WORK, "huge.toml")
        with open(big, "wb") as out:
            out.write(b"# " + b"x" * (2 * 1024 * 1024) + b"\n")
        d.find_element(By.ID, "upload-input").send_keys(big)
        self.wait_for(lambda d: "1024" in d.find_element(By.ID, "general-messages").text,
                      what="the upload's refusal")
        bad = os.path.join(WORK, "evil.toml")
        with open(bad, "w") as out:
            out.write('extends = "/etc/passwd"\n')
        d.find_element(By.ID, "upload-input").send_keys(bad)
        self.wait_for(lambda d: "evil.toml:1:11: extends:" in d.find_element(By.ID, "general-messages").text,
                      what="the extends refusal")
        # A scenario that loads with a likely slip of units: said apart, and the run is not blocked.
        slip = os.path.join(WORK, "thousands.toml")
        with open(slip, "w") as out:
            out.write('extends = "reference-r1.toml"\nname = "thousands"\n[demand.cost_per_trainee]\nmean_eur = 6\n')
        d.find_element(By.ID, "upload-input").send_keys(slip)
        self.wait_for(lambda d: "thousands.toml:4:1: demand.cost_per_trainee.mean_eur: warning: 6 EUR a trainee"
                      in d.find_element(By.ID, "warning-messages").text, what="the warning")
        self.assertIn("À vérifier", d.find_element(By.ID, "warning-messages").text)
        self.assertFalse(d.find_element(By.ID, "general-messages").is_displayed())
        self.assertTrue(d.find_element(By.ID, "run-button").is_enabled())
        # Envelopes typed in millions, then corrected in the form: the warnings go with the slips.
        envelopes = {"convention.total_envelope_eur": 150, **{
            f"convention.regions.{code}.envelope_eur": millions for code, millions in [
                ("ARA", 27.5), ("BFC", 8), ("BRE", 6), ("CVL", 8), ("GES", 13), ("HDF", 14), ("IDF", 28.5),
                ("NOR", 9), ("NAQ", 10), ("OCC", 9), ("PAC", 7), ("PDL", 10)]}}
        millions_file = os.path.join(WORK, "millions.toml")
        with open(millions_file, "w") as out:
            out.write('extends = "convention-2021.toml"\nname = "millions"\n[convention]\n')
            out.write("total_envelope_eur = 150\n")
            for key, millions in envelopes.items():
                if key.startswith("convention.regions."):
                    out.write(f"[convention.regions.{key.split('.')[2]}]\nenvelope_eur = {millions}\n")
        d.find_element(By.ID, "upload-input").send_keys(millions_file)
        self.wait_for(lambda d: d.find_element(By.ID, "warning-messages").text.count("pays no training") == 13,
                      what="a warning for each envelope")
        # Each also at its field, where it is corrected.
        for key in envelopes:
            self.assertIn("pays no training", message_at(d, key), key)
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, ".field.has-warning")), 13)
        for key, millions in envelopes.items():
            replace_text(field(d, key), str(round(millions * 1_000_000)))
        # Checked as typed: on a slow machine a check made midway (the total in
        # euros, some regions still in millions) is refused as an error, which
        # hides the warnings too. So wait for the form's own check of all of it.
        self.wait_for(lambda d: not d.find_element(By.ID, "warning-messages").is_displayed()
                      and not d.find_element(By.ID, "general-messages").is_displayed()
                      and d.find_elements(By.CSS_SELECTOR, ".field.has-error") == [],
                      what="the warnings gone with the slips, and no error")
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, ".field.has-warning"), [])
        self.assertEqual(message_at(d, "convention.regions.IDF.envelope_eur"), "")
        self.assertFalse(d.find_element(By.ID, "general-messages").is_displayed())


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
