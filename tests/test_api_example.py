"""The Python example of docs/api.md, run as it is (a separate process with `requests`) against
a live server: it must work for a reader who copies it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from accounts.services import issue_token
from carriers.models import Carrier
from reporting.models import Submission
from reporting.tests.factories import make_data_set

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def _example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1, "docs/api.md holds one Python example"
    return blocks[0]


def test_the_example_in_docs_api_runs_against_a_live_server(loaded_data, live_server):
    from accounts.models import User

    make_data_set()  # 功能区月报: the zone reports its output (产值, yuan) every month
    _token, key = issue_token(
        user=User.objects.get(username="xinjingji"), name="example", days=1, can_write=True
    )
    result = subprocess.run(
        [sys.executable, "-c", _example()],
        env={"ZONEPLAN_URL": live_server.url, "ZONEPLAN_TOKEN": key, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[-3].startswith('示例开发公司 "')  # the change, with its new ETag
    assert re.fullmatch(r"\d+ carriers", lines[-2])
    assert lines[-1].startswith("submitted [") and "'125000.0000'" in lines[-1]
    report = Submission.objects.get(unit__code="z-new-economy")
    assert report.state == "submitted" and report.values.get().value == 125_000
    carrier = Carrier.objects.get(name="示例科创空间")
    assert carrier.floor_area_m2 == 52000 and carrier.developer == "示例开发公司"
    assert carrier.history.first().history_change_reason.startswith("API · example")
