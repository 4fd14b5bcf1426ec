"""Fast bulk writes with history, for imports of tens of thousands of rows.

Django's bulk_create compiles SQL per batch and converts each value through the field API;
on SQLite its 999-parameter limit makes batches of ~50 rows, so 100,000 carriers take most of a
minute. Here rows are plain dicts of attribute names (no model instances), each field's
conversion is chosen once and constant columns are converted once, rows go through the
driver's `executemany` (psycopg 3 pipelines it), new primary keys are read back in one query by
the natural key, and a history row per object is written the same way, with the user, the time
and the reason — what django-simple-history's save() would have written.

Only plain concrete fields are handled (no many-to-many); the caller runs inside a transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, models
from django.dispatch import Signal
from django.utils import timezone

BATCH = 5000

# Sent (sender = the model) after `save_rows` or `insert_rows` wrote rows: bulk writes send no
# per-row post_save, so whoever caches derived figures listens here (plans.cache.watch).
rows_written = Signal()
SMALL = 200  # fewer rows than this are updated one statement each, pipelined (a form's save)

TICK_ROWS = 2000  # rows between two calls of a `ticking` callback
_ticker: ContextVar[Callable[[int], None] | None] = ContextVar("bulk_ticker", default=None)


@contextmanager
def ticking(callback: Callable[[int], None]) -> Iterator[None]:
    """Within the block, every `TICK_ROWS` rows sent to the database (objects and their
    history rows alike) call `callback(rows)` with the rows sent since the last call, so a
    long write can say how far it has come (a task's progress)."""
    token = _ticker.set(callback)
    try:
        yield
    finally:
        _ticker.reset(token)


def _counted(rows: Iterable) -> Iterator:
    tick = _ticker.get()
    if tick is None:
        yield from rows
        return
    since = 0
    for row in rows:
        yield row
        since += 1
        if since == TICK_ROWS:
            tick(since)
            since = 0
    if since:
        tick(since)


def _converter(field: models.Field) -> Callable | None:
    """How a Python value becomes what the driver binds; None when it binds as it is."""
    ops = connection.ops
    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return lambda v: ops.adapt_decimalfield_value(v, digits, places)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(
        field,
        models.CharField
        | models.TextField
        | models.IntegerField
        | models.BooleanField
        | models.ForeignKey,
    ):
        return None
    return lambda v: field.get_db_prep_save(v, connection)


class _Required:
    """Stands for a value the row must supply (a field with a callable default)."""


def _row_builder(fields: list[models.Field], constants: dict) -> Callable[[dict], list]:
    """A function from a dict of attribute values to the row the driver takes.

    Values are fetched with one list comprehension and only the columns that need it are
    converted: at 100,000 rows × 20 columns the per-value overhead is the cost."""
    specs = []  # (key to look up, fallback)
    conversions = []  # (index, converter) for columns converted per row
    for index, field in enumerate(fields):
        convert = _converter(field)
        if field.attname in constants:
            value = constants[field.attname]
            specs.append((_Required, value if convert is None or value is None else convert(value)))
            continue
        if field.has_default() and callable(field.default):
            specs.append((field.attname, _Required))
        else:
            # The static default: "" for text that may be blank, None for nullable fields.
            specs.append((field.attname, field.get_default()))
        if convert is not None:
            conversions.append((index, convert))
    get = dict.get

    def build(values: dict) -> list:
        row = [get(values, key, fallback) for key, fallback in specs]
        for index, convert in conversions:
            value = row[index]
            if value is not None:
                row[index] = convert(value)
        if _Required in row:
            raise KeyError(fields[row.index(_Required)].attname)
        return row

    return build


def _execute_many(sql: str, rows: Iterable[list]) -> None:
    batch: list = []
    with connection.cursor() as cursor:
        for row in _counted(rows):
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _write_rows(table: str, columns: list[str], rows: Iterable[list]) -> None:
    """INSERT rows: COPY on PostgreSQL (an order of magnitude faster than one statement per
    row), executemany elsewhere."""
    if connection.vendor != "postgresql":
        _execute_many(_insert_sql(table, columns), rows)
        return
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in _counted(rows):
            copy.write_row(row)


ANALYSE_ROWS = 10_000  # a bulk write of at least this many rows refreshes the planner's statistics


def _analyse(model: type[models.Model], rows: int) -> None:
    """After a large bulk load, ANALYZE the table (PostgreSQL's advice after bulk loading; on
    SQLite the planner has no statistics at all until then), so that reads of one zone use the
    zone's index rather than scanning a kind's rows."""
    if rows >= ANALYSE_ROWS:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _insert_sql(table: str, columns: list[str]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608 - quoted model identifiers; values are bound


def _history_writer(
    model: type[models.Model], fields: list[models.Field], *, history_type: str, user, reason: str
) -> tuple[list[str], Callable[[object, list], list]]:
    """Columns of the history table and a function (pk, converted row) → history row. The
    object's values are reused as already converted; only the history columns are added."""
    history = model.history.model
    tracked = {f.attname for f in history._meta.concrete_fields}
    keep = [i for i, f in enumerate(fields) if f.attname in tracked]
    extra = {
        "history_date": timezone.now(),
        "history_type": history_type,
        "history_change_reason": reason[:100],
        "history_user_id": user.pk if user is not None else None,
    }
    extra_fields = [history._meta.get_field(name.removesuffix("_id")) for name in extra]
    extra_values = []
    for field, value in zip(extra_fields, extra.values(), strict=True):
        convert = _converter(field)
        extra_values.append(value if convert is None or value is None else convert(value))
    columns = [
        model._meta.pk.column,
        *(fields[i].column for i in keep),
        *(f.column for f in extra_fields),
    ]
    if len(keep) == len(fields):
        return columns, lambda pk, row: [pk, *row, *extra_values]
    return columns, lambda pk, row: [pk, *(row[i] for i in keep), *extra_values]


def insert_with_history(
    model: type[models.Model],
    rows: list[dict],
    *,
    constants: dict,
    key: tuple[str, ...],
    key_query: Callable[[], Iterable[tuple]],
    user,
    reason: str,
) -> None:
    """Insert `rows` (dicts by attribute name), put each new primary key into row["id"], and
    write a history row for each ("+", the user, now, the reason).

    `key` names the attributes of the natural key; `key_query()` yields (pk, *natural key) for
    the rows just written."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    build = _row_builder(fields, constants)
    built = [build(r) for r in rows]
    _write_rows(model._meta.db_table, [f.column for f in fields], built)
    pk_name = model._meta.pk.attname
    wanted = {tuple(r[a] for a in key): r for r in rows}
    for pk, *natural in key_query():
        row = wanted.get(tuple(natural))
        if row is not None:
            row[pk_name] = pk
    missing = sum(1 for r in rows if pk_name not in r)
    if missing:
        raise RuntimeError(f"{missing} inserted rows could not be found again by their natural key")
    columns, history_row = _history_writer(
        model, fields, history_type="+", user=user, reason=reason
    )
    _write_rows(
        model.history.model._meta.db_table,
        columns,
        (history_row(r[pk_name], b) for r, b in zip(rows, built, strict=True)),
    )


def update_with_history(
    model: type[models.Model], rows: list[dict], *, constants: dict, user, reason: str
) -> None:
    """Write every field of each row (found by its primary key) and a history row ("~")."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    build = _row_builder(fields, constants)
    pk = model._meta.pk
    built = [build(r) for r in rows]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    if connection.vendor == "postgresql" and len(rows) > SMALL:
        # COPY the new values into a temporary table, then one UPDATE ... FROM.
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE zoneplan_bulk_update (LIKE {table}) ON COMMIT DROP"
            )
        _write_rows(
            "zoneplan_bulk_update",
            [pk.column, *(f.column for f in fields)],
            ([r[pk.attname], *b] for r, b in zip(rows, built, strict=True)),
        )
        sets = ", ".join(f"{quote(f.column)} = u.{quote(f.column)}" for f in fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM zoneplan_bulk_update AS u "  # noqa: S608 - quoted model identifiers
                f"WHERE t.{quote(pk.column)} = u.{quote(pk.column)}"
            )
            cursor.execute("DROP TABLE zoneplan_bulk_update")
    else:
        sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        sql = f"UPDATE {table} SET {sets} WHERE {quote(pk.column)} = %s"  # noqa: S608 - quoted model identifiers; values are bound
        _execute_many(sql, ([*b, r[pk.attname]] for r, b in zip(rows, built, strict=True)))
    columns, history_row = _history_writer(
        model, fields, history_type="~", user=user, reason=reason
    )
    _write_rows(
        model.history.model._meta.db_table,
        columns,
        (history_row(r[pk.attname], b) for r, b in zip(rows, built, strict=True)),
    )


def insert_rows(
    model: type[models.Model], rows: list[dict], *, constants: dict | None = None
) -> None:
    """Insert plain rows without reading keys back or writing history: for generated data
    (benchmarks) and other bulk loads that need no audit trail."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    build = _row_builder(fields, constants or {})
    _write_rows(model._meta.db_table, [f.column for f in fields], (build(r) for r in rows))
    _analyse(model, len(rows))
    rows_written.send(sender=model)


def save_rows(
    model: type[models.Model],
    *,
    creates: list[dict],
    updates: list[dict],
    key: tuple[str, ...],
    user,
    reason: str,
    constants: dict | None = None,
    key_scope: dict | None = None,
) -> None:
    """Insert `creates` and update `updates` (dicts by attribute name), each with a history row.
    New rows are found again by their natural key `key` (attribute names), among the rows
    matching `key_scope` when the key is unique only within it (e.g. one submission's values)."""
    constants = constants or {}
    if creates:
        first = key[0]
        wanted = {r[first] for r in creates}
        insert_with_history(
            model,
            creates,
            constants=constants,
            key=key,
            key_query=lambda: model.objects.filter(**(key_scope or {}), **{f"{first}__in": wanted})
            .values_list("pk", *key)
            .iterator(chunk_size=10000),
            user=user,
            reason=reason,
        )
    if updates:
        update_with_history(model, updates, constants=constants, user=user, reason=reason)
    if creates or updates:
        _analyse(model, len(creates) + len(updates))
        rows_written.send(sender=model)
