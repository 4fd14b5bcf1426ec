"""How Zoneplan starts a headless browser: Debian's chromium, never a downloaded one.

Used by the page tests and scripts/screenshots.py. The flags keep Chromium from reaching for
the network (this machine and government intranets have none) and let it run as root.
"""

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
