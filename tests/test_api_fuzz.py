"""Schemathesis against the live schema, as a zone officer and as a city admin: no request it
makes gets a server error, or an answer the schema does not promise (status, content type or
body). The OpenAPI document is what other systems are built from, so it must be true.

It runs on PostgreSQL, as CI runs the suite a second time there, with a bound on examples per
operation and a fixed seed, so it stays within CI's time and a failure can be replayed
(`schemathesis run … --seed 20261202`). Every server error it finds becomes a regression test
of its own.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from accounts.models import User
from accounts.services import issue_token
from reporting.services import open_submission
from reporting.tests.factories import last_month_end, make_data_set
from territory.models import Unit

from .factories import assessment_run, registry_items

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CHECKS = ",".join(
    [
        "not_a_server_error",
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
    ]
)
SEED = "20261202"
EXAMPLES = "5"  # per operation and phase: about 1,500 requests for each user


def _something_of_every_kind() -> dict[str, int]:
    """An item of each registry in two zones of two districts, their reports and a run; the
    ids of the ones in 成都新经济活力区 (seen by both users) by the endpoint they are read at."""
    zones = list(Unit.objects.filter(code__in=["z-new-economy", "z-bailuwan"]).order_by("code"))
    data_set = make_data_set(units=[z.code for z in zones])
    ids = {}
    for zone in zones:
        items = registry_items(zone)
        submission = open_submission(data_set, zone, last_month_end())
        if zone.code == "z-new-economy":
            ids = {endpoint: items[key].pk for endpoint, key in ENDPOINTS.items()}
            ids["submissions"] = submission.pk
    ids["assessment_runs"] = assessment_run(zones, User.objects.get(username="admin")).pk
    return ids


# The endpoint of each registry → its item in tests.factories.registry_items
ENDPOINTS = {
    "carriers": "carrier",
    "platforms": "platform",
    "service_projects": "service",
    "enterprises": "enterprise",
    "investment_projects": "project",
    "attraction_targets": "target",
}


def _config(ids: dict[str, int]) -> str:
    """A schemathesis.toml that sends each `{id}` operation to an object that exists, so the
    fuzzer reaches the code behind the 404 (reads, writes, uploads, steps)."""
    blocks = [
        f'[[operations]]\ninclude-path-regex = "^/api/v1/{endpoint}/\\\\{{id\\\\}}/"\n'
        f'parameters = {{ "path.id" = {pk} }}\n'
        for endpoint, pk in ids.items()
    ]
    return "\n".join(blocks)


# The coverage phase (every boundary and wrong type of each field, a few thousand requests)
# for the city admin, who reaches every endpoint; random examples and sequences for both.
@pytest.mark.parametrize(
    ("username", "phases"),
    [("xinjingji", "fuzzing,stateful"), ("admin", "coverage,fuzzing,stateful")],
)
def test_fuzzing_the_live_schema_finds_no_server_error_and_no_broken_answer(
    loaded_data, live_server, settings, tmp_path, username, phases
):
    if connection.vendor != "postgresql":
        pytest.skip("the fuzzer runs on PostgreSQL (CI runs the suite there too)")
    settings.ZONEPLAN_API_RATE = "1000000/minute"  # the fuzzer, not the throttle, is tested
    (tmp_path / "schemathesis.toml").write_text(_config(_something_of_every_kind()))
    _token, key = issue_token(
        user=User.objects.get(username=username), name="fuzz", days=1, can_write=True
    )
    command = [
        str(SCHEMATHESIS), "run", f"{live_server.url}/api/v1/schema/?format=json",
        "--header", f"Authorization: Token {key}",
        "--checks", CHECKS,
        "--max-examples", EXAMPLES,
        "--seed", SEED,
        "--phases", phases,
        "--workers", "1",
        "--suppress-health-check", "all",
        "--request-timeout", "30",
    ]  # fmt: skip
    result = subprocess.run(
        command,
        cwd=tmp_path,  # its reports stay out of the repository
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=1200,
    )
    summary = result.stdout[-8000:]
    assert result.returncode == 0, summary
    counts = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", summary)
    assert counts, summary
    assert int(counts[3]) == int(counts[2]) > 60, "every operation of the schema was tried"
