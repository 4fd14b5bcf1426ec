"""Zone figures: what each unit holds, kept in a table and brought up to date zone by zone.

Progress rolls each figure up from per-unit values: a measure's floor area per zone, a rule's
tallies per zone, a reported indicator's value per unit. Computing those for every unit from
the registries costs one grouped query over every row (300,000 carriers: a good part of a
second). So each set of per-unit values, for one source and day, is kept in `ZoneFigures`, the
way DHIS2 keeps analytics tables, and reused by every request and every server process.

It is kept true without guessing when to refresh:

- every write to a tracked model moves on the `ZoneStamp` of each unit whose data it touches
  (its unit before and after the write), in the writing transaction;
- bulk writes, whose units are not known, move on the stamp of unit 0, which stands for all;
- a stored set records the stamps it was computed from. When read, the units whose stamps
  have moved since are computed again, only those, and the set is stored with the new stamps;
  when unit 0's stamp moved, the whole set is computed again.

A stamp is a fresh random number, not a counter, so two writers never need to read it first; a
write still uncommitted when a set is read is simply seen by the next read. Writes that bypass
both signals and `core.bulk` (a raw `QuerySet.update`) are not seen: registries write through
services, which save.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db.models.signals import post_delete, post_save, pre_save

from .models import ZoneFigures, ZoneStamp

ALL = 0  # the unit id that stands for "every unit" (a bulk write)
KEEP_DAYS = 30  # sets not computed again for this long are dropped when a new set is stored

# label → how to find the units an instance's data counts for
_TRACKED: dict[str, Callable[[object], Iterable[int | None]]] = {}


def label_of(model) -> str:
    return model._meta.label


def _move_on(label: str, units: Iterable[int | None]) -> None:
    ids = {int(u) for u in units if u is not None}
    if not ids:
        return
    ZoneStamp.objects.bulk_create(
        [ZoneStamp(label=label, unit_id=u, version=secrets.randbits(62)) for u in sorted(ids)],
        update_conflicts=True,
        unique_fields=["label", "unit_id"],
        update_fields=["version"],
    )


def changed(model, units: Iterable[int | None]) -> None:
    """Say that `model`'s data held by `units` changed (for writers that send no signal)."""
    _move_on(label_of(model), units)


def track(model, units_of: Callable[[object], Iterable[int | None]], *, moves: bool = True) -> None:
    """Move on the stamps of the units an instance of `model` counts for whenever one is saved
    or deleted (before and after the write), and of unit 0 on a bulk write through core.bulk.
    `units_of(instance)` names them; when an instance `moves` between units, its stored state
    is read before a save, so that the units it leaves move on too."""
    from core.bulk import rows_written

    label = label_of(model)
    _TRACKED[label] = units_of
    uid = f"zoneplan-figures-{label}"

    def before(sender, instance, raw=False, **kwargs):
        if raw or instance.pk is None or not moves:
            return
        stored = sender._default_manager.filter(pk=instance.pk).first()
        if stored is not None:
            _move_on(label, units_of(stored))

    def after(sender, instance, raw=False, **kwargs):
        if not raw:
            _move_on(label, units_of(instance))

    def bulk(sender, **kwargs):
        _move_on(label, [ALL])

    pre_save.connect(before, sender=model, weak=False, dispatch_uid=f"{uid}-pre")
    post_save.connect(after, sender=model, weak=False, dispatch_uid=f"{uid}-post")
    post_delete.connect(after, sender=model, weak=False, dispatch_uid=f"{uid}-delete")
    rows_written.connect(bulk, sender=model, weak=False, dispatch_uid=f"{uid}-bulk")


# Stored values are Decimals, sets of keys, tuples of Decimals (tallies that add) or lists of
# (ISO date, pk) pairs (the late items behind a shortfall, plans.measures.Drivers).
def _encode(value):
    if isinstance(value, set | frozenset):
        return {"s": sorted(value, key=str)}
    if isinstance(value, tuple):
        return {"t": [str(v) for v in value]}
    if isinstance(value, list):
        return {"l": [[since, pk] for since, pk in value]}
    return str(value)


