"""Benchmark the reader's side: how fast pages open on a weak phone, against stock Material.

1. Lighthouse (mobile, its default simulated throttling) on three pages, in
   alternating order, `--rounds` times each: a stock Material for MkDocs
   one-page site (the floor, built in the same run), our home page and our
   parent checklist. Prints the medians side by side: performance and
   accessibility scores, FCP, LCP, TBT, CLS and the bytes Lighthouse counted.
2. The same pages in Chromium (Playwright) on an emulated slow-3G line
   (400 kbit/s, 400 ms, no cache, no compression, as python's http.server
   serves): first contentful paint, when the first checklist step (or the
   first heading) is on screen, and the bytes received by then.

Lighthouse comes from npm in benchmarks/lighthouse/ (its own package.json and
lock), only for this benchmark: `cd benchmarks/lighthouse && npm ci` (Node 20).

Run: .venv/bin/python benchmarks/bench_pages.py [--rounds 3] [--engine mkdocs|zensical]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sferum_onboard.site.build import build_site  # noqa: E402

LIGHTHOUSE = REPO / "benchmarks" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
MOBILE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True,
          "has_touch": True}

STOCK_CONFIG = """site_name: Stock Material
theme:
  name: material
  language: ru
  font: false  # Google Fonts are another host: the benchmark machine (and our site) reach none
"""
STOCK_PAGE = """# Как подключиться к чату класса

Короткая инструкция на одну страницу: так выглядит сайт Material for MkDocs
«из коробки», без наших стилей и скриптов.

## Что понадобится

- телефон с установленным мессенджером;
- ссылка-приглашение от классного руководителя;
- несколько минут времени.

## Шаги

1. Откройте ссылку-приглашение на телефоне.
2. Нажмите «Вступить» и подтвердите вход.
3. Напишите в чат класса своё имя.

