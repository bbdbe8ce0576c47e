"""Page speed on a phone (`make lighthouse`). A benchmark, not a test: it
prints its figures and exits 0; the scores move with the machine's load.

    python scripts/lighthouse.py [FILTER] [--runs N] [--save-assets DIR]

Builds the site strictly into a temporary folder, with site_url set to the
local server's address (as the deploy workflow sets it, so the sitemap lists
every page), serves it on 127.0.0.1, installs Lighthouse from npm into
build/lighthouse/ (ignored; nothing is saved to a package.json or lock file),
and runs Lighthouse's default mobile preset (a mid-range phone, simulated
slow 4G and a 4x slower CPU) on every page of the sitemap and on 404.html,
N times each (3 unless told). Lighthouse drives the system's Chromium
(core.chromium.CHROMIUM); it never downloads a browser.

One row per page, each figure the median of the runs: performance score,
total blocking time, largest contentful paint, bytes transferred, and the
three scripts that cost the main thread most (Lighthouse's bootup-time audit,
scripting + parse/compile, from the run with the median score). The
accessibility column is the lowest score over the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

from core.chromium import CHROMIUM, CHROMIUM_ARGS
from core.paths import ROOT
from harness.build import strict_build
from harness.serve import serving

LIGHTHOUSE = "lighthouse@12.8.2"
PREFIX = ROOT / "build" / "lighthouse"
CLI = PREFIX / "node_modules" / "lighthouse" / "cli" / "index.js"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def install_lighthouse() -> Path:
    if not CLI.exists():
        print(f"installing {LIGHTHOUSE} into {PREFIX.relative_to(ROOT)}/", flush=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--no-package-lock",
                "--prefix",
                str(PREFIX),
                LIGHTHOUSE,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return CLI


def build(site: Path, site_url: str) -> None:
    """The one strict build (harness.build), by this Python (make's VENV)."""
    result = strict_build(site, SITE_URL=site_url)
    if result.returncode:
        sys.exit(f"mkdocs build --strict failed:\n{result.stderr}")


def page_urls(site: Path, site_url: str) -> list[str]:
    """The sitemap's pages (a site built without site_url has an empty one:
    then every index.html), and the 404 page."""
    tree = ET.parse(site / "sitemap.xml")
    urls = [loc.text.strip() for loc in tree.iter(f"{SITEMAP}loc")]
    if not urls:
        folders = (p.parent.relative_to(site) for p in site.glob("**/index.html"))
        urls = sorted(
            site_url + "".join(f"{part}/" for part in folder.parts)
            for folder in folders
            if not folder.parts or folder.parts[0] not in ("assets", "search")
        )
    return [*urls, site_url + "404.html"]


def lighthouse(cli: Path, url: str, out: Path, save_assets: bool) -> dict:
    flags = [f for f in CHROMIUM_ARGS if f != "--headless"] + ["--headless=new"]
    args = [
        "node",
        str(cli),
        url,
        "--quiet",
        "--only-categories=performance,accessibility",
        "--output=json",
        f"--output-path={out}",
        f"--chrome-flags={' '.join(flags)}",
        "--max-wait-for-load=60000",
    ]
    if save_assets:
        args.append("--save-assets")
    subprocess.run(
        args,
        check=True,
        env={**os.environ, "CHROME_PATH": shutil.which(CHROMIUM) or CHROMIUM},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=300,
    )
    return json.loads(out.read_text())


def figures(report: dict) -> dict:
    audits = report["audits"]
    cats = report["categories"]
    boot = audits["bootup-time"].get("details", {}).get("items", [])
    scripts = sorted(
        boot,
        key=lambda item: -item.get("scripting", 0) - item.get("scriptParseCompile", 0),
    )
    return {
        "perf": round(cats["performance"]["score"] * 100),
        "a11y": round(cats["accessibility"]["score"] * 100),
        "tbt": audits["total-blocking-time"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
        "scripts": [
            (
                short(item["url"]),
                item.get("scripting", 0) + item.get("scriptParseCompile", 0),
            )
            for item in scripts[:3]
        ],
    }


def short(url: str) -> str:
    path = urlsplit(url).path
    if not path:
        return url  # "Unattributable"
    name = path.rstrip("/").rsplit("/", 1)[-1] or "/"
    name = name.split(".")[0] if name.endswith(".js") and name.count(".") > 1 else name
    return "page" if path.endswith("/") or path.endswith(".html") else name


def median_row(runs: list[dict]) -> dict:
    by_score = sorted(runs, key=lambda r: r["perf"])
    middle = by_score[(len(by_score) - 1) // 2]
    return {
        "perf": statistics.median_low([r["perf"] for r in runs]),
        "a11y": min(r["a11y"] for r in runs),
        "tbt": statistics.median([r["tbt"] for r in runs]),
        "lcp": statistics.median([r["lcp"] for r in runs]),
        "fcp": statistics.median([r["fcp"] for r in runs]),
        "cls": statistics.median([r["cls"] for r in runs]),
        "bytes": statistics.median([r["bytes"] for r in runs]),
        "scripts": middle["scripts"],
        "all": [r["perf"] for r in runs],
    }


HEADER = (
    f"{'page':34} {'perf':>4} {'runs':>10} {'a11y':>4} {'TBT ms':>7} {'LCP s':>6}"
    f" {'FCP s':>6} {'KiB':>5}  main-thread script ms (top 3)"
)


def row_text(name: str, row: dict) -> str:
    runs = "/".join(map(str, row["all"]))
    scripts = ", ".join(f"{s} {ms:.0f}" for s, ms in row["scripts"])
    return (
        f"{name:34} {row['perf']:>4} {runs:>10} {row['a11y']:>4} {row['tbt']:>7.0f}"
        f" {row['lcp'] / 1000:>6.2f} {row['fcp'] / 1000:>6.2f}"
        f" {row['bytes'] / 1024:>5.0f}  {scripts}"
    )


def measure(cli: Path, url: str, name: str, options, folder: Path) -> list[dict]:
    """The figures of each run that worked (a failed run is said and skipped)."""
    runs = []
    for n in range(options.runs):
        out = folder / "report.json"
        if options.save_assets:
            options.save_assets.mkdir(parents=True, exist_ok=True)
            stem = name.strip("/").replace("/", "_") or "index"
            out = options.save_assets / f"{stem}-{n}.json"
        try:
            report = lighthouse(cli, url, out, bool(options.save_assets))
            runs.append(figures(report))
        except (subprocess.SubprocessError, KeyError, TypeError, ValueError) as error:
            print(f"{name}: run {n + 1} failed: {type(error).__name__}: {error}")
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "filter", nargs="?", default="", help="only pages whose path contains this"
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per page (the median is shown)"
    )
    parser.add_argument(
        "--save-assets",
        type=Path,
        help="keep each run's report, trace and devtools log here",
    )
    parser.add_argument("--json", type=Path, help="write the rows as JSON here too")
    parser.add_argument(
        "--site", type=Path, help="measure this built site instead of building one"
    )
    options = parser.parse_args()

    cli = install_lighthouse()
    with tempfile.TemporaryDirectory() as folder:
        site = options.site.resolve() if options.site else Path(folder) / "site"
        with serving(site) as site_url:
            if not options.site:
                build(site, site_url)
            urls = [
                u
                for u in page_urls(site, site_url)
                if options.filter in u[len(site_url) :]
            ]
            print(HEADER, flush=True)
            rows = {}
            for url in urls:
                name = url[len(site_url) :] or "/"
                runs = measure(cli, url, name, options, Path(folder))
                if runs:
                    rows[name] = median_row(runs)
                    print(row_text(name, rows[name]), flush=True)
    if options.json:
        options.json.write_text(json.dumps(rows, indent=1))
    if rows:
        scores = [r["perf"] for r in rows.values()]
        below = ", ".join(n for n, r in rows.items() if r["perf"] < 98) or "none"
        a11y = ", ".join(n for n, r in rows.items() if r["a11y"] < 100) or "none"
        print(
            f"\n{len(rows)} pages: performance {min(scores)} to {max(scores)}, "
            f"median {statistics.median_low(scores)}; below 98: {below}; "
            f"accessibility below 100: {a11y}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
