#!/usr/bin/python3
"""`fnesim serve` behaves as docs/workbench.md states, seen from its HTTP API:
a bad value, a 100 MB upload, path traversal, hostile `extends`, two runs at
once, a cancelled run, a foreign Host header, and the figures of a run equal to
`fnesim run`'s for the same scenario and seed.

Usage: serve_api_test.py FNESIM_BINARY WORK_DIR
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest

import h5py

from workbench_server import Workbench

BINARY, WORK = os.path.abspath(sys.argv[1]), sys.argv[2]  # the server runs in WORK: a relative path would not resolve there


class ServeApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.makedirs(WORK, exist_ok=True)
        cls.server = Workbench(BINARY, "--max-queued-runs", "2")

    @classmethod
    def tearDownClass(cls):
        status, left = cls.server.stop()
        assert status == 0, f"fnesim serve exited with {status}"
        assert not left, f"files left after the server stopped: {left}"

    def builtin_session(self, name="convention-2021"):
        session = self.server.session()
        status, form = self.server.request("POST", f"/api/s/{session}/scenario", {"builtin": name})
        self.assertEqual(status, 200, form)
        return session, form

    def test_the_page_and_its_limits(self):
        status, page, _ = self.server.request("GET", "/", raw=True)
        self.assertEqual(status, 200)
        self.assertIn(b"/app.js", page)
        self.assertNotIn(b"http://", page.replace(b"http://www.w3.org", b""))  # nothing fetched from elsewhere
        status, info = self.server.request("GET", "/api/info")
        self.assertEqual(info["limits"]["max_queued_runs"], 2)
        self.assertEqual(info["limits"]["max_upload_bytes"], 1024 * 1024)
        self.assertIn("observed-september-2021", [b["name"] for b in info["builtins"]])

    def test_a_bad_value_gets_a_message_at_its_field(self):
        session, _ = self.builtin_session()
        status, answer = self.server.request("POST", f"/api/s/{session}/validate", {"values": {
            "demand.arrivals.expected_dossiers": "beaucoup", "demand.arrivals.national_uptake_cv": "-0,5"}})
        self.assertEqual(status, 200)
        self.assertFalse(answer["ok"])
        self.assertEqual(answer["fields"]["demand.arrivals.expected_dossiers"], ["expected a number, found 'beaucoup'"])
        # The reader's own words, with the variant's file, line and column, as `fnesim validate` prints them.
        [message] = answer["fields"]["demand.arrivals.national_uptake_cv"]
        self.assertRegex(message, r"^convention-2021-variant\.toml:\d+:\d+: demand\.arrivals\.national_uptake_cv: ")
        # A run of an invalid form is refused with the same messages, and nothing is queued.
        status, refused = self.server.request("POST", f"/api/s/{session}/runs", {
            "values": {"demand.arrivals.expected_dossiers": "beaucoup"}, "replications": 10, "seed": 1})
        self.assertEqual(status, 400)
        self.assertIn("demand.arrivals.expected_dossiers", refused["fields"])
        # A run states its replications and seed: nothing stands in for a missing one.
        status, refused = self.server.request("POST", f"/api/s/{session}/runs", {"values": {}, "replications": 10})
        self.assertEqual((status, refused["error"]), (400, "seed: missing"))
        # Not JSON at all: a message, not an error page.
        status, refused = self.server.request("POST", f"/api/s/{session}/validate", b"{values:",
                                              {"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        self.assertIn("not valid JSON", refused["error"])

    def test_a_100_mb_upload_is_refused_before_it_is_read(self):
        session = self.server.session()
        size = 100 * 1024 * 1024
        connection = socket.create_connection(("127.0.0.1", self.server.port), timeout=30)
        head = (f"POST /api/s/{session}/scenario HTTP/1.1\r\nHost: 127.0.0.1:{self.server.port}\r\n"
                f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {size}\r\n\r\n")
        connection.sendall(head.encode())
        try:
            connection.sendall(b"\0" * (1024 * 1024))  # the server answers without waiting for the rest
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        while b"exceeds" not in answer:  # the head and the body may come in two pieces
            piece = connection.recv(65536)
            if not piece:
                break
            answer += piece
        connection.close()
        answer = answer.decode(errors="replace")
        self.assertTrue(answer.startswith("HTTP/1.1 413"), answer[:200])
        self.assertIn("exceeds the limit of 1024 KiB", answer)
        status, _ = self.server.request("GET", "/api/info")  # and it still serves
        self.assertEqual(status, 200)

    def test_an_upload_just_over_the_limit_is_refused_whole(self):
        # Within the server's framing slack, beyond the files' limit: refused by what the files hold, the
        # scenario and the actuals alike (a 1 074 KiB file was read and parsed).
        session, _ = self.builtin_session()
        over = b"# " + b"x" * (1024 * 1024 + 10 * 1024) + b"\n"
        body, boundary = multipart([("big.toml", over)])
        status, refused = self.server.request("POST", f"/api/s/{session}/scenario", body,
                                              {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual((status, refused["error"]), (413, "the upload exceeds the limit of 1024 KiB"))
        body, boundary = multipart([("big.csv", over)], part="actuals")
        status, refused = self.server.request("POST", f"/api/s/{session}/actuals", body,
                                              {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual((status, refused["error"]), (413, "the upload exceeds the limit of 1024 KiB"))

    def test_a_body_httplib_cannot_read_is_said_for_what_it_is(self):
        session, _ = self.builtin_session()
        # JSON sent with curl's default type: httplib reads such a body up to 8 KiB only.
        values = json.dumps({"values": {"demand.arrivals.expected_dossiers": "9000" + " " * 9000}}).encode()
        status, refused = self.server.request("POST", f"/api/s/{session}/validate", values,
                                              {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 415, refused)
        self.assertIn("send the workbench's JSON with Content-Type: application/json", refused["error"])
        # A multipart body that holds no part httplib can read.
        status, refused = self.server.request("POST", f"/api/s/{session}/scenario", b"--x--\r\n",
                                              {"Content-Type": "multipart/form-data; boundary=x"})
        self.assertEqual(status, 400, refused)
        self.assertIn("as JSON or as one file uploaded as multipart/form-data", refused["error"])
        status, _ = self.server.request("GET", "/api/info")  # and it still serves
        self.assertEqual(status, 200)

    def test_no_path_reaches_outside_the_session(self):
        session, _ = self.builtin_session()
        for path in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/app.js/../../../etc/passwd",
                     f"/api/s/{session}/runs/1/files/../../../../../etc/passwd",
                     f"/api/s/{session}/runs/1/files/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
                     f"/api/s/{session}/runs/1/chart/fr/..%2F..%2Fetc%2Fpasswd.png",
                     "/api/s/../../etc/passwd"]:
            status, body, _ = self.server.request("GET", path, raw=True)
            self.assertIn(status, (400, 404), path)
            self.assertNotIn(b"root:", body, path)
        # An upload's name is never a path.
        body, boundary = multipart([("../../etc/passwd.toml", b'name = "x"\n')])
        status, refused = self.server.request("POST", f"/api/s/{session}/scenario", body,
                                              {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual(status, 400)
        self.assertIn("plain file name", refused["diagnostics"][0]["message"])
        # A cycle between uploaded files is said with their names, not the server's directory.
        body, boundary = multipart([("a.toml", b'extends = "b.toml"\n'), ("b.toml", b'extends = "a.toml"\n')])
        status, refused = self.server.request("POST", f"/api/s/{session}/scenario", body,
                                              {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual(status, 400, refused)
        self.assertIn("cycle", json.dumps(refused))
        self.assertNotIn(self.server.tmpdir, json.dumps(refused))
        # An uploaded scenario extends only built-ins and the files uploaded with it.
        for target in ["/etc/passwd", "../../etc/passwd", "elsewhere.toml"]:
            body, boundary = multipart([("mine.toml", f'extends = "{target}"\n'.encode())])
            status, refused = self.server.request("POST", f"/api/s/{session}/scenario", body,
                                                  {"Content-Type": f"multipart/form-data; boundary={boundary}"})
            self.assertEqual(status, 400, target)
            self.assertIn("extends only a built-in scenario or a file uploaded with it",
                          refused["diagnostics"][0]["message"])
        body, boundary = multipart([("short.toml", b'extends = "steering-2021"\nname = "short"\n')])
        status, form = self.server.request("POST", f"/api/s/{session}/scenario", body,
                                           {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual(status, 200, form)  # a built-in named as on the command line
        body, boundary = multipart([("mine.toml", b'extends = "base.toml"\nname = "mine"\n'),
                                    ("base.toml", b'extends = "steering-2021.toml"\nname = "base"\n')])
        status, form = self.server.request("POST", f"/api/s/{session}/scenario", body,
                                           {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual(status, 200, form)
        self.assertEqual(form["parent"], "mine.toml")
        self.assertIn("steering", [g["id"] for g in form["groups"]])

    def test_amounts_that_look_typed_in_thousands_are_said_and_still_run(self):
        session = self.server.session()
        body, boundary = multipart([("thousands.toml", b'extends = "reference-r1.toml"\nname = "thousands"\n'
                                                       b'[demand.cost_per_trainee]\nmean_eur = 6\n')])
        status, form = self.server.request("POST", f"/api/s/{session}/scenario", body,
                                           {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual(status, 200, form)
        # As `fnesim validate` says it, the file by its name, not where the server keeps it.
        self.assertEqual(form["warnings"], ["thousands.toml:4:1: demand.cost_per_trainee.mean_eur: warning: 6 EUR a "
                                            "trainee is less than a day of training: amounts are in euros, so 6 "
                                            "thousand is written 6e3"])
        # A variant that loads says them too (its parent's), and a built-in none.
        status, answer = self.server.request("POST", f"/api/s/{session}/validate", {"values": {}})
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(answer["warnings"], form["warnings"])
        self.assertEqual(self.builtin_session()[1]["warnings"], [])
        # The run's file keeps them as the page said them.
        status, started = self.server.request("POST", f"/api/s/{session}/runs",
                                              {"values": {}, "replications": 20, "seed": 3})
        self.assertEqual(status, 202, started)
        run = self.server.wait(session, started["run"])
        self.assertEqual(run["state"], "done", run)
        status, data, _ = self.server.request("GET", f"/api/s/{session}/runs/{run['run']}/files/run.h5", raw=True)
        self.assertEqual(status, 200)
        kept = os.path.join(WORK, "thousands-run.h5")
        with open(kept, "wb") as out:
            out.write(data)
        with h5py.File(kept, "r") as f:
            self.assertEqual(list(f["scenario/warnings"].asstr()[()]), form["warnings"])
            # And names the files it was loaded from the same way.
            self.assertEqual(list(f["scenario/source_files"].asstr()[()]),
                             ["thousands-variant.toml", "thousands.toml", "<builtin>/reference-r1.toml",
                              "<builtin>/convention-2021.toml"])

    def test_a_run_names_uploaded_files_as_the_planner_knows_them(self):
        # A server whose TMPDIR is not in normal form: files reached through
        # `extends` are, so the two must still be recognised as one directory.
        server = Workbench(BINARY, tmpdir_spelt=lambda d: d + "/./")
        try:
            session = server.session()
            body, boundary = multipart([("mine.toml", b'extends = "base.toml"\nname = "mine"\n'),
                                        ("base.toml", b'extends = "reference-r1.toml"\nname = "base"\n')])
            status, form = server.request("POST", f"/api/s/{session}/scenario", body,
                                          {"Content-Type": f"multipart/form-data; boundary={boundary}"})
            self.assertEqual(status, 200, form)
            status, started = server.request("POST", f"/api/s/{session}/runs",
                                             {"baseline": True, "replications": 20, "seed": 3})
            self.assertEqual(status, 202, started)
            run = server.wait(session, started["run"])
            self.assertEqual(run["state"], "done", run)
            files = f"/api/s/{session}/runs/{run['run']}/files"
            status, data, _ = server.request("GET", f"{files}/run.h5", raw=True)
            self.assertEqual(status, 200)
            kept = os.path.join(WORK, "named-run.h5")
            with open(kept, "wb") as out:
                out.write(data)
            named = ["mine.toml", "base.toml", "<builtin>/reference-r1.toml", "<builtin>/convention-2021.toml"]
            with h5py.File(kept, "r") as f:
                self.assertEqual(list(f["scenario/source_files"].asstr()[()]), named)
                resolved = f["scenario/resolved_toml"].asstr()[()]
            self.assertEqual(resolved.split("\n")[0], "# Resolved scenario (extends applied) from: " + " ".join(named))
            status, toml, _ = server.request("GET", f"{files}/scenario.toml", raw=True)
            self.assertEqual((status, toml.decode()), (200, resolved))
            # The report's command to draw it again names the file as downloaded,
            # and nothing in the page says where the server keeps it.
            status, page, _ = server.request("GET", f"{files}/report-fr.html", raw=True)
            self.assertEqual(status, 200)
            self.assertIn(b"fnesim report run.h5 --lang fr -o report-fr.html", page)
            self.assertNotIn(server.tmpdir.encode(), page)
        finally:
            status, left = server.stop()
        self.assertEqual((status, left), (0, []))

    def test_a_second_signal_while_it_stops_leaves_nothing(self):
        # The server stops by cancelling its runs and removing its sessions' files, which no
        # list of temporaries names: a second SIGTERM (or Ctrl-C) then ended it by the signal,
        # exit 143, with a run's files left in TMPDIR.
        server = Workbench(BINARY)
        session = server.session()
        self.assertEqual(server.request("POST", f"/api/s/{session}/scenario", {"builtin": "convention-2021"})[0], 200)
        status, started = server.request("POST", f"/api/s/{session}/runs",
                                         {"values": {}, "replications": 100, "seed": 4})
        self.assertEqual(status, 202, started)
        server.wait_for_state(session, started["run"], "charts")
        for _ in range(2):
            server.process.send_signal(signal.SIGTERM)
            time.sleep(0.02)
        status, left = server.stop()
        self.assertEqual((status, left), (0, []))

    def test_a_refused_upload_keeps_the_scenario_loaded_before(self):
        session = self.server.session()
        body, boundary = multipart([("mine.toml", b'extends = "steering-2021.toml"\nname = "mine"\n')])
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        self.assertEqual(self.server.request("POST", f"/api/s/{session}/scenario", body, headers)[0], 200)
        body, boundary = multipart([("convention-2021.toml", b'extends = "financing-2021.toml"\nname = 3\n')])
        status, refused = self.server.request("POST", f"/api/s/{session}/scenario", body,
                                              {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual(status, 400)
        self.assertTrue(refused["diagnostics"][0]["text"].startswith("convention-2021.toml:"), refused)
        # A key of 40 000 dotted parts (80 kB) nests as many tables, which the TOML
        # parser frees by recursion: the stack overflowed and the server died. Refused.
        deep = b"extends = \"steering-2021.toml\"\n" + b".".join([b"a"] * 40000) + b" = 1\n"
        body, boundary = multipart([("deep.toml", deep)])
        status, refused = self.server.request("POST", f"/api/s/{session}/scenario", body,
                                              {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual(status, 400, refused)
        self.assertTrue(refused["diagnostics"][0]["text"].startswith("deep.toml:2:1:"), refused)
        self.assertIn("more than 64 dotted parts", refused["diagnostics"][0]["text"])
        # The baseline is still mine.toml, as loaded: not the refused file, and no crash.
        status, base = self.server.request("POST", f"/api/s/{session}/runs",
                                           {"baseline": True, "replications": 50, "seed": 2})
        self.assertEqual(status, 202, base)
        done = self.server.wait(session, base["run"])
        self.assertEqual(done["state"], "done", done)
        self.assertEqual(done["summary"]["scenario"], "mine")
        # A variant of an uploaded file named like its variant is not taken for a cycle.
        body, boundary = multipart([("mine-variant.toml", b'extends = "convention-2021.toml"\nname = "mine"\n')])
        self.assertEqual(self.server.request("POST", f"/api/s/{session}/scenario", body,
                                             {"Content-Type": f"multipart/form-data; boundary={boundary}"})[0], 200)
        status, answer = self.server.request("POST", f"/api/s/{session}/validate", {"values": {
            "demand.arrivals.expected_dossiers": "9000"}})
        self.assertTrue(answer["ok"], answer)
        self.assertIn('name = "mine-variant-2"', answer["variant_toml"])

    def test_bodies_without_a_length_and_requests_from_other_sites_are_refused(self):
        session = self.server.session()
        connection = socket.create_connection(("127.0.0.1", self.server.port), timeout=30)
        connection.sendall((f"POST /api/s/{session}/scenario HTTP/1.1\r\nHost: 127.0.0.1:{self.server.port}\r\n"
                            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "5\r\n{\"bu\"\r\n0\r\n\r\n").encode())
        answer = connection.recv(65536).decode(errors="replace")
        connection.close()
        self.assertTrue(answer.startswith("HTTP/1.1 411"), answer[:100])
        status, refused = self.server.request("POST", "/api/sessions", headers={"Sec-Fetch-Site": "cross-site"})
        self.assertEqual(status, 403)
        self.assertIn("other sites", refused["error"])

    def test_a_comparison_while_another_session_simulates(self):
        first, _ = self.builtin_session()
        second, _ = self.builtin_session()
        runs = []
        for baseline in (True, False):
            status, started = self.server.request("POST", f"/api/s/{second}/runs", {
                "baseline": baseline, "values": {"demand.arrivals.expected_dossiers": "11000"},
                "replications": 50, "seed": 9})
            runs.append(started["run"])
        for run in runs:
            self.assertEqual(self.server.wait(second, run)["state"], "done")
        status, long_run = self.server.request("POST", f"/api/s/{first}/runs",
                                               {"values": {}, "replications": 4000, "seed": 3})
        self.server.wait_for_state(first, long_run["run"], "running")
        # Read while the other run writes its run file: no trial reading in a child, no wait.
        status, comparison = self.server.request("GET", f"/api/s/{second}/compare?baseline={runs[0]}&variant={runs[1]}")
        self.assertEqual(status, 200, comparison)
        # The runs as the page names them, not where the server keeps them (its path holds the session's key).
        self.assertEqual((comparison["a"]["file"], comparison["b"]["file"]), (f"run {runs[0]}", f"run {runs[1]}"))
        self.assertNotIn(self.server.tmpdir, json.dumps(comparison))
        self.assertEqual(self.server.wait(first, long_run["run"])["state"], "done")

    def test_cancelled_while_its_report_is_drawn(self):
        session, _ = self.builtin_session()
        status, started = self.server.request("POST", f"/api/s/{session}/runs",
                                              {"values": {}, "replications": 100, "seed": 4})
        self.server.wait_for_state(session, started["run"], "charts")
        status, _ = self.server.request("DELETE", f"/api/s/{session}/runs/{started['run']}")
        self.assertEqual(status, 200)
        self.assertEqual(self.server.wait(session, started["run"])["state"], "cancelled")
        self.assertFalse(any(f"{session}/run-{started['run']}/" in f for f in self.server.session_files()))

    def test_a_session_ended_while_a_report_is_drawn_leaves_nothing(self):
        session, _ = self.builtin_session()
        status, started = self.server.request("POST", f"/api/s/{session}/runs",
                                              {"values": {}, "replications": 100, "seed": 4})
        self.assertEqual(self.server.wait(session, started["run"])["state"], "done")
        drawing = threading.Thread(target=self.server.request, args=(
            "GET", f"/api/s/{session}/runs/{started['run']}/chart/en/fan_national.png"))
        drawing.start()
        time.sleep(0.5)
        self.server.request("POST", f"/api/s/{session}/end")
        drawing.join()
        self.assertEqual([f for f in self.server.session_files() if session in f], [])
        self.assertFalse(os.path.exists(os.path.join(self.server.root(), session)))

    def test_a_report_asked_for_after_its_files_were_removed_says_so(self):
        # A cleaner of temporary files removed the run's directory under the
        # server: the English report, drawn when first asked for, cannot be.
        session, _ = self.builtin_session("reference-r1")
        status, started = self.server.request("POST", f"/api/s/{session}/runs",
                                              {"values": {}, "replications": 20, "seed": 4})
        self.assertEqual(self.server.wait(session, started["run"])["state"], "done")
        shutil.rmtree(os.path.join(self.server.root(), session, f"run-{started['run']}"))
        status, body = self.server.request("GET", f"/api/s/{session}/runs/{started['run']}/files/report-en.html")
        self.assertEqual(status, 500, body)
        self.assertIn("no longer on the server", body["error"])
        self.assertIn("run it again", body["error"])

    def test_a_forecast_from_actuals_is_fnesim_runs(self):
        session, _ = self.builtin_session("observed-september-2021")
        status, refused = self.server.request("POST", f"/api/s/{session}/runs",
                                              {"values": {}, "replications": 100, "seed": 5, "as_of": "2021-09-16"})
        self.assertEqual((status, refused["error"]), (400, "as_of: upload the actuals first"))
        csv = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scenarios", "actuals",
                           "national-2021-09-15.csv")
        with open(csv, "rb") as f:
            body, boundary = multipart([("national-2021-09-15.csv", f.read())], part="actuals")
        status, loaded = self.server.request("POST", f"/api/s/{session}/actuals", body,
                                             {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual(status, 200, loaded)
        self.assertEqual((loaded["file"], loaded["last_day"], loaded["warnings"]),
                         ("national-2021-09-15.csv", "2021-09-30", []))
        status, started = self.server.request("POST", f"/api/s/{session}/runs",
                                              {"values": {}, "replications": 100, "seed": 5, "as_of": "2021-09-16"})
        run = self.server.wait(session, started["run"])
        self.assertEqual(run["state"], "done", run)
        self.assertIn("Forecast from actuals: national-2021-09-15.csv", run["actuals_report"])
        self.assertEqual(run["command"],
                         "fnesim run variant.toml --actuals national-2021-09-15.csv --as-of 2021-09-16 -n 100 -s 5")
        self.assertIn("national-2021-09-15.csv", run["files"])
        # The command it states, run from a shell with the files it serves, gives the same summary.
        for name in ("variant.toml", "national-2021-09-15.csv"):
            status, data, _ = self.server.request("GET", f"/api/s/{session}/runs/{run['run']}/files/{name}", raw=True)
            with open(os.path.join(WORK, name), "wb") as out:
                out.write(data)
        summary = os.path.join(WORK, "actuals-summary.json")
        subprocess.run([BINARY, *run["command"].split()[1:], "--summary-json", summary, "--force"], cwd=WORK,
                       check=True, stdout=subprocess.DEVNULL)
        with open(summary) as f:
            from_shell = json.load(f)
        # To the byte, where the forecast started included: the file keeps its uploaded name.
        self.assertEqual(run["summary"]["forecast_from"]["actuals"], "national-2021-09-15.csv")
        self.assertEqual(run["summary"], from_shell)
        self.assertEqual(from_shell["forecast_from"]["as_of"], "2021-09-16")
        # The day the monthly file's figures stop, as `run --through` takes it: the same forecast as
        # the month to date, a command that says it, and a later cut-off refused.
        status, started = self.server.request("POST", f"/api/s/{session}/runs", {
            "values": {}, "replications": 100, "seed": 5, "as_of": "2021-09-16", "through": "2021-09-15"})
        self.assertEqual(status, 202, started)
        through = self.server.wait(session, started["run"])
        self.assertEqual((through["state"], through["through"]), ("done", "2021-09-15"), through)
        self.assertEqual(through["command"],
                         "fnesim run variant.toml --actuals national-2021-09-15.csv --as-of 2021-09-16 "
                         "--through 2021-09-15 -n 100 -s 5")
        self.assertEqual(through["summary"], run["summary"])
        for body, error in [({"through": "2021-09-15"}, "through: the day the actuals stop goes with a cut-off"),
                            ({"as_of": "2021-09-16", "through": "2021-08-31"},
                             "through 2021-08-31: must fall in the actuals' last month, 2021-09"),
                            ({"as_of": "2021-09-16", "through": "15/09/2021"}, "through: expected a date")]:
            status, refused = self.server.request("POST", f"/api/s/{session}/runs",
                                                  {"values": {}, "replications": 10, "seed": 5, **body})
            self.assertEqual(status, 400, refused)
            self.assertIn(error, refused["error"])
        # A cut-off the actuals cannot support is refused when the run is asked for, in the
        # reader's words (it was queued, and failed), as is a value of another type.
        for body, error in [({"as_of": "2021-09-20", "through": "2021-09-15"}, "the actuals end on 2021-09-15"),
                            ({"as_of": "2021-12-31"}, "national-2021-09-15.csv: cut-off 2021-12-31: the actuals end"),
                            ({"as_of": "2021-08-15"}, "monthly aggregates give August whole"),
                            ({"as_of": "2021-09-16", "baseline": "true"}, "baseline: expected true or false")]:
            status, refused = self.server.request("POST", f"/api/s/{session}/runs",
                                                  {"values": {}, "replications": 10, "seed": 5, **body})
            self.assertEqual(status, 400, refused)
            self.assertIn(error, refused["error"])
        body, boundary = multipart([("broken.csv", b"region,month,committed\nXX,2021-13,abc\n")], part="actuals")
        status, refused = self.server.request("POST", f"/api/s/{session}/actuals", body,
                                              {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual(status, 400, refused)
        self.assertTrue(refused["diagnostics"][0]["text"].startswith("broken.csv:"), refused)
        # Amounts typed in millions load, and the answer says so.
        body, boundary = multipart([("millions.csv", b"month,region,dossiers,trainees,committed_eur\n"
                                                     b"2021-03,national,400,4500,5.20\n")], part="actuals")
        status, loaded = self.server.request("POST", f"/api/s/{session}/actuals", body,
                                             {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual(status, 200, loaded)
        self.assertEqual(len(loaded["warnings"]), 1, loaded)
        self.assertTrue(loaded["warnings"][0].startswith("millions.csv:1:5: committed_eur: warning: 5.20 EUR"), loaded)
        self.assertIn("thousands or millions", loaded["warnings"][0])
        # Named like a table the run writes beside it, the actuals are served as actuals.csv, and said so.
        with open(csv, "rb") as f:
            body, boundary = multipart([("regions.csv", f.read())], part="actuals")
        status, loaded = self.server.request("POST", f"/api/s/{session}/actuals", body,
                                             {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual((status, loaded["file"]), (200, "actuals.csv"), loaded)

    def test_a_foreign_host_is_not_served(self):
        status, refused = self.server.request("GET", "/api/info", headers={"Host": "evil.example:80"})
        self.assertEqual(status, 421)
        self.assertIn("answers only to", refused["error"])

    def test_two_runs_at_once_wait_their_turn_and_a_run_can_be_cancelled(self):
        first, _ = self.builtin_session()
        second, _ = self.builtin_session("observed-2021")
        status, long_run = self.server.request("POST", f"/api/s/{first}/runs",
                                               {"values": {}, "replications": 20000, "seed": 3})
        self.assertEqual(status, 202)
        status, waiting = self.server.request("POST", f"/api/s/{second}/runs",
                                              {"values": {}, "replications": 300, "seed": 4})
        self.assertEqual(status, 202)
        status, state = self.server.request("GET", f"/api/s/{second}/runs/{waiting['run']}")
        self.assertEqual(state["state"], "queued")
        self.assertGreaterEqual(state["queue_position"], 1)
        # Another session cannot see, cancel or download the first session's run.
        status, _ = self.server.request("DELETE", f"/api/s/{second}/runs/{long_run['run']}")
        self.assertEqual(status, 404)
        # The queue is full at two waiting runs.
        status, third = self.server.request("POST", f"/api/s/{second}/runs",
                                            {"values": {}, "replications": 300, "seed": 5})
        status, refused = self.server.request("POST", f"/api/s/{second}/runs",
                                              {"values": {}, "replications": 300, "seed": 6})
        self.assertEqual(status, 429, refused)
        status, _ = self.server.request("DELETE", f"/api/s/{second}/runs/{third['run']}")
        self.assertEqual(status, 200)
        status, _ = self.server.request("DELETE", f"/api/s/{first}/runs/{long_run['run']}")
        self.assertEqual(status, 200)
        self.assertEqual(self.server.wait(first, long_run["run"])["state"], "cancelled")
        self.assertEqual(self.server.wait(second, third["run"])["state"], "cancelled")
        done = self.server.wait(second, waiting["run"])
        self.assertEqual(done["state"], "done", done)
        self.assertFalse(any(f"{first}/run-{long_run['run']}/" in f for f in self.server.session_files()),
                         "a cancelled run's files remain")
        # A session that ends takes its files with it.
        self.server.request("POST", f"/api/s/{second}/end")
        self.assertFalse(any(second in f for f in self.server.session_files()))
        status, gone = self.server.request("GET", f"/api/s/{second}/runs/{waiting['run']}")
        self.assertEqual(status, 404)
        self.assertIn("reload the page", gone["error"])
        status, refused = self.server.request("POST", f"/api/s/{first}/runs",
                                              {"values": {}, "replications": 10**9, "seed": 1})
        self.assertEqual(status, 400)
        self.assertIn("between 1 and 20000", refused["error"])

    def test_a_run_gives_the_same_figures_as_fnesim_run(self):
        session, _ = self.builtin_session("observed-september-2021")
        values = {"convention.regions.IDF.envelope_eur": "30 500 000",
                  "convention.regions.ARA.envelope_eur": "25 500 000"}
        status, started = self.server.request("POST", f"/api/s/{session}/runs",
                                              {"values": values, "replications": 400, "seed": 11})
        self.assertEqual(status, 202, started)
        run = self.server.wait(session, started["run"])
        self.assertEqual(run["state"], "done", run)
        self.assertEqual(run["charts"], ["fan_national", "fan_regions", "p_exhausted", "additional_needed"])
        status, toml, response = self.server.request("GET", f"/api/s/{session}/runs/{run['run']}/files/variant.toml",
                                                     raw=True)
        self.assertEqual(status, 200)
        self.assertIn("attachment", response.getheader("Content-Disposition"))
        # Only what changed, and each region's demand held where the money moved (form.cpp).
        stated = [line for line in toml.decode().splitlines() if line and not line.startswith("#")]
        held = [line for line in stated if line.startswith("demand.regions.")]
        self.assertEqual(len(held), 12, toml)
        self.assertTrue(len(stated) - len(held) < 6, toml)
        variant = os.path.join(WORK, "variant.toml")
        with open(variant, "wb") as out:
            out.write(toml)
        summary = os.path.join(WORK, "cli-summary.json")
        subprocess.run([BINARY, "run", variant, "-n", "400", "-s", "11", "-j", "1", "--summary-json", summary,
                        "--force"], check=True, stdout=subprocess.DEVNULL)
        with open(summary) as f:
            expected = json.load(f)
        self.assertEqual(run["summary"], expected)
        status, served, _ = self.server.request("GET", f"/api/s/{session}/runs/{run['run']}/files/summary.json",
                                                raw=True)
        with open(summary, "rb") as f:
            self.assertEqual(served, f.read())
        # The report in English is drawn when first asked for.
        status, page, _ = self.server.request("GET", f"/api/s/{session}/runs/{run['run']}/files/report-en.html",
                                              raw=True)
        self.assertEqual(status, 200)
        self.assertIn(b"<html", page)
        status, png, response = self.server.request(
            "GET", f"/api/s/{session}/runs/{run['run']}/chart/en/p_exhausted.png", raw=True)
        self.assertEqual((status, png[:4], response.getheader("Content-Type")), (200, b"\x89PNG", "image/png"))
        # The comparison with the parent, paired as `fnesim compare` pairs it.
        status, base = self.server.request("POST", f"/api/s/{session}/runs",
                                           {"baseline": True, "replications": 400, "seed": 11})
        self.assertEqual(self.server.wait(session, base["run"])["state"], "done")
        status, comparison = self.server.request(
            "GET", f"/api/s/{session}/compare?baseline={base['run']}&variant={run['run']}")
        self.assertEqual(status, 200, comparison)
        self.assertEqual(comparison["design"], "paired")
        self.assertEqual(comparison["a"]["scenario"], "observed-september-2021")
        self.assertEqual(comparison["b"]["scenario"], "observed-september-2021-variant")


def multipart(files, part="files"):
    boundary = "fnesimboundary7d1"
    body = b""
    for name, content in files:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{part}\"; filename=\"{name}\"\r\n"
                 f"Content-Type: application/toml\r\n\r\n").encode() + content + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), boundary


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
