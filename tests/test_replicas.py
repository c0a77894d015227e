"""deploy/: Debian's nginx, configured by deploy/nginx.conf, in front of two app replicas on loopback sharing one
PostgreSQL store; a browser pinned to each replica (the route cookie), an upload on one seen on the other."""
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT, make_workbook
from tests.postgres import free_port
from tests.test_browser import CHROMIUM, running_app

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
PLAN = "Replica Test 2025"


def nginx_in_front_of(replicas: list[str], tmp_path):
    """deploy/nginx.conf with its ports replaced by a free one and the replicas'; returns (process, url)."""
    port = free_port()
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    servers = "".join(f"        server {url.removeprefix('http://')};\n" for url in replicas)
    conf = re.sub(r"(        server 127\.0\.0\.1:86\d\d;[^\n]*\n)+", servers, conf)
    conf = conf.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    (tmp_path / "tmp").mkdir()
    (tmp_path / "nginx.conf").write_text(conf)
    proc = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", "nginx.conf", "-e", "stderr", "-g", "daemon off;"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(50):
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail("nginx did not start: " + proc.stdout.read().decode()[-2000:])


def routes_to_each(url: str, replicas: list[str]) -> dict[str, str]:
    """A route cookie value that nginx sends to each replica (it says which in X-Scorecard-Replica)."""
    found = {}
    for k in range(200):
        req = urllib.request.Request(url + "/_stcore/health", headers={"Cookie": f"scorecard_route=r{k}"})
        with urllib.request.urlopen(req, timeout=5) as res:
            found.setdefault(res.headers["X-Scorecard-Replica"], f"r{k}")
        if len(found) == len(replicas):
            return found
    pytest.fail(f"nginx sent every route to {sorted(found)}")


@pytest.mark.slow
def test_the_replicas_are_not_started_without_sign_in(tmp_path):
    """Behind a load balancer the app serves beyond its computer: start-replicas.sh refuses, as a public bind."""
    res = subprocess.run(["bash", str(ROOT / "deploy" / "start-replicas.sh"), "2"], capture_output=True, text=True,
                         cwd=tmp_path, timeout=60, env={**os.environ, "PYTHON": sys.executable,
                                                        "SCORECARD_DB": "postgresql://nowhere.invalid/scorecard"})
    assert res.returncode == 1 and "sign-in" in res.stderr.lower(), res.stderr
    assert not (ROOT / "logs").exists()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is installed by make test / CI (apt)")
@pytest.mark.skipif(NGINX is None, reason="nginx is installed by make test / CI (apt)")
def test_an_upload_on_one_replica_behind_nginx_is_seen_on_the_other(postgres, demo_pg, tmp_path):
    from playwright.sync_api import sync_playwright
    db = postgres.new_database(template=demo_pg)
    workbook = make_workbook(tmp_path / "replica.xlsx", {
        "Plan": [["Authority", "Testshire County Council"], ["Plan", PLAN], ["As at", "Mar-24"]],
        "Measures": [["Code", "Measure", "Unit"], ["M1", "Visits on time", "%"]],
        "Values": [["Code", "Period", "Value"], ["M1", "Mar-24", 71]]})
    with running_app(db, "--server.address", "127.0.0.1") as one, \
            running_app(db, "--server.address", "127.0.0.1") as two:
        proc, url = nginx_in_front_of([one, two], tmp_path)
        try:
            routes = routes_to_each(url, [one, two])
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                pages = []
                for replica in (one, two):
                    context = browser.new_context(viewport={"width": 1600, "height": 1000})
                    context.add_cookies([{"name": "scorecard_route", "value": routes[replica.removeprefix("http://")],
                                          "url": url}])
                    pages.append(context.new_page())
                uploader, viewer = pages
                viewer.goto(f"{url}/?plan={PLAN.replace(' ', '+')}")
                viewer.get_by_text(f"No plan called '{PLAN}'").wait_for(timeout=60_000)

                uploader.goto(f"{url}/upload")
                uploader.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(workbook))
                uploader.get_by_role("button", name="Load replica.xlsx").click(timeout=60_000)
                uploader.get_by_text(f"into {PLAN} as upload").wait_for(timeout=60_000)

                viewer.reload()
                viewer.locator("h1", has_text=PLAN).wait_for(timeout=60_000)
                assert viewer.locator('[data-testid="stException"]').count() == 0
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
