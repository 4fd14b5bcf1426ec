"""Every URL of the project, for every role, with an object in the role's scope and one outside
it: a page in scope opens (or, for a page that changes data, opens only for roles that may
change it), a page outside scope is not found, and lists and exports show the one and not the
other. Each named URL needs a rule in RULES, so a new page without one fails here.

The roles are the demo users (conftest.users): a city admin and a city viewer, the district
officers of 高新区 and 锦江区, and the zone officers of a zone in each.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import timezone

from core import uploads
from core.models import Attachment
from investment.models import Conflict, ConflictMember, EnterpriseMerge
from opportunities.models import Field, Response, Scenario
from opportunities.services import save_draft
from opportunities.tests.conftest import content as opportunity_content
from reporting.models import Evidence
from reporting.services import open_submission
from reporting.tests.factories import last_month_end, make_data_set
from territory.models import Unit

from .factories import REGISTRY_KEYS, assessment_run, registry_items
from .test_every_url import PUBLIC, _patterns

A, B = "z-new-economy", "z-bailuwan"  # a zone in 高新区 and one in 锦江区

# user: (a zone in scope, a zone out of scope or None, may change data)
ROLES = {
    "admin": (A, None, True),
    "viewer": (B, None, False),
    "gaoxin": (A, B, True),
    "jinjiang": (B, A, True),
    "xinjingji": (A, B, True),
    "bailuwan": (B, A, True),
}
REFUSED = (403, 404)


@dataclass(frozen=True)
class Rule:
    """kind: "page" (no object: opens for everyone, or only writers when `writes`), "object"
    (`args(objects of a zone)` names one zone's object), "own" (an import token: only its
    uploader's), "started" (a background job: its starter's, and every one for a city admin), "list" (shows the zone's objects by name: `marker(objects)`), "export" (the
    same, in a workbook)."""

    kind: str
    args: Callable[[dict], dict] | None = None
    writes: bool = False
    marker: Callable[[dict], str] | None = None
    method: str = "get"
    query: str = ""  # for lists: narrow to the walk's objects (city roles see thousands)
    shared: bool = False  # seen by everyone (enterprises), changed only within scope
    redirects: bool = False  # may send a district or zone officer to their own unit's page
    admin_only: bool = False  # only a city administrator may (start or publish an assessment)
    city_only: bool = False  # only the city's roles may (a POST)
    admin_page: bool = False  # a page only a city administrator opens
    proposals: bool = False  # the walk's run proposes something for each of its zones first
    job_for_city: bool = False  # for the city's roles the page starts a job and opens its page
    body: str = '{"note": "巡检"}'  # an API write's JSON
    reporters: bool = False  # an API write only the zone's own officers (and the city) make
    own_unit: bool = False  # only the unit's own officers (an answer's personal data)
    # What an empty POST of one who may gets: a redirect with a message, or (a form posted
    # empty) the page again with the form's errors.
    empty_post: int = 302


def _viewer_pk() -> int:
    from accounts.models import User

    return User.objects.get(username="viewer").pk


def _registry_rules(prefix: str, model_key: str, *, shared: bool = False) -> dict[str, Rule]:
    def pk(objects):
        return {"pk": objects[model_key].pk}

    def name(objects):
        return objects[model_key].name

    return {
        f"{prefix}_list": Rule("list", marker=name, query="?q=巡检", shared=shared),
        f"{prefix}_export": Rule("export", marker=name, query="?q=巡检", shared=shared),
        f"{prefix}_detail": Rule("object", pk, shared=shared),
        f"{prefix}_edit": Rule("object", pk, writes=True),
        f"{prefix}_delete": Rule("object", pk, writes=True),
        f"{prefix}_create": Rule("page", writes=True),
        f"{prefix}_import": Rule("page", writes=True),
        f"{prefix}_template": Rule("page"),
        f"{prefix}_import_errors": Rule("own"),
        f"{prefix}_import_commit": Rule("own", method="post", writes=True),
        f"{prefix}_attach": Rule("object", pk, writes=True, method="post", shared=shared),
        f"{prefix}_attachment": Rule(
            "object",
            lambda o: {"pk": o[model_key].pk, "attachment_pk": o["files"][model_key].pk},
            shared=shared,
        ),
    }


def _api_rules(basename: str, model_key: str, *, shared: bool = False) -> dict[str, Rule]:
    """A registry's API endpoints, walked with a token of each role (test_api.py has the rest)."""

    def pk(objects):
        return {"pk": objects[model_key].pk}

    return {
        f"{basename}-list": Rule(
            "api_list",
            marker=lambda o: o[model_key].pk,
            query="?q=巡检&page_size=500",
            shared=shared,
        ),
        f"{basename}-detail": Rule("api_detail", pk, writes=True, shared=shared),
        f"{basename}-attachments": Rule("api_attachments", pk, writes=True, shared=shared),
    }


