"""The import flow every registry shares: read, check, compare with what is stored, then
write all rows in one transaction or none.

A registry describes itself with the `Registry` protocol (its columns, how to check a row,
its natural key, how to find and write rows). The engine does the rest the same way for all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Protocol

from django.db import models, transaction

from .. import bulk
from . import collector
from .cells import match_key
from .read import Table
from .spec import Column, HeaderError, HeaderMap, RowResult, find_header, read_rows


class Registry(Protocol):
    name: str
    columns: list[Column]
    key_columns: tuple[str, ...]  # the columns whose values make the natural key

    def lookups(self, user) -> dict:
        """What one import needs, computed once: lookups for lookup columns and anything
        else `check` uses (e.g. today's date)."""
        ...

    def check(self, row: RowResult, context: dict) -> None: ...
    def key(self, values: dict) -> tuple: ...
    def check_existing(self, row: RowResult, obj, context: dict) -> None: ...
    def existing(self, keys: list[tuple]) -> dict: ...
    def changes(self, obj, values: dict) -> dict: ...
    def write(self, rows: list[RowResult], existing: dict, *, user, reason: str) -> None: ...


class RegistryBase:
    """What registries share: finding the stored record of a row by its natural key, comparing
    the two, and writing rows in bulk with history, from the model's fields. A registry sets
    `model`, `natural_key` and `text_fields` (blank means "", never NULL)."""

    model = None
    text_fields: tuple[str, ...] = ()
    # The attribute names that identify a stored record, e.g. ("zone_id", "name"); a row with
    # the same values updates that record instead of creating another.
    natural_key: tuple[str, ...] = ()
    existing_related: tuple[str, ...] = ()  # select_related for the checks on stored records

    def key(self, values: dict) -> tuple:
        """The natural key of a row. Text parts are compared in their matching form
        (cells.match_key), so “１号楼（一期）” finds the stored “1号楼(一期)”; what is stored is
        still the text as typed."""
        parts = self.__dict__.get("_key_parts")
        if parts is None:
            parts = self.__dict__["_key_parts"] = self._key_parts()
        return tuple([read(values[name]) for name, read in parts])

    def _key_parts(self) -> list[tuple[str, Callable]]:
        """(field name, how its value reads in the key) for each part of the natural key: a
        record by its primary key, text in its matching form, anything else as stored."""
        parts = []
        for attname in self.natural_key:
            field = self.model._meta.get_field(attname)
            if isinstance(field, models.ForeignKey):
                read = _record_key
            elif field.name in self.text_fields:
                read = _text_key
            elif isinstance(field, models.CharField | models.TextField):
                read = _matching
            else:
                read = partial(self._stored_key, field.name)
            parts.append((field.name, read))
        return parts

    def _stored_key(self, name: str, value):
        return _matching(self._stored(name, value))

    def existing(self, keys: list[tuple]) -> dict:
        """The stored records with these keys, found with one query on the key's first part
        (a zone; or a code that is stored in its matching form, like a credit code)."""
        wanted = set(keys)
        first = self.natural_key[0]
        found = {}
        records = self.model.objects.filter(**{f"{first}__in": {k[0] for k in keys}})
        for record in records.select_related(*self.existing_related).iterator(chunk_size=5000):
            key = tuple(_matching(getattr(record, a)) for a in self.natural_key)
            if key in wanted:
                found[key] = record
        return found

    def store_constants(self) -> dict:
        """Values written on every stored row (e.g. the time of the import)."""
        return {}

    def store(self, creates: list[dict], updates: list[dict], *, user, reason: str) -> None:
        """Rows by field name, with the values the sheet gave (records, blank text as None)."""
        bulk.save_rows(
            self.model,
            creates=creates,
            updates=updates,
            user=user,
            reason=reason,
            constants=self.store_constants(),
            by_name=True,
        )

    def check_existing(self, row: RowResult, obj, context: dict) -> None:
        """Checks that need the stored record (e.g. who may change it); add to row.errors."""

    def _field_names(self) -> set[str]:
        return {f.name for f in self.model._meta.concrete_fields}

    def _stored(self, key: str, value):
        """A row value as the model stores it: a record becomes its primary key, blank text "",
        a number is rounded to the field's decimal places (as the database would round it, so
        that a re-import of what was stored compares equal)."""
        if hasattr(value, "_meta"):
            return value.pk
        if value is None and key in self.text_fields:
            return ""
        if isinstance(value, Decimal):
            steps = self.__dict__.setdefault("_decimal_steps", {})
            if key not in steps:
                places = getattr(self.model._meta.get_field(key), "decimal_places", None)
                steps[key] = None if places is None else Decimal(1).scaleb(-places)
            if steps[key] is not None:
                return value.quantize(steps[key], rounding=ROUND_HALF_UP)
        return value

    def changes(self, obj, values: dict) -> dict:
        names = self._field_names()
        changed = {}
        for key, value in values.items():
            if key not in names:
                continue
            field = self.model._meta.get_field(key)
            old, new = getattr(obj, field.attname), self._stored(key, value)
            if old != new:
                changed[key] = (getattr(obj, key), value)
        return changed

    def write(self, rows: list[RowResult], existing: dict, *, user, reason: str) -> None:
        creates, updates = [], []
        fields = self.model._meta.concrete_fields
        for row in rows:
            if row.action == "create":
                creates.append(row.values)
            else:
                stored = existing[row.key]
                current = {f.name: getattr(stored, f.attname) for f in fields}
                updates.append(current | row.values)
        self.store(creates, updates, user=user, reason=reason)


def _matching(value):
    return match_key(value) if isinstance(value, str) else value


def _record_key(value):
    return value.pk if hasattr(value, "_meta") else value


def _text_key(value) -> str:
    return "" if value is None else match_key(value)


@dataclass
class ImportPlan:
    table: Table
    columns: list[Column] = field(default_factory=list)
    header: HeaderMap | None = None
    rows: list[RowResult] = field(default_factory=list)
    error: str = ""  # a problem with the whole file (no header, missing column)
    existing: dict = field(default_factory=dict)
    context: dict = field(default_factory=dict)

    @property
    def bad_rows(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.error and not self.bad_rows and bool(self.rows)

    @property
    def counts(self) -> Counter:
        return Counter(r.action for r in self.rows if r.ok)

    def problems(self) -> list[tuple[int, str, str]]:
        """(row number, column header, message) for every bad cell and row, in file order."""
        labels = {c.key: c.template_header for c in self.columns}
        found = []
        for row in self.bad_rows:
            for key, message in row.errors.items():
                found.append((row.number, labels.get(key, key), message))
            for key, message in row.row_errors:
                found.append((row.number, labels.get(key, ""), message))
        return found


REPORT_ROWS = 10_000  # rows checked between two progress reports


def plan_import(registry: Registry, table: Table, *, user, progress=None) -> ImportPlan:
    """Every row read, checked and compared with what is stored. `progress(fraction)`, when
    given, hears how far it has come (a task's job reports it)."""
    with collector.paused():
        return _plan_import(registry, table, user=user, progress=progress)


def _plan_import(registry: Registry, table: Table, *, user, progress) -> ImportPlan:
    report = progress or (lambda fraction: None)
    plan = ImportPlan(table=table, columns=registry.columns)
    try:
        plan.header = find_header(table.rows, registry.columns)
    except HeaderError as exc:
        plan.error = str(exc)
        return plan
    context = registry.lookups(user)
    plan.context = context
    report(0.2)
    plan.rows = read_rows(table.rows, plan.header, registry.columns, context)
    if not plan.rows:
        plan.error = "表头下面没有数据行"
        return plan
    report(0.4)
    for n, row in enumerate(plan.rows, 1):
        if not row.errors:
            registry.check(row, context)
        if n % REPORT_ROWS == 0:
            report(0.4 + 0.2 * n / len(plan.rows))
    report(0.6)
    first_seen: dict[tuple, int] = {}
    for row in plan.rows:
        if row.errors:
            continue
        key = row.key = registry.key(row.values)
        if key in first_seen:
            for column in registry.key_columns:
                row.row_errors.append((column, f"与第 {first_seen[key]} 行重复"))
        else:
            first_seen[key] = row.number
    plan.existing = registry.existing(list(first_seen))
    report(0.8)
    writable = getattr(context.get("zone"), "writable", None)
    for row in plan.rows:
        if not row.ok:
            continue
        obj = plan.existing.get(row.key)
        if obj is None:
            row.action = "create"
        else:
            row.changes = registry.changes(obj, row.values)
            if not row.changes:
                # Nothing would be written: no right is needed to leave a record as it is.
                row.action = "unchanged"
                continue
            registry.check_existing(row, obj, context)
            if not row.ok:
                continue
            row.action = "update"
        zone = row.values.get("zone")
        if writable is not None and zone is not None and zone.pk not in writable:
            row.errors["zone"] = f"您无权向功能区“{zone.name}”填报数据"
            row.action = ""
    return plan


def commit_import(registry: Registry, plan: ImportPlan, *, user, reason: str) -> None:
    """Write every row, or none: the caller has checked `plan.ok`."""
    if not plan.ok:
        raise ValueError("an import with errors cannot be committed")
    rows = [r for r in plan.rows if r.action in ("create", "update")]
    with collector.paused(), transaction.atomic():
        registry.write(rows, plan.existing, user=user, reason=reason)


@dataclass
class Preview:
    """What an import would store, shown before it is committed: each quantity column's total
    in the plan's unit, and the first rows as they will be stored, so a 10,000× slip shows."""

    headers: list[str]
    totals: list[tuple[str, str]]  # (column header, total in the column's unit)
    rows: list[tuple[int, str, list[str]]]  # (row number, action, values shown)
    shown: int = 0
    of: int = 0
    updates: list = field(default_factory=list)  # (row number, [(header, before, after)])


def preview_of(
    plan: ImportPlan, *, limit: int = 10, english: bool = False, updates: int = 20
) -> Preview:
    from core.quantities import format_quantity

    from .report import display_value

    columns = [c for c in plan.columns if plan.header and c.key in plan.header.positions]
    good = [r for r in plan.rows if r.ok]

    def shown(column: Column, value) -> str:
        if value is None or value == [] or value == "":
            return "—"
        if column.kind == "decimal" and column.unit:
            return format_quantity(value, column.unit, language="en" if english else "zh-hans")
        if column.kind == "lookup":
            return str(value)
        if column.kind == "date":
            return value.isoformat()
        return str(display_value(column, value))

    totals = []
    for column in columns:
        if column.kind == "decimal" and column.unit:
            total = sum(
                (r.values[column.key] for r in good if r.values.get(column.key)), Decimal(0)
            )
            totals.append(
                (
                    column.header_en if english else column.template_header,
                    format_quantity(total, column.unit, language="en" if english else "zh-hans"),
                )
            )
    rows = [
        (r.number, r.action, [shown(c, r.values.get(c.key)) for c in columns]) for r in good[:limit]
    ]
    by_key = {c.key: c for c in plan.columns}
    changed = [
        (
            r.number,
            [
                (
                    by_key[key].header_en if english else by_key[key].template_header,
                    shown(by_key[key], before),
                    shown(by_key[key], after),
                )
                for key, (before, after) in r.changes.items()
                if key in by_key
            ],
        )
        for r in good
        if r.action == "update"
    ][:updates]
    return Preview(
        headers=[c.header_en if english else c.template_header for c in columns],
        totals=totals,
        rows=rows,
        shown=len(rows),
        of=len(good),
        updates=changed,
    )