!!! note "Если не получается"
    Спросите классного руководителя: он пришлёт ссылку ещё раз.
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class Server:
    """One folder on 127.0.0.1, uncompressed (python's http.server)."""

    def __init__(self, folder: Path):
        handler = functools.partial(_Quiet, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def build_stock(root: Path) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text(STOCK_PAGE, "utf-8")
    (root / "mkdocs.yml").write_text(STOCK_CONFIG, "utf-8")
    build(load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    return root / "site"


def build_ours(root: Path, engine: str) -> Path:
    for part in ("checklists", "content", "site_config"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    kwargs = {"engine": engine} if engine != "mkdocs" else {}
    return build_site(root, root / "site", **kwargs).site_dir


# --- Lighthouse ----------------------------------------------------------------


def lighthouse(url: str, out: Path) -> dict[str, float]:
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
               "--only-categories=performance,accessibility",
               "--chrome-flags=--headless=new " + " ".join(CHROMIUM_ARGS)]
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    report = json.loads(out.read_text("utf-8"))
    audits = report["audits"]
    return {
        "performance": report["categories"]["performance"]["score"],
        "accessibility": report["categories"]["accessibility"]["score"],
        "fcp": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
    }


# --- slow 3G in Chromium ---------------------------------------------------------

# Marks the first animation frame in which the watched element has a box: frames
# run only once the render-blocking resources are in, so this is when it is painted.
WATCH = """(selector) => new Promise(resolve => {
  const tick = () => {
    const element = document.querySelector(selector);
    if (element && element.getBoundingClientRect().height > 0) {
      resolve(performance.timeOrigin + performance.now());
    } else requestAnimationFrame(tick);
  };
  tick();
})"""
FCP = """() => new Promise(resolve => {
  const found = () => performance.getEntriesByName('first-contentful-paint')[0];
  if (found()) return resolve(performance.timeOrigin + found().startTime);
  new PerformanceObserver(() => found() && resolve(performance.timeOrigin + found().startTime))
    .observe({type: 'paint', buffered: true});
})"""


def throttled(browser):
    """A phone-sized page on slow 3G with no cache, and its CDP session."""
    context = browser.new_context(**MOBILE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    return context, page, cdp


def slow_3g(browser, url: str, selector: str) -> dict[str, float]:
    context, page, cdp = throttled(browser)
    clock: dict[str, float] = {}  # the first request: wall-clock start, CDP's monotonic seconds → wall-clock
    received: list[tuple[float, int]] = []

    def sent(event) -> None:
        clock.setdefault("start", event["wallTime"])
        clock.setdefault("offset", event["wallTime"] - event["timestamp"])

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.dataReceived", lambda e: received.append((e["timestamp"], e["dataLength"])))
    page.goto(url, wait_until="commit")
    fcp = page.evaluate(FCP) / 1000
    seen = page.evaluate(WATCH, selector) / 1000
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    context.close()

    def bytes_by(moment: float) -> int:
        return sum(size for stamp, size in received if stamp + clock["offset"] <= moment)

    start = clock["start"]
    return {"fcp": fcp - start, "seen": seen - start, "bytes_fcp": bytes_by(fcp), "bytes_seen": bytes_by(seen),
            "bytes_load": sum(size for _, size in received)}


SEARCHES = ("не приходит смс", "семейная защита")  # a first query and a second one, as a parent types them
SHOWN = "q => document.querySelector('.so-search__status').dataset.query === q"


def slow_3g_search(browser, url: str) -> dict[str, float]:
    """Seconds and bytes from typing to the results list, for a first and a second query."""
    context, page, _ = throttled(browser)
    received: list[int] = []  # bodies of the page's and its workers' requests, as they finish

    def finished(request) -> None:
        try:
            received.append(request.sizes()["responseBodySize"])
        except Exception:  # a request the page dropped has no sizes
            pass

    context.on("requestfinished", finished)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    figures = {}
    page.locator(".so-search-toggle").click()
    for n, query in enumerate(SEARCHES, 1):
        before, start = len(received), page.evaluate("performance.now()")
        page.locator("#so-search-input").fill(query)
        page.wait_for_function(SHOWN, arg=query, timeout=60_000)
        figures[f"time_{n}"] = (page.evaluate("performance.now()") - start) / 1000
        figures[f"bytes_{n}"] = sum(received[before:])
    context.close()
    return figures


# --- the table -------------------------------------------------------------------


def median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def print_table(title: str, columns: list[str], rows: list[tuple[str, str]], figures: dict) -> None:
    print(f"\n{title}")
    print(f"  {'':<34}" + "".join(f"{c:>20}" for c in columns))
    for label, key in rows:
        print(f"  {label:<34}" + "".join(f"{figures[c][key]:>20}" for c in columns))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="Lighthouse and slow-3G runs per page (median)")
    parser.add_argument("--engine", default="mkdocs", choices=["mkdocs", "zensical"], help="builds our site")
    parser.add_argument("--skip-lighthouse", action="store_true", help="only the slow-3G loads")
    args = parser.parse_args()
    if not args.skip_lighthouse and not LIGHTHOUSE.exists():
        print("Lighthouse is missing (cd benchmarks/lighthouse && npm ci): slow-3G loads only", file=sys.stderr)
        args.skip_lighthouse = True

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as scratch:
        scratch = Path(scratch)
        stock = Server(build_stock(scratch / "stock"))
        ours = Server(build_ours(scratch / "ours", args.engine))
        pages = {  # name → (URL, the element whose appearance counts as "the page is there")
            "stock Material": (stock.url, "article h1"),
            "our home page": (ours.url, "article h1"),
            "parent checklist": (ours.url + "checklists/parent/", "ol.so-checklist > li"),
        }
        columns = list(pages)
        try:
            light: dict[str, list] = {name: [] for name in pages}
            if not args.skip_lighthouse:
                for round_ in range(args.rounds):
                    for name, (url, _) in pages.items():
                        light[name].append(lighthouse(url, scratch / f"lh-{round_}.json"))
                        print(f"  lighthouse round {round_ + 1}: {name}: "
                              f"{light[name][-1]['performance']:.2f}", file=sys.stderr)
            slow: dict[str, list] = {name: [] for name in pages}
            searches: list[dict[str, float]] = []
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for _ in range(args.rounds):
                    for name, (url, selector) in pages.items():
                        slow[name].append(slow_3g(browser, url, selector))
                    searches.append(slow_3g_search(browser, ours.url))
                browser.close()
        finally:
            stock.close()
            ours.close()

    print(f"Pages, median of {args.rounds} alternating rounds; our site built with {args.engine}.")
    if not args.skip_lighthouse:
        med = {name: median(runs) for name, runs in light.items()}
        shown = {name: {
            "performance": f"{m['performance']:.2f}", "accessibility": f"{m['accessibility']:.2f}",
            "fcp": f"{m['fcp']:.2f} s", "lcp": f"{m['lcp']:.2f} s", "tbt": f"{m['tbt']:.0f} ms",
            "cls": f"{m['cls']:.3f}", "bytes": f"{m['bytes'] / 1000:.0f} KB"} for name, m in med.items()}
        print_table("Lighthouse 12, mobile (simulated throttling)", columns, [
            ("performance (goal ≥ 0.98)", "performance"), ("accessibility (goal 1.00)", "accessibility"),
            ("first contentful paint", "fcp"), ("largest contentful paint", "lcp"),
            ("total blocking time", "tbt"), ("cumulative layout shift (goal 0)", "cls"),
            ("total bytes", "bytes")], shown)
    med = {name: median(runs) for name, runs in slow.items()}
    shown = {name: {
        "fcp": f"{m['fcp']:.2f} s", "seen": f"{m['seen']:.2f} s", "bytes_fcp": f"{m['bytes_fcp'] / 1000:.0f} KB",
        "bytes_seen": f"{m['bytes_seen'] / 1000:.0f} KB", "bytes_load": f"{m['bytes_load'] / 1000:.0f} KB"}
        for name, m in med.items()}
    print_table("Slow 3G (400 kbit/s, 400 ms), Chromium, no compression", columns, [
        ("first contentful paint (goal ≤ 3 s)", "fcp"), ("first step / heading painted", "seen"),
        ("bytes by first paint", "bytes_fcp"), ("bytes by first step (≤ 150 KB)", "bytes_seen"),
        ("bytes by load", "bytes_load")], shown)
    found = median(searches)
    print("\nSearch on our home page, slow 3G (the 200 ms wait after typing included):")
    for n, query in enumerate(SEARCHES, 1):
        print(f"  {'first' if n == 1 else 'next'} query «{query}»: {found[f'time_{n}']:.2f} s, "
              f"{found[f'bytes_{n}'] / 1000:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