def _submission(objects) -> dict:
    return {"pk": objects["submission"].pk}


# Who fills in the walk's zone's report: its own officers and the city's admins (a district
# reviews it, a viewer reads it).
REPORTERS = {"admin", "xinjingji", "bailuwan"}
# The officers of the walk's zones themselves: only they read the answers to their zone's
# opportunities (accounts.scoping.may_handle_responses).
OWN_OFFICERS = {"xinjingji", "bailuwan"}


RULES: dict[str, Rule] = {
    **_api_rules("api-carrier", "carrier"),
    **_api_rules("api-platform", "platform"),
    **_api_rules("api-service-project", "service"),
    **_api_rules("api-enterprise", "enterprise", shared=True),
    **_api_rules("api-project", "project"),
    **_api_rules("api-attraction-target", "target"),
    # A conflict is seen by those who see one of its zones (investment.selectors.conflicts_for).
    "api-conflict-list": Rule(
        "api_list", marker=lambda o: o["conflict"].pk, query="?page_size=500"
    ),
    "api-conflict-detail": Rule("api_read", lambda o: {"pk": o["conflict"].pk}),
    # Opportunities and scenario IPs: those of the units the user sees (every state).
    "api-opportunity-list": Rule(
        "api_list", marker=lambda o: o["opportunity"].pk, query="?page_size=500"
    ),
    "api-opportunity-detail": Rule("api_read", lambda o: {"pk": o["opportunity"].pk}),
    "api-scenario-list": Rule(
        "api_list", marker=lambda o: o["scenario"].pk, query="?page_size=500"
    ),
    "api-scenario-detail": Rule("api_read", lambda o: {"pk": o["scenario"].pk}),
    "api-unit-list": Rule("api_list", marker=lambda o: o["zone"].pk, query="?page_size=500"),
    "api-unit-detail": Rule("api_read", lambda o: {"code": o["zone"].code}),
    "api-plan-list": Rule("page"),  # the plans are the city's, read by every role
    "api-plan-detail": Rule("page", lambda o: {"code": "cd-2020"}),
    "api-target-list": Rule("page"),  # limited to the user's units: tests/test_api_reads.py
    "api-data-set-list": Rule("page"),  # what is reported; each role sees only its units in it
    "api-data-set-detail": Rule("page", lambda o: {"code": o["submission"].data_set.code}),
    "api-submission-list": Rule(
        "api_list", marker=lambda o: o["submission"].pk, query="?page_size=500"
    ),
    "api-submission-detail": Rule(
        "api_detail", _submission, writes=True, body='{"values": {"output": "1"}}', reporters=True
    ),
    "api-submission-steps": Rule(
        "api_step", _submission, writes=True, body='{"step": "submit"}', reporters=True
    ),
    "api-submission-events": Rule("api_read", _submission),
    "api-submission-evidence": Rule("api_attachments", _submission, writes=True, reporters=True),
    "api-assessment-scheme-list": Rule("page"),  # how zones are assessed is no secret
    "api-assessment-scheme-detail": Rule("page", lambda o: {"code": "default-2020"}),
    "api-assessment-run-list": Rule("page"),
    "api-assessment-run-detail": Rule("page", lambda o: {"pk": o["run"].pk}),
    "api-assessment-run-results": Rule(
        "api_rows", lambda o: {"pk": o["run"].pk}, marker=lambda o: o["zone"].code
    ),
    "api-assessment-run-consequences": Rule(
        "api_rows", lambda o: {"pk": o["run"].pk}, marker=lambda o: o["zone"].code, proposals=True
    ),
    "api-schema": Rule("page"),  # what the API offers is no secret to anyone logged in
    "api-docs": Rule("page"),
    "api-redoc": Rule("page"),
    "api_tokens": Rule("page"),  # each user's own tokens; nobody sees another's
    "password_change": Rule("page"),  # each user's own password
    **_registry_rules("carrier", "carrier"),
    **_registry_rules("platform", "platform"),
    **_registry_rules("service", "service"),
    # Enterprises are shared: any zone may name one as its project's investor (investment.models).
    **_registry_rules("enterprise", "enterprise", shared=True),
    **_registry_rules("project", "project"),
    **_registry_rules("target", "target"),
    # A project's stage log and capital in place: posted by those who may change the project.
    "project_stage": Rule(
        "object", lambda o: {"pk": o["project"].pk}, writes=True, method="post", empty_post=400
    ),
    "project_capital": Rule(
        "object", lambda o: {"pk": o["project"].pk}, writes=True, method="post", empty_post=400
    ),
    # The attraction list as a Word document: every role gets its own scope's rows.
    "target_docx": Rule("page"),
    # Conflicts: everyone lists those of the zones they see and opens one with a project in
    # them; only a city administrator starts a search (or decides: test_conflicts.py).
    "conflict_list": Rule("page"),
    "funnel": Rule("page"),  # each role's own unit by default
    "conflict_detail": Rule("object", lambda o: {"pk": o["conflict"].pk}),
    "conflict_search": Rule("page", admin_only=True),
    # Merging enterprises and undoing a merge: the city's administrators only (an empty
    # merge form comes back with its errors; the walk's merge is undone already).
    "enterprise_merge": Rule(
        "page", lambda o: {"pk": o["enterprise"].pk}, admin_only=True, empty_post=400
    ),
    "enterprise_merge_undo": Rule("page", lambda o: {"pk": o["merge"].pk}, admin_only=True),
    "home": Rule("page"),
    "todo": Rule("page"),  # each person's own to-do items and notices
    "todo_badge": Rule("page"),
    "notices_read": Rule("page", method="redirect"),  # POST marks one's own notices read
    "todo_review": Rule("page", method="redirect"),  # POST reviews the ticked reports at once
    # Opportunity lists: the issuing unit's officers (and those above) draft, submit and
    # withdraw; a district officer above and the city review (opportunities/tests). An empty
    # POST of a draft: submit sends it, review and withdraw answer with a message.
    "opportunity_list": Rule(
        "list", marker=lambda o: o["opportunity"].latest.title, query="?q=巡检"
    ),
    "opportunity_create": Rule("page", writes=True),
    "opportunity_detail": Rule("object", lambda o: {"pk": o["opportunity"].pk}),
    "opportunity_edit": Rule("object", lambda o: {"pk": o["opportunity"].pk}, writes=True),
    "opportunity_attach": Rule(
        "object", lambda o: {"pk": o["opportunity"].pk}, writes=True, method="post"
    ),
    "opportunity_attachment": Rule(
        "object",
        lambda o: {"pk": o["opportunity"].pk, "attachment_pk": o["files"]["opportunity"].pk},
    ),
    "opportunity_submit": Rule(
        "object", lambda o: {"pk": o["opportunity"].pk}, writes=True, method="post"
    ),
    "opportunity_review": Rule(
        "object", lambda o: {"pk": o["opportunity"].pk}, writes=True, method="post"
    ),
    # Scenario IPs: kept by the zone's officers (and those above), published by the city.
    "scenario_list": Rule("list", marker=lambda o: o["scenario"].name),
    "scenario_create": Rule("page", writes=True),
    "scenario_detail": Rule("object", lambda o: {"pk": o["scenario"].pk}),
    "scenario_edit": Rule("object", lambda o: {"pk": o["scenario"].pk}, writes=True),
    "scenario_publish": Rule(
        "page", lambda o: {"pk": o["scenario"].pk}, method="post", admin_only=True
    ),
    # Answers to opportunities: only the issuing unit's own officers (their contacts are
    # personal data); a district above and the city do not see them.
    "response_list": Rule("page"),
    "response_detail": Rule("object", lambda o: {"pk": o["response"].pk}, own_unit=True),
    "response_file": Rule("object", lambda o: {"pk": o["response"].pk}, own_unit=True),
    "response_lead": Rule(
        "object", lambda o: {"pk": o["response"].pk}, method="post", own_unit=True
    ),
    "opportunity_withdraw": Rule(
        "object", lambda o: {"pk": o["opportunity"].pk}, writes=True, method="post"
    ),
    # Chains are the city's reference data: every role reads them, each in its own unit's
    # scope (chains/tests/test_chain_pages.py tests choosing another unit's scope).
    "chain_list": Rule("page"),
    "chain_detail": Rule("page", lambda o: {"code": "demo-smart-manufacturing"}),
    "chain_node": Rule("page", lambda o: {"code": "demo-smart-manufacturing", "node": "robots"}),
    "zone_list": Rule("list", marker=lambda o: o["zone"].name),
    "zone_detail": Rule("object", lambda o: {"code": o["zone"].code}),
    "zone_shape": Rule(
        "object", lambda o: {"code": o["zone"].code, "kind": "core_area"}, writes=True
    ),
    "zone_scene": Rule("object", lambda o: {"code": o["zone"].code}, writes=True),
    "shapes_geojson": Rule("page"),
    "shapes_kml": Rule("page"),
    "map": Rule("page"),
    "map_data": Rule("page"),
    "cockpit": Rule("page", redirects=True),
    "cockpit_unit": Rule("object", lambda o: {"code": o["zone"].code}),
    "briefing": Rule("page", lambda o: {"kind": "docx"}, redirects=True, job_for_city=True),
    "briefing_unit": Rule("object", lambda o: {"code": o["zone"].code, "kind": "xlsx"}),
    "plan_current": Rule("page"),
    "plan_detail": Rule("page", lambda o: {"code": "cd-2020"}),
    "schedule_list": Rule("page"),
    "submission_list": Rule("list", marker=lambda o: o["zone"].name),
    "submission_open": Rule("page", method="redirect"),
    "submission_page": Rule("object", lambda o: {"pk": o["submission"].pk}),
    "submission_workbook": Rule("object", lambda o: {"pk": o["submission"].pk}),
    "evidence_file": Rule(
        "object", lambda o: {"pk": o["submission"].pk, "evidence_pk": o["evidence"].pk}
    ),
    "completeness": Rule("list", marker=lambda o: o["zone"].name),
    "data_set_list": Rule("page", admin_page=True),
    "lockouts": Rule("page", admin_page=True),  # the log-in locks in force
    "users": Rule("page", admin_page=True),  # the city's user administration
    "user_password": Rule("page", lambda o: {"pk": _viewer_pk()}, admin_page=True),
    "jobs": Rule("page"),  # each user's own background work; a city admin's lists everyone's
    "job": Rule("started"),
    "job_file": Rule("started"),  # the file a finished job made (a city briefing)
    "data_set_create": Rule("page", admin_page=True),
    "data_set_edit": Rule("page", lambda o: {"pk": o["submission"].data_set_id}, admin_page=True),
    "assessment_runs": Rule("page"),
    "assessment_schemes": Rule("page"),  # how zones are assessed is no secret to any officer
    "assessment_run": Rule(
        "list", args=lambda o: {"pk": o["run"].pk}, marker=lambda o: f'data-zone="{o["zone"].code}"'
    ),
    "assessment_zone": Rule("object", lambda o: {"pk": o["run"].pk, "code": o["zone"].code}),
    "assessment_report": Rule(
        "export",
        args=lambda o: {"pk": o["run"].pk, "kind": "xlsx"},
        marker=lambda o: o["zone"].name,
    ),
    "assessment_consequences": Rule(
        "list",
        args=lambda o: {"pk": o["run"].pk},
        marker=lambda o: f'data-zone="{o["zone"].code}"',
        proposals=True,
    ),
    # The city's roles may check a run reproduces (it costs as much as the run).
    "assessment_verify": Rule("page", lambda o: {"pk": o["run"].pk}, city_only=True),
    "assessment_publish": Rule(
        "page", lambda o: {"pk": o["run"].pk}, method="post", admin_only=True
    ),
}

