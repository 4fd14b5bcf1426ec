"""core.bulk: the rows an import writes get keys of their own, and the history of each record
is its own. Keys are taken before the insert (PostgreSQL's sequence, SQLite's highest key ever
used), so these tests run on both databases."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.utils import timezone

from carriers.models import Carrier
from core import bulk
from territory.models import Unit


@pytest.fixture
def zone(db):
    return Unit.objects.filter(kind="zone").order_by("code").first()


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user("bulk-writer", password="x")


def _rows(zone, names):
    return [
        {"zone": zone, "kind": "standard_factory", "name": name, "floor_area_m2": Decimal("5000")}
        for name in names
    ]


def _save(rows, user):
    bulk.save_rows(
        Carrier,
        creates=rows,
        updates=[],
        user=user,
        reason="测试导入",
        constants={"updated_at": timezone.now()},
        by_name=True,
    )


def test_a_deleted_records_key_is_never_given_to_a_new_one(zone, officer):
    """History is kept by key: a new carrier taking a deleted one's key would inherit its past."""
    _save(_rows(zone, ["甲厂房", "乙厂房"]), officer)
    last = Carrier.objects.get(name="乙厂房")
    last_pk = last.pk
    last.delete()

    _save(_rows(zone, ["丙厂房"]), officer)

    new = Carrier.objects.get(name="丙厂房")
    assert new.pk > last_pk
    assert [h.history_type for h in Carrier.history.filter(id=new.pk)] == ["+"]
    assert sorted(h.history_type for h in Carrier.history.filter(id=last_pk)) == ["+", "-"]


def test_each_history_row_names_its_own_record_and_values(zone, officer):
    _save(_rows(zone, [f"厂房{i:03d}" for i in range(300)]), officer)

    for carrier in Carrier.objects.filter(name__startswith="厂房"):
        (history,) = Carrier.history.filter(id=carrier.pk)
        assert (history.name, history.zone_id, history.history_user_id) == (
            carrier.name,
            zone.pk,
            officer.pk,
        )
        assert history.history_change_reason == "测试导入"


def test_a_form_save_after_a_bulk_import_gets_the_next_free_key(zone, officer):
    _save(_rows(zone, ["甲厂房", "乙厂房"]), officer)
    highest = Carrier.objects.order_by("-pk").values_list("pk", flat=True).first()

    saved = Carrier.objects.create(
        zone=zone, kind="standard_factory", name="表单厂房", floor_area_m2=Decimal(1)
    )

    assert saved.pk > highest
    _save(_rows(zone, ["丁厂房"]), officer)
    assert Carrier.objects.get(name="丁厂房").pk > saved.pk


def test_blank_text_is_stored_empty_and_decimals_at_the_fields_places(zone, officer):
    row = _rows(zone, ["戊厂房"])[0] | {"developer": None, "floor_area_m2": Decimal("5000.126")}
    _save([row], officer)

    carrier = Carrier.objects.get(name="戊厂房")
    assert carrier.developer == ""
    assert carrier.floor_area_m2 == Decimal("5000.13")


def test_a_row_without_a_required_value_writes_nothing(zone, officer):
    """Only text that may be blank is stored as "": a missing kind is refused by the database,
    and the rows before it are not left behind."""
    before = (Carrier.objects.count(), Carrier.history.count())
    rows = _rows(zone, ["己厂房", "庚厂房"])
    rows[1]["kind"] = None
    with pytest.raises(IntegrityError):
        _save(rows, officer)
    assert (Carrier.objects.count(), Carrier.history.count()) == before


def test_an_update_of_scattered_records_copies_each_as_stored_into_its_history(
    zone, officer, monkeypatch
):
    monkeypatch.setattr(bulk, "HISTORY_CHUNK", 2)  # keys named in several statements
    _save(_rows(zone, [f"厂房{i}" for i in range(6)]), officer)
    chosen = list(Carrier.objects.filter(name__in=["厂房0", "厂房2", "厂房5"]).order_by("pk"))
    updates = [
        {f.name: getattr(c, f.attname) for f in Carrier._meta.concrete_fields}
        | {"floor_area_m2": Decimal("7000.5"), "developer": "新业主"}
        for c in chosen
    ]
    bulk.save_rows(
        Carrier,
        creates=[],
        updates=updates,
        user=officer,
        reason="更正",
        constants={"updated_at": timezone.now()},
        by_name=True,
    )

    for carrier in chosen:
        latest = Carrier.history.filter(id=carrier.pk).order_by("-history_id").first()
        assert (latest.history_type, latest.floor_area_m2, latest.developer) == (
            "~",
            Decimal("7000.50"),
            "新业主",
        )
        assert latest.history_change_reason == "更正"
    untouched = Carrier.objects.get(name="厂房1")
    assert [h.history_type for h in Carrier.history.filter(id=untouched.pk)] == ["+"]
