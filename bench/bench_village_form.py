"""The village report form's first load on a slow phone connection, in Chromium.

One command:

    .venv/bin/python bench/bench_village_form.py            # 5 loads of each page
    .venv/bin/python bench/bench_village_form.py --runs 2

1. migrates and seeds the demo into a SQLite file of its own (``var/bench_village_form.sqlite3``,
   skipped when it exists) and starts ``manage.py runserver`` on 127.0.0.1:8207 (demo mode,
   DEBUG on: static files uncompressed, an upper bound of what production sends);
2. signs in as the focal person ``pic.desa`` (unthrottled);
3. for each run, opens a fresh browser context (no cache, no service worker yet) with the
   session cookie, throttles it with CDP ``Network.emulateNetworkConditions`` (400 kbit/s
   down and up, 400 ms latency) and loads the baseline (the sign-in page, signed out) and the
   report form; counts the bytes transferred (``Network.loadingFinished``'s
   ``encodedDataLength``, headers included) and the time from the start of navigation until
   the form is usable (its script has run: the draft key is set and the button is visible);
4. prints the median and worst of each against the goals (form <= 100 KB, usable <= 3 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8207
BASE = f"http://127.0.0.1:{PORT}"
DATABASE = ROOT / "var" / "bench_village_form.sqlite3"
KB_GOAL = 100.0
SECONDS_GOAL = 3.0
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SLOW = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400 * 1000 / 8,
    "uploadThroughput": 400 * 1000 / 8,
}


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{DATABASE}",
        BENTENG_DEMO="1",
        # Demo accounts sign in without a second factor only with DEBUG on; static files then
        # come through whitenoise's finders, uncompressed (production compresses them: the
        # figures below are an upper bound).
        DEBUG="1",
    )
    return env


def _prepare(env: dict[str, str]) -> None:
    if DATABASE.exists():
        return
    DATABASE.parent.mkdir(exist_ok=True)
    python = str(ROOT / ".venv" / "bin" / "python")
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [python, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def _serve(env: dict[str, str]) -> subprocess.Popen[bytes]:
    python = str(ROOT / ".venv" / "bin" / "python")
    server = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [python, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/masuk/", timeout=1)  # noqa: S310 - loopback http
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def _load(browser, url: str, cookies: list[dict[str, object]], ready: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(KB transferred, seconds until usable) of one cold load, throttled."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    if cookies:
        context.add_cookies(cookies)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW)
    transferred: list[float] = []
    cdp.on("Network.loadingFinished", lambda event: transferred.append(event["encodedDataLength"]))
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(ready, timeout=30_000)
    seconds = time.perf_counter() - started
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    context.close()
    return sum(transferred) / 1024, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    env = _environment()
    _prepare(env)
    server = _serve(env)
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            login = browser.new_context()
            page = login.new_page()
            page.goto(f"{BASE}/masuk/")
            page.get_by_label("Nama pengguna").fill("pic.desa")
            page.get_by_label("Kata sandi").fill("Benteng-Demo-2026")
            page.get_by_role("button", name="Masuk").click()
            page.wait_for_url(f"{BASE}/")
            cookies = login.cookies()
            login.close()
            rows = {"baseline: sign-in page": [], "report form (signed in)": []}
            for _ in range(runs):
                rows["baseline: sign-in page"].append(
                    _load(
                        browser,
                        f"{BASE}/masuk/",
                        [],
                        "() => !!document.querySelector('form button')",
                    )
                )
                rows["report form (signed in)"].append(
                    _load(
                        browser,
                        f"{BASE}/laporan-desa/baru/",
                        cookies,
                        "() => { const f = document.getElementById('report-form');"
                        " return f && f.elements.draft_uuid.value !== ''; }",
                    )
                )
            browser.close()
    finally:
        server.terminate()
        server.wait()
    print(f"Chromium, 360 x 740, 400 kbit/s down/up, 400 ms latency, cold cache, {runs} loads each")
    print(f"{'page':28} {'KB median':>10} {'KB max':>8} {'s median':>9} {'s max':>7}")
    for name, loads in rows.items():
        sizes = [size for size, _ in loads]
        times = [seconds for _, seconds in loads]
        print(
            f"{name:28} {statistics.median(sizes):10.1f} {max(sizes):8.1f} "
            f"{statistics.median(times):9.2f} {max(times):7.2f}"
        )
    form = rows["report form (signed in)"]
    worst_kb = max(size for size, _ in form)
    worst_s = max(seconds for _, seconds in form)
    print(
        f"goal: form <= {KB_GOAL:.0f} KB ({'met' if worst_kb <= KB_GOAL else 'MISSED'}), "
        f"usable <= {SECONDS_GOAL:.0f} s ({'met' if worst_s <= SECONDS_GOAL else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