NAMES = sorted({name for name, _pattern in _patterns() if name not in PUBLIC})


def test_every_page_has_a_scope_rule():
    missing = [name for name in NAMES if name not in RULES]
    assert not missing, f"pages without a rule in RULES: {missing}"
    assert not set(RULES) - set(NAMES), "rules for pages that no longer exist"


def _objects_in(zone: Unit, data_set, officer) -> dict:
    """One object of every kind in `zone`, named after it."""
    submission = open_submission(data_set, zone, last_month_end())
    objects = {
        "zone": zone,
        **registry_items(zone),
        "submission": submission,
        "evidence": Evidence.objects.create(
            submission=submission,
            name="合同.pdf",
            kind="pdf",
            size=8,
            content=b"%PDF-1.4",
            uploaded_by=officer,
        ),
    }
    objects["opportunity"] = save_draft(
        user=officer, unit=zone, values=opportunity_content(title=f"巡检机会 {zone.name}")
    ).opportunity
    draft = objects["opportunity"].versions.get()
    objects["response"] = Response.objects.create(
        opportunity=objects["opportunity"], version=draft, organisation=f"巡检揭榜 {zone.name}",
        credit_code="91510100MA6CU0009J", contact_name="巡检", message="巡检", consent="巡检",
        file_name="方案.pdf", file_kind="pdf", file_size=8, content=b"%PDF-1.4",
    )  # fmt: skip
    objects["scenario"] = Scenario.objects.create(
        zone=zone, name=f"巡检场景 {zone.name}", field=Field.objects.get(code="5g-plus"),
        description="<p>巡检</p>",
    )  # fmt: skip
    objects["conflict"] = Conflict.objects.create(basis="same_enterprise", holder_zone=zone)
    ConflictMember.objects.create(conflict=objects["conflict"], project=objects["project"])
    objects["merge"] = EnterpriseMerge.objects.create(
        survivor=objects["enterprise"],
        merged_pk=10**9,
        merged_code="91510100MA6CU0009J",
        merged_name="巡检重复企业",
        undone_at=timezone.now(),
    )
    objects["files"] = {
        key: Attachment.objects.create(
            content_type=ContentType.objects.get_for_model(objects[key]),
            object_id=objects[key].pk,
            name="现场照片.png",
            kind="png",
            size=8,
            content=b"\x89PNG\r\n\x1a\n",
            uploaded_by=officer,
        )
        for key in [*REGISTRY_KEYS.values(), "opportunity"]
    }
    return objects