def _decode(value):
    if isinstance(value, dict):
        if "s" in value:
            return set(value["s"])
        if "l" in value:
            return [(since, pk) for since, pk in value["l"]]
        return tuple(Decimal(v) for v in value["t"])
    return Decimal(value)


class Stamps:
    """The current stamps of some labels, read once (per engine, i.e. per request)."""

    def __init__(self):
        self._read: dict[str, dict[int, int]] = {}

    def of(self, labels: tuple[str, ...]) -> dict[str, int]:
        missing = [label for label in labels if label not in self._read]
        if missing:
            for label in missing:
                self._read[label] = {}
            for label, unit_id, version in ZoneStamp.objects.filter(label__in=missing).values_list(
                "label", "unit_id", "version"
            ):
                self._read[label][unit_id] = version
        return {
            f"{label}:{unit_id}": version
            for label in labels
            for unit_id, version in self._read[label].items()
        }


def _key_part(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def key_of(source: str, **args) -> str:
    return "|".join([source, *(f"{k}={_key_part(v)}" for k, v in sorted(args.items()))])


def per_unit(
    key: str,
    compute: Callable[[list[int] | None], dict],
    *,
    reads: tuple[str, ...],
    stamps: Stamps | None = None,
) -> dict:
    """{unit id: value} for the source `key`: `compute(None)` gives every unit's values,
    `compute(ids)` those of the units `ids` only (a unit without data is left out). Served from
    the stored set, with the units whose stamps moved computed again. The values are read-only
    for the caller (they may be shared with other reads in this process)."""
    current = (stamps or Stamps()).of(reads)
    row = ZoneFigures.objects.filter(key=key).defer("values").first()
    everything = row is None or any(
        row.stamps.get(f"{label}:{ALL}") != current.get(f"{label}:{ALL}") for label in reads
    )
    if everything:
        values = compute(None)
        _store(key, values, current, row)
        return values
    values = _MEMO.get((key, row.token))
    if values is None:  # not decoded in this process yet: read them (one more query)
        values = {int(pk): _decode(v) for pk, v in row.values.items()}
        _remember(key, row.token, values)
    dirty = {
        int(name.rsplit(":", 1)[1])
        for name in set(current) | set(row.stamps)
        if current.get(name) != row.stamps.get(name)
    }
    if dirty:
        values = dict(values)  # the remembered values stay as they were stored
        fresh = compute(sorted(dirty))
        for pk in dirty:
            values.pop(pk, None)
        values.update(fresh)
        _store(key, values, current, row)
    return values


# Decoded sets, by key and the token of the stored row they were decoded from: a process reads
# a set again only after some process stored a new version of it. Bounded; memory only.
_MEMO: OrderedDict[tuple[str, str], dict] = OrderedDict()
MEMO_SETS = 256


def _remember(key: str, token: str, values: dict) -> None:
    # OrderedDict's item and popitem operations are atomic in CPython, so threads of one
    # server process may share it; the oldest set goes first.
    _MEMO[(key, token)] = values
    while len(_MEMO) > MEMO_SETS:
        try:
            _MEMO.popitem(last=False)
        except KeyError:  # another thread emptied it meanwhile
            break


def _store(key: str, values: dict, stamps: dict, row: ZoneFigures | None) -> None:
    from django.utils import timezone

    encoded = {str(pk): _encode(v) for pk, v in values.items()}
    token = secrets.token_hex(8)
    if row is None:
        ZoneFigures.objects.filter(
            computed_at__lt=timezone.now() - dt.timedelta(days=KEEP_DAYS)
        ).delete()
        ZoneFigures.objects.update_or_create(
            key=key, defaults={"values": encoded, "stamps": stamps, "token": token}
        )
    else:
        row.values, row.stamps, row.token = encoded, stamps, token
        row.save(update_fields=["values", "stamps", "token", "computed_at"])
    _remember(key, token, values)


def forget() -> None:
    """Drop every stored set (they are computed again when next read)."""
    ZoneFigures.objects.all().delete()
