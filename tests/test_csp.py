"""The Content-Security-Policy lets nothing run but this site's own scripts, and the pages that
draw with htmx, Leaflet and ECharts still work under it: a real browser records every
violation the policy reports while the cockpit, the map, a zone's shape editor and the
assessment pages are used, and there are none."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.test_browser import browser, log_in, page  # noqa: F401 - the browser fixtures

RECORD = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def test_every_page_sends_the_policy(client, users):
    client.force_login(users["admin"])
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script, no eval, no other host
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "Content-Security-Policy" in client.get(reverse("login"))


@pytest.mark.browser
def test_the_drawing_pages_work_under_the_policy(page):  # noqa: F811
    page.add_init_script(RECORD)
    log_in(page, "admin")
    page.goto(f"{page.base}/cockpit/")
    expect(page.locator("#cockpit-chart svg, #cockpit-chart canvas").first).to_be_visible()
    # Choosing another day sends the form (static/js/autosubmit.js, not an onchange attribute).
    options = page.locator("#id_day option")
    if options.count() > 1:
        value = options.nth(1).get_attribute("value")
        page.select_option("#id_day", value)
        page.wait_for_url(f"**day={value}**")
    assert page.evaluate("window.__violations") == []
    page.goto(f"{page.base}/map/")
    expect(page.locator("#zone-map canvas").first).to_be_attached()  # drawn on a canvas
    expect(page.locator("#map-status")).not_to_be_empty()  # its data was fetched and drawn
    assert page.evaluate("window.__violations") == []
    page.goto(f"{page.base}/zones/z-new-economy/shape/core_area/")
    expect(page.locator(".leaflet-draw-toolbar").first).to_be_visible()
    assert page.evaluate("window.__violations") == []
    page.goto(f"{page.base}/assessment/")
    expect(page.locator("#start-run")).to_be_visible()
    assert page.evaluate("window.__violations") == []