@pytest.fixture
def world(db, users):
    data_set = make_data_set(units=(A, B))
    world = {
        code: _objects_in(Unit.objects.get(code=code), data_set, users["admin"]) for code in (A, B)
    }
    run = assessment_run([world[A]["zone"], world[B]["zone"]], users["admin"])
    for objects in world.values():
        objects["run"] = run
    return world


def _propose_for_both(world) -> None:
    """A proposal for each of the walk's two zones (whatever grades the tiny run gave them)."""
    from assessment.models import Consequence

    for objects in world.values():
        Consequence.objects.get_or_create(
            run=objects["run"], unit=objects["zone"], kind="warning", defaults={"basis": "巡检"}
        )


def _registry_name(name: str) -> str:
    """The spreadsheet registry behind a registry's import page (tokens are bound to it)."""
    view = resolve(reverse(name.rsplit("_import", 1)[0] + "_import")).func
    return view.__wrapped__.__self__.spreadsheet.name


def _token(name: str, client, owner) -> str:
    template = client.get(reverse(name.rsplit("_import", 1)[0] + "_template")).content
    registry = _registry_name(name)
    return uploads.stage(template, filename="模板.xlsx", user_id=owner.pk, registry=registry).token


def _workbook_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


def _check(name, rule, role, client, users, world):
    mine, other, writes = ROLES[role]
    user = users[role]
    where = f"{name} as {role}"
    if rule.kind == "page":
        url = reverse(name, kwargs=rule.args(world[mine]) if rule.args else None)
        response = client.get(url)
        if rule.admin_only:
            response = client.post(url)
            expected = (rule.empty_post,) if role == "admin" else REFUSED
            assert response.status_code in expected, f"{where}: {response.status_code}"
        elif rule.method == "redirect":
            assert response.status_code == 302, where
        elif rule.admin_page:
            expected = (200,) if role == "admin" else REFUSED
            assert response.status_code in expected, f"{where}: {response.status_code}"
        elif rule.city_only:
            expected = (302,) if role in ("admin", "viewer") else REFUSED
            assert client.post(url).status_code in expected, where
        elif rule.writes and not writes:
            assert response.status_code in REFUSED, f"{where}: {response.status_code}"
        elif rule.job_for_city and role in ("admin", "viewer"):
            assert response.status_code == 302, f"{where}: {response.status_code}"
            assert response["Location"].startswith("/jobs/"), where
        elif rule.redirects and role not in ("admin", "viewer"):
            assert response.status_code == 302, f"{where}: {response.status_code}"
            assert response["Location"].startswith(reverse("cockpit_unit", args=["x"])[:-2])
        else:
            assert response.status_code == 200, f"{where}: {response.status_code}"
    elif rule.kind == "object":
        send = client.post if rule.method == "post" else client.get
        response = send(reverse(name, kwargs=rule.args(world[mine])))
        # A POST with nothing in it: the page answers (with its own message), it is not refused.
        opened = rule.empty_post if rule.method == "post" else 200
        if rule.own_unit and role not in OWN_OFFICERS:
            assert response.status_code in REFUSED, f"{where}: {response.status_code}"
        elif rule.writes and not writes:
            assert response.status_code in REFUSED, f"{where}: {response.status_code}"
        else:
            assert response.status_code == opened, f"{where}: {response.status_code}"
        if other:
            response = send(reverse(name, kwargs=rule.args(world[other])))
            if rule.shared and rule.writes:
                assert response.status_code in REFUSED, f"{where}, outside: {response.status_code}"
            elif rule.shared:
                assert response.status_code == 200, f"{where}, shared: {response.status_code}"
            else:
                assert response.status_code in REFUSED, f"{where}, outside: {response.status_code}"
    elif rule.kind in ("list", "export"):
        if rule.proposals:
            _propose_for_both(world)
        kwargs = rule.args(world[mine]) if rule.args else None
        response = client.get(reverse(name, kwargs=kwargs) + rule.query)
        assert response.status_code == 200, f"{where}: {response.status_code}"
        content = (
            _workbook_text(response.content) if rule.kind == "export" else response.content.decode()
        )
        assert rule.marker(world[mine]) in content, f"{where}: its own object is missing"
        if other and rule.shared:
            assert rule.marker(world[other]) in content, f"{where}: a shared object is missing"
        elif other:
            assert rule.marker(world[other]) not in content, f"{where}: shows another's object"
    elif rule.kind == "own":
        someone_else = users["viewer" if role != "viewer" else "admin"]
        theirs = reverse(name, kwargs={"token": _token(name, client, someone_else)})
        send = client.post if rule.method == "post" else client.get
        response = send(theirs)
        assert response.status_code in (400, *REFUSED), f"{where}, another's token"
        if rule.method == "post" and response.status_code == 400:
            assert "上传的文件已过期或不存在" in response.content.decode(), where
        mine_url = reverse(name, kwargs={"token": _token(name, client, user)})
        response = send(mine_url)
        if rule.writes and not writes:
            assert response.status_code in REFUSED, f"{where}: {response.status_code}"
        else:
            assert response.status_code < 500, f"{where}: {response.status_code}"
            assert "上传的文件已过期或不存在".encode() not in response.content, where
    elif rule.kind == "started":
        from jobs.models import Job

        someone_else = users["viewer" if role != "viewer" else "bailuwan"]
        own, theirs = (
            Job.objects.create(
                kind="briefing", task_path="dashboards.tasks.briefing_job", started_by=u,
                status="done", file_name="简报.docx", file_type="application/octet-stream",
                file_content=b"PK",
            )
            for u in (user, someone_else)
        )  # fmt: skip
        assert client.get(reverse(name, kwargs={"pk": own.pk})).status_code == 200, where
        response = client.get(reverse(name, kwargs={"pk": theirs.pk}))
        expected = (200,) if role == "admin" else REFUSED
        assert response.status_code in expected, f"{where}, another's: {response.status_code}"
    elif rule.kind.startswith("api_"):
        _check_api(name, rule, role, users, world)
    else:  # pragma: no cover - a rule with a kind this walk does not know
        pytest.fail(f"{name}: unknown rule kind {rule.kind}")


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("name", NAMES)
def test_each_role_reaches_what_is_in_scope_and_nothing_else(client, users, world, name, role):
    if name not in RULES:
        pytest.skip("no rule: test_every_page_has_a_scope_rule fails for it")
    client.force_login(users[role])
    _check(name, RULES[name], role, client, users, world)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def _check_api(name, rule, role, users, world):
    """An endpoint with a write token of `role`: its objects in scope, others' never."""
    from django.test import Client

    from accounts.services import issue_token

    mine, other, writes = ROLES[role]
    where = f"{name} as {role}"
    _token, key = issue_token(user=users[role], name=f"walk-{name}", days=1, can_write=True)
    api = Client(headers={"Authorization": f"Token {key}"})
    if rule.kind == "api_rows":  # a run's rows, each naming its zone
        if rule.proposals:
            _propose_for_both(world)
        response = api.get(reverse(name, kwargs=rule.args(world[mine])))
        assert response.status_code == 200, f"{where}: {response.status_code}"
        zones = {row["unit"] for row in response.json()}
        assert rule.marker(world[mine]) in zones, f"{where}: its own zone is missing"
        if other:
            assert rule.marker(world[other]) not in zones, f"{where}: shows another's zone"
        return
    if rule.kind == "api_list":
        response = api.get(reverse(name) + rule.query)
        assert response.status_code == 200, f"{where}: {response.status_code}"
        ids = {item["id"] for item in response.json()["results"]}
        assert rule.marker(world[mine]) in ids, f"{where}: its own object is missing"
        if other and rule.shared:
            assert rule.marker(world[other]) in ids, f"{where}: a shared object is missing"
        elif other:
            assert rule.marker(world[other]) not in ids, f"{where}: shows another's object"
        return
    if rule.reporters:
        writes = role in REPORTERS
    url = reverse(name, kwargs=rule.args(world[mine]))
    read = api.get(url.removesuffix("steps/") if rule.kind == "api_step" else url)
    assert read.status_code == 200, f"{where}: {read.status_code}"
    if rule.kind == "api_read":
        if other:
            response = api.get(reverse(name, kwargs=rule.args(world[other])))
            assert response.status_code == 404, f"{where}, outside: {response.status_code}"
        return
    if rule.kind in ("api_detail", "api_step"):
        response = getattr(api, "patch" if rule.kind == "api_detail" else "post")(
            url, rule.body, content_type="application/json", headers={"If-Match": read["ETag"]}
        )
        expected = (200,) if writes else REFUSED
    else:
        response = api.post(url, {"file": SimpleUploadedFile("巡检.png", PNG)})
        expected = (201,) if writes else REFUSED
    assert response.status_code in expected, f"{where}, write: {response.status_code}"
    if other:
        theirs = reverse(name, kwargs=rule.args(world[other]))
        response = api.get(theirs.removesuffix("steps/") if rule.kind == "api_step" else theirs)
        expected = (200,) if rule.shared else (404,)
        assert response.status_code in expected, f"{where}, outside: {response.status_code}"
        if rule.kind in ("api_detail", "api_step"):
            response = getattr(api, "patch" if rule.kind == "api_detail" else "post")(
                theirs, rule.body, content_type="application/json", headers={"If-Match": '"x"'}
            )
        else:
            response = api.post(theirs, {"file": SimpleUploadedFile("x.png", PNG)})
        assert response.status_code in REFUSED, f"{where}, outside write: {response.status_code}"
        assert response.json()["error"]["message"], where
