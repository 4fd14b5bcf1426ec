"""Screenshots of pages in headless Chromium, in Chinese and English, for review.

    .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000] [--out screenshots]

Logs in as a demo user (run `make demo-data` and a server first) and writes one PNG per page
and language. Uses Debian's chromium; never downloads a browser.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from core.browser import CHROMIUM_ARGS, CHROMIUM_PATH

PAGES = [
    ("home", "/"),
    ("zones", "/zones/"),
    ("zone", "/zones/z-new-economy/"),
    ("plan", "/plan/"),
    ("chains", "/chains/"),
    ("chain", "/chains/demo-smart-manufacturing/"),
    ("chain-node", "/chains/demo-smart-manufacturing/nodes/servo/"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="screenshots", type=Path)
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="zoneplan-demo")
    parser.add_argument("--full", action="store_true", help="whole page, not just the viewport")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        for language in ("zh-hans", "en"):
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
            host = args.base.split("//", 1)[1].split(":")[0]
            context.add_cookies(
                [{"name": "django_language", "value": language, "domain": host, "path": "/"}]
            )
            page = context.new_page()
            page.goto(f"{args.base}/login/")
            page.screenshot(path=args.out / f"login-{language}.png")
            page.fill("#id_username", args.user)
            page.fill("#id_password", args.password)
            page.click("button[type=submit].btn-primary")
            for name, path in PAGES:
                page.goto(f"{args.base}{path}")
                page.screenshot(path=args.out / f"{name}-{language}.png", full_page=args.full)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
