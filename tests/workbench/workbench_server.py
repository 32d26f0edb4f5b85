"""Starts `fnesim serve` on a free port for a test, and speaks its JSON API."""
import http.client
import json
import os
import re
import signal
import subprocess
import tempfile
import time


class Workbench:
    """A server of its own, with a private TMPDIR so that its files can be checked."""

    def __init__(self, binary, *options, tmpdir_spelt=lambda d: d):
        """`tmpdir_spelt`: how TMPDIR names the private directory (e.g. with a "/./")."""
        self.tmpdir = tempfile.mkdtemp(prefix="fnesim-serve-test-")
        env = dict(os.environ, TMPDIR=tmpdir_spelt(self.tmpdir))
        self.process = subprocess.Popen([binary, "serve", "--port", "0", *options], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, env=env)
        line = self.process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            self.process.kill()
            raise RuntimeError(f"fnesim serve did not say where it listens: {line!r} {self.process.stderr.read()}")
        self.port = int(match.group(1))
        self.url = f"http://127.0.0.1:{self.port}/"

    def request(self, method, path, body=None, headers=None, raw=False):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        all_headers = {"Content-Type": "application/json"} if data is not None and not isinstance(body, bytes) else {}
        all_headers.update(headers or {})
        if method == "POST" and data is None:
            data = b""
        connection.request(method, path, body=data, headers=all_headers)
        response = connection.getresponse()
        payload = response.read()
        connection.close()
        if raw:
            return response.status, payload, response
        try:
            return response.status, json.loads(payload) if payload else None
        except ValueError:
            return response.status, payload

    def session(self):
        status, body = self.request("POST", "/api/sessions")
        assert status == 201, (status, body)
        return body["session"]

    def wait(self, session, run, timeout=300):
        deadline = time.time() + timeout
        while time.time() < deadline:
            status, body = self.request("GET", f"/api/s/{session}/runs/{run}")
            assert status == 200, (status, body)
            if body["state"] in ("done", "failed", "cancelled"):
                return body
            time.sleep(0.2)
        raise AssertionError(f"run {run} not finished after {timeout} s")

    def wait_for_state(self, session, run, state, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            status, body = self.request("GET", f"/api/s/{session}/runs/{run}")
            if body["state"] == state:
                return body
            assert body["state"] not in ("done", "failed", "cancelled"), body
            time.sleep(0.05)
        raise AssertionError(f"run {run} never {state}")

    def root(self):
        """The server's own directory in its TMPDIR."""
        [name] = os.listdir(self.tmpdir)
        return os.path.join(self.tmpdir, name)

    def session_files(self):
        return sorted(os.path.relpath(os.path.join(d, f), self.tmpdir)
                      for d, _, files in os.walk(self.tmpdir) for f in files)

    def stop(self):
        """SIGTERM, as a service manager stops it: it must exit 0 and leave no file."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        status = self.process.returncode
        left = self.session_files() + [d for d in os.listdir(self.tmpdir)]
        os.rmdir(self.tmpdir) if not left else None
        return status, left
