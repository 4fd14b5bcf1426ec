"""Writes of enterprises and investment projects: one set of rules for forms, imports and
commands."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.scoping import is_city_admin, may_decide_conflicts
from accounts.writes import require_change, save_in_zone
from core.bulk import rows_written
from core.geo import location_problems
from core.history import changed_by
from core.refusals import Forbidden, Refusal
from plans import figures

from . import matching
from .choices import (
    DEFAULT_STAGE_FIELDS,
    STAGE_DATES,
    ConflictBasis,
    ConflictStatus,
    HolderRule,
    Stage,
)
from .creditcode import normalise
from .creditcode import problem as credit_code_problem
from .models import (
    CapitalArrival,
    Conflict,
    ConflictMember,
    Enterprise,
    InvestmentProject,
    StageChange,
    StageRequirement,
)


def may_change_enterprise(user, enterprise: Enterprise) -> bool:
    """The zone that keeps an enterprise's record may change it; without a zone, the city."""
    if enterprise.zone_id is None:
        return is_city_admin(user)
    try:
        require_change(user, enterprise.zone)
    except PermissionDenied:
        return False
    return True


def enterprise_problems(values: dict) -> list[tuple[str, str]]:
    code = values.get("credit_code")
    if code:
        message = credit_code_problem(code)
        if message:
            return [("credit_code", message)]
    return []


@transaction.atomic
def save_enterprise(*, user, enterprise: Enterprise) -> Enterprise:
    enterprise.credit_code = normalise(enterprise.credit_code)
    problems = enterprise_problems({"credit_code": enterprise.credit_code})
    if enterprise.pk:
        stored = Enterprise.objects.get(pk=enterprise.pk)
        if not may_change_enterprise(user, stored):
            raise PermissionDenied(_("Another zone keeps this enterprise: you may not change it"))
    if not may_change_enterprise(user, enterprise):
        raise PermissionDenied(_("You may not register enterprises for this zone"))
    if problems:
        raise ValidationError({key: [message] for key, message in problems})
    changed_by(enterprise, user)
    enterprise.save()
    return enterprise


@transaction.atomic
def delete_enterprise(*, user, enterprise: Enterprise) -> None:
    if not may_change_enterprise(user, enterprise):
        raise PermissionDenied(_("Another zone keeps this enterprise: you may not delete it"))
    if enterprise.projects.exists():
        raise ValidationError(
            _("Investment projects still name this enterprise: it cannot be deleted")
        )
    changed_by(enterprise, user)
    enterprise.delete()


def _label(field: str) -> str:
    return str(getattr(InvestmentProject._meta.get_field(field), "verbose_name", field))


def project_problems(values: dict, *, today: dt.date | None = None) -> list[tuple[str, str]]:
    """Stage dates must not go backwards (a project is signed after it is negotiated) and
    must not be in the future."""
    today = today or timezone.localdate()
    problems = []
    previous = None
    for _stage, field in STAGE_DATES:
        value = values.get(field)
        if not value:
            continue
        if value > today:
            problems.append(
                (
                    field,
                    _("“%(date)s” is after today (%(today)s)")
                    % {"date": _label(field), "today": today},
                )
            )
        if previous and value < previous[1]:
            problems.append(
                (
                    field,
                    _("“%(date)s” is before “%(earlier)s” (%(day)s)")
                    % {"date": _label(field), "earlier": _label(previous[0]), "day": previous[1]},
                )
            )
        previous = (field, value)
    return problems + location_problems(values.get("longitude"), values.get("latitude"))


@transaction.atomic
def save_project(*, user, project: InvestmentProject) -> InvestmentProject:
    problems = project_problems(
        {f: getattr(project, f) for f in [*(f for _s, f in STAGE_DATES), "longitude", "latitude"]}
    )
    return save_in_zone(project, user=user, zone_path="zone", problems=problems)


@transaction.atomic
def delete_project(*, user, project: InvestmentProject) -> None:
    require_change(user, project.zone)
    changed_by(project, user)
    project.delete()


# ── The stage log (阶段记录) and capital in place (到资) ──


class StageRefused(Refusal):
    """A stage change the project cannot take: backwards, or missing what the stage needs."""


def stage_requirements() -> dict[str, list[str]]:
    """Every stage's required project fields, in one query: the admin's StageRequirement
    rows, else the defaults."""
    table: dict[str, list[str]] = {str(k): list(v) for k, v in DEFAULT_STAGE_FIELDS.items()}
    table.update(dict(StageRequirement.objects.values_list("stage", "fields")))
    known = {f.name for f in InvestmentProject._meta.concrete_fields}
    return {stage: [f for f in fields if f in known] for stage, fields in table.items()}


def required_fields(stage: str) -> list[str]:
    """The project fields `stage` requires."""
    return stage_requirements().get(stage, [])


def _value_for_log(value):
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


@transaction.atomic
def advance_stage(
    *,
    user,
    project: InvestmentProject,
    stage: str,
    on: dt.date,
    values: dict | None = None,
    note: str = "",
) -> StageChange:
    """Move `project` on to `stage` on the day `on`, with the `values` that stage requires
    (set on the project first). Refused, and nothing written, when the stage is not after the
    one reached (a stage is never taken back this way), or when a required field is empty."""
    require_change(user, project.zone)
    stages: list[str] = [str(s) for s, _field in STAGE_DATES]
    if stage not in stages:
        raise StageRefused(_("Unknown stage %(stage)s") % {"stage": stage})
    reached = project.stage_on(dt.date.max)
    if reached is not None and stages.index(stage) <= stages.index(reached):
        raise StageRefused(
            _(
                "The project has already reached “%(reached)s”: it cannot go back to "
                "“%(stage)s”. Its stage is kept."
            )
            % {"reached": Stage(reached).label, "stage": Stage(stage).label}
        )
    project = InvestmentProject.objects.select_for_update().get(pk=project.pk)
    for key, value in (values or {}).items():
        setattr(project, key, value)
    date_field = {str(s): f for s, f in STAGE_DATES}[stage]
    setattr(project, date_field, on)
    needed = required_fields(stage)
    missing = [f for f in needed if getattr(project, f) in (None, "")]
    if missing:
        labels = "、".join(_label(f) for f in missing)
        raise StageRefused(
            _("To reach “%(stage)s” the project needs: %(fields)s")
            % {"stage": Stage(stage).label, "fields": labels}
        )
    save_project(user=user, project=project)
    return StageChange.objects.create(
        project=project,
        stage=stage,
        on=on,
        recorded_by=user if getattr(user, "pk", None) else None,
        values={f: _value_for_log(getattr(project, f)) for f in needed},
        note=note,
    )


def capital_problems(
    *, project: InvestmentProject, on: dt.date | None, amount
) -> list[tuple[str, str]]:
    problems = []
    if amount is None or amount <= 0:
        problems.append(("amount_yuan", _("The amount must be more than 0.")))
    if on is not None and on > timezone.localdate():
        problems.append(("on", _("The day is after today.")))
    if on is not None and (project.signed_on is None or on < project.signed_on):
        problems.append(("on", _("Capital is put in place after the project is signed.")))
    return problems


@transaction.atomic
def record_capital(
    *, user, project: InvestmentProject, on: dt.date, amount, note: str = ""
) -> CapitalArrival:
    """Record capital in place for a signed project; refused with the reasons otherwise."""
    require_change(user, project.zone)
    problems = capital_problems(project=project, on=on, amount=amount)
    if problems:
        raise ValidationError({key: [message] for key, message in problems})
    arrival = CapitalArrival(project=project, on=on, amount_yuan=amount, note=note)
    changed_by(arrival, user)
    arrival.save()
    return arrival


# ── Attraction conflicts (招商冲突, docs/conflicts.md) ──


class ConflictRefused(Refusal):
    """A decision on a conflict the city cannot take as sent (shares that do not add up, a
    zone not in the conflict, a conflict that has cleared)."""


@dataclass(frozen=True)
class FoundConflict:
    """Projects of two or more zones found to pursue one enterprise."""

    basis: str
    projects: frozenset[int]
    similarity: Decimal | None


def _stage_key(row: tuple) -> tuple:
    pk, _zone, *dates = row
    if settings.ZONEPLAN_CONFLICT_HOLDER == HolderRule.FIRST_REGISTERED:
        return (pk,)
    present = [d for d in dates if d is not None]
    return (min(present) if present else dt.date.max, pk)


def find_conflicts(*, threshold: float | None = None) -> tuple[list[FoundConflict], dict]:
    """Every conflict in the registry now, and {project id: (pk, zone id, stage dates…)} of
    their projects. Enterprises whose projects stand in two or more zones, with the
    enterprises whose names match theirs (investment.matching) taken as one."""
    threshold = min(
        100.0, float(threshold if threshold is not None else settings.ZONEPLAN_CONFLICT_SIMILARITY)
    )
    date_fields = [f for _s, f in STAGE_DATES]
    rows = list(
        InvestmentProject.objects.filter(enterprise__isnull=False).values_list(
            "enterprise_id", "pk", "zone_id"
        )
    )
    projects_of: dict[int, list[tuple]] = {}
    for enterprise_id, *row in rows:
        projects_of.setdefault(enterprise_id, []).append(tuple(row))
    names = {
        pk: matching.normalise_name(name)
        for pk, name in Enterprise.objects.values_list("pk", "name")
        if pk in projects_of
    }
    groups = matching.Groups()
    lowest: dict[tuple[int, int], float] = {}
    for a, b, score in matching.similar_pairs(names, threshold=threshold):
        groups.join(a, b)
        lowest[(a, b)] = score
    for pk in projects_of:
        groups.find(pk)
    root_score: dict[int, float] = {}
    for (a, _b), score in lowest.items():
        root = groups.find(a)
        root_score[root] = min(score, root_score.get(root, 100.0))
    found = []
    members_of: list[tuple[int, list[int], list[tuple]]] = []
    for root, enterprises in groups.groups().items():
        members = [row for e in enterprises for row in projects_of.get(e, ())]
        if len({row[1] for row in members}) >= 2:
            members_of.append((root, enterprises, members))
    # The stage dates (for the holder rule) of the projects in conflicts only.
    wanted = [row[0] for _r, _e, members in members_of for row in members]
    facts: dict[int, tuple] = {}
    for start in range(0, len(wanted), 5000):
        for pk, zone_id, *dates in InvestmentProject.objects.filter(
            pk__in=wanted[start : start + 5000]
        ).values_list("pk", "zone_id", *date_fields):
            facts[pk] = (pk, zone_id, *dates)
    for root, enterprises, members in members_of:
        found.append(
            FoundConflict(
                basis=ConflictBasis.SAME_ENTERPRISE
                if len(enterprises) == 1
                else ConflictBasis.SIMILAR_NAME,
                projects=frozenset(row[0] for row in members),
                similarity=None
                if len(enterprises) == 1
                else Decimal(str(round(root_score.get(root, 100.0), 2))),
            )
        )
    return found, facts


def rule_holder(project_ids, facts: dict) -> int:
    """The zone that holds the projects by the rule (ZONEPLAN_CONFLICT_HOLDER)."""
    first = min((facts[pk] for pk in project_ids), key=_stage_key)
    return first[1]


def shares_for(conflict: Conflict, zone_of: dict[int, int]) -> dict[int, Decimal]:
    """{project id: share} as `conflict`'s status says, its projects' zones in `zone_of`."""
    one, none = Decimal(1), Decimal(0)
    if conflict.status == ConflictStatus.SEPARATE:
        return {pk: one for pk in zone_of}
    if conflict.status == ConflictStatus.JOINT:
        shares = {int(z): Decimal(s) for z, s in conflict.zone_shares.items()}
        return {pk: shares.get(zone, none) for pk, zone in zone_of.items()}
    return {pk: one if zone == conflict.holder_zone_id else none for pk, zone in zone_of.items()}


def _reopened() -> str:
    return _("Its projects changed since the city decided: the city decides again.")


@transaction.atomic
def detect_conflicts(*, threshold: float | None = None, user=None) -> dict[str, int]:
    """Bring the stored conflicts in line with the registry: new ones open with the holder the
    rule names, one whose projects changed after the city decided opens again, one that no
    longer stands clears (its projects count whole again). Writes only what changed; returns
    the counts of what was opened, reopened, updated and cleared."""
    found, facts = find_conflicts(threshold=threshold)
    stored = {
        c.pk: c for c in Conflict.objects.exclude(status=ConflictStatus.CLEARED).select_for_update()
    }
    members: dict[int, dict[int, ConflictMember]] = {pk: {} for pk in stored}
    conflict_of: dict[int, int] = {}
    for member in ConflictMember.objects.filter(conflict__in=list(stored)):
        members[member.conflict_id][member.project_id] = member
        conflict_of[member.project_id] = member.conflict_id
    counts = {"opened": 0, "reopened": 0, "updated": 0, "cleared": 0}
    taken: set[int] = set()
    keep: list[tuple[Conflict, FoundConflict]] = []
    new: list[tuple[Conflict, FoundConflict]] = []
    for group in sorted(found, key=lambda g: min(g.projects)):
        overlap = Counter(conflict_of[p] for p in group.projects if p in conflict_of)
        match = next((c for c, _n in overlap.most_common() if c not in taken), None)
        if match is None:
            conflict = Conflict(basis=group.basis, similarity=group.similarity)
            conflict.holder_zone_id = rule_holder(group.projects, facts)
            new.append((conflict, group))
            continue
        else:
            taken.add(match)
            conflict = stored[match]
            zones_now = {facts[p][1] for p in group.projects}
            moved = set(members[match]) != set(group.projects)
            dirty = False
            if moved and conflict.status != ConflictStatus.OPEN:
                conflict.status, conflict.note = ConflictStatus.OPEN, _reopened()
                conflict.decided_by = conflict.decided_at = None
                counts["reopened"] += 1
                dirty = True
            if conflict.status == ConflictStatus.OPEN:
                holder = rule_holder(group.projects, facts)
                if conflict.holder_zone_id != holder:
                    conflict.holder_zone_id, dirty = holder, True
            elif conflict.holder_zone_id and conflict.holder_zone_id not in zones_now:
                conflict.status, conflict.note = ConflictStatus.OPEN, _reopened()
                conflict.holder_zone_id = rule_holder(group.projects, facts)
                counts["reopened"] += 1
                dirty = True
            if (conflict.basis, conflict.similarity) != (group.basis, group.similarity):
                conflict.basis, conflict.similarity, dirty = group.basis, group.similarity, True
            if dirty:
                changed_by(conflict, user)
                conflict.save()
                counts["updated"] += 1
        keep.append((conflict, group))
    if new:
        # One statement per thousand, with a history row each (a first search opens thousands).
        created = bulk_create_with_history(
            [c for c, _g in new],
            Conflict,
            batch_size=1000,
            default_user=user if getattr(user, "pk", None) else None,
        )
        for conflict, (_c, group) in zip(created, new, strict=True):
            members[conflict.pk] = {}
            keep.append((conflict, group))
        counts["opened"] = len(created)
    cleared = [c for pk, c in stored.items() if pk not in taken]
    for conflict in cleared:
        conflict.status, conflict.holder_zone_id = ConflictStatus.CLEARED, None
        changed_by(conflict, user)
        conflict.save()
        counts["cleared"] += 1
    _write_members(keep, members, facts, cleared)
    return counts


def _write_members(keep, members, facts, cleared) -> None:
    """Store each kept conflict's projects and shares, writing only rows that differ."""
    creates: list[ConflictMember] = []
    updates: list[ConflictMember] = []
    deletes: list[int] = []
    for conflict, group in keep:
        mine = members.get(conflict.pk, {})
        wanted = shares_for(conflict, {p: facts[p][1] for p in group.projects})
        for pk, share in wanted.items():
            row = mine.get(pk)
            if row is None:
                creates.append(ConflictMember(conflict=conflict, project_id=pk, share=share))
            elif row.share != share:
                row.share = share
                updates.append(row)
        deletes.extend(row.pk for pk, row in mine.items() if pk not in wanted)
    for conflict in cleared:
        deletes.extend(row.pk for row in members.get(conflict.pk, {}).values())
    # Deleted first: a project that moved from one conflict to another leaves the first.
    if deletes:
        ConflictMember.objects.filter(pk__in=deletes).delete()
    if creates:
        ConflictMember.objects.bulk_create(creates, batch_size=2000)
    if updates:
        ConflictMember.objects.bulk_update(updates, ["share"], batch_size=2000)
    if creates or updates or deletes:
        rows_written.send(sender=ConflictMember)


@transaction.atomic
def decide_conflict(
    *,
    user,
    conflict: Conflict,
    decision: str,
    holder_zone_id: int | None = None,
    shares: dict[int, Decimal] | None = None,
    note: str = "",
) -> Conflict:
    """The city's decision on a conflict: `confirm` the holder the rule names, `reassign` it
    to another of its zones, make it `joint` with `shares` by zone (adding up to 1), or find
    the projects `separate` investments that each count whole. Refused, and nothing
    written, for anyone but the city's administrators or for a decision that does not fit."""
    if not may_decide_conflicts(user):
        raise Forbidden(_("Only the city's administrators decide attraction conflicts."))
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.status == ConflictStatus.CLEARED:
        raise ConflictRefused(_("This conflict no longer stands: there is nothing to decide."))
    rows = list(conflict.members.select_related("project"))
    zone_of = {row.project_id: row.project.zone_id for row in rows}
    zones = set(zone_of.values())
    if len(note) > 500:
        raise ConflictRefused(_("The note may be at most 500 characters."))
    conflict.zone_shares = {}
    if decision == "confirm":
        facts = {
            p.pk: (p.pk, p.zone_id, *(getattr(p, f) for _s, f in STAGE_DATES))
            for p in (row.project for row in rows)
        }
        conflict.status = ConflictStatus.CONFIRMED
        conflict.holder_zone_id = rule_holder(list(zone_of), facts)
    elif decision == "reassign":
        if holder_zone_id not in zones:
            raise ConflictRefused(_("Choose one of the conflict's zones to hold the project."))
        conflict.status, conflict.holder_zone_id = ConflictStatus.REASSIGNED, holder_zone_id
    elif decision == "joint":
        conflict.status, conflict.holder_zone_id = ConflictStatus.JOINT, None
        conflict.zone_shares = {str(z): str(s) for z, s in _joint_shares(shares, zones).items()}
    elif decision == "separate":
        conflict.status, conflict.holder_zone_id = ConflictStatus.SEPARATE, None
    else:
        raise ConflictRefused(_("Unknown decision %(decision)s") % {"decision": decision})
    conflict.note = note
    conflict.decided_by = user if getattr(user, "pk", None) else None
    conflict.decided_at = timezone.now()
    changed_by(conflict, user)
    conflict.save()
    wanted = shares_for(conflict, zone_of)
    changed = [row for row in rows if row.share != wanted[row.project_id]]
    for row in changed:
        row.share = wanted[row.project_id]
    ConflictMember.objects.bulk_update(changed, ["share"])
    figures.changed(ConflictMember, zones)
    return conflict


def _joint_shares(shares: dict[int, Decimal] | None, zones: set[int]) -> dict[int, Decimal]:
    shares = shares or {}
    if set(shares) != zones:
        raise ConflictRefused(_("Give a share to each of the conflict's zones, and to no other."))
    if any(s is None or s <= 0 or s > 1 for s in shares.values()):
        raise ConflictRefused(_("Each zone's share must be more than 0% and at most 100%."))
    if any(s != s.quantize(Decimal("0.0001")) for s in shares.values()):
        raise ConflictRefused(_("Shares may have at most two decimal places of a per cent."))
    total = sum(shares.values(), Decimal(0))
    if total != 1:
        raise ConflictRefused(
            _("The shares add up to %(total)s%%; they must add up to 100%%.")
            % {"total": format((total * 100).normalize(), "f")}
        )
    return shares


# ── Merging duplicate enterprises (企业合并, docs/conflicts.md) ──


class MergeRefused(Refusal):
    """A merge or its undoing that cannot be carried out as asked."""


# Fields elsewhere that name an enterprise by its credit code rather than a foreign key
# (e.g. a line of the attraction list): registered by their apps, so that investment never
# imports the apps built on it.
_CODE_REFERENCES: list[tuple[str, str]] = []


def register_code_reference(label: str, field: str) -> None:
    if (label, field) not in _CODE_REFERENCES:
        _CODE_REFERENCES.append((label, field))


def _references():
    """(model, field name) of every foreign key to Enterprise, history tables left out."""
    for rel in Enterprise._meta.related_objects:
        model = rel.related_model
        if rel.many_to_many or model._meta.model_name.startswith("historical"):
            continue
        yield model, rel.field


def _unique_with(model, field_name: str) -> list[list[str]]:
    """The other fields of each unique rule of `model` that includes `field_name`."""
    sets = [list(c.fields) for c in model._meta.constraints if getattr(c, "fields", None)]
    sets += [list(u) for u in model._meta.unique_together]
    field = model._meta.get_field(field_name)
    if getattr(field, "unique", False):
        sets.append([field_name])
    return [[f for f in s if f != field_name] for s in sets if field_name in s]


def _as_record(obj) -> dict:
    import json

    from django.core import serializers

    return json.loads(serializers.serialize("json", [obj]))[0]


def _restore(record: dict, user):
    import json

    from django.core import serializers

    for item in serializers.deserialize("json", json.dumps([record])):
        obj = item.object
        changed_by(obj, user)
        obj.save(force_insert=True)
        return obj
    return None


def _clashes(model, field_name: str, row, value) -> bool:
    for others in _unique_with(model, field_name):
        lookup = {f: getattr(row, model._meta.get_field(f).attname) for f in others}
        lookup[field_name] = value
        if model._default_manager.filter(**lookup).exclude(pk=row.pk).exists():
            return True
    return False


@transaction.atomic
def merge_enterprises(*, user, survivor: Enterprise, duplicate: Enterprise, note: str = ""):
    """Merge `duplicate` into `survivor`: every project, node and list line that names the
    duplicate names the survivor instead (a row that would repeat one of the survivor's is
    removed and kept), then the duplicate is deleted. Each moved row's history names the
    user; the merge keeps all it needs to be undone. Refused, with nothing written, for
    anyone but the city's administrators, and for an enterprise merged into itself."""
    from .models import EnterpriseMerge

    if not may_decide_conflicts(user):
        raise Forbidden(_("Only the city's administrators merge enterprises."))
    if duplicate.pk == survivor.pk:
        raise MergeRefused(_("An enterprise cannot be merged into itself."))
    if len(note) > 500:
        raise MergeRefused(_("The note may be at most 500 characters."))
    survivor = Enterprise.objects.select_for_update().get(pk=survivor.pk)
    duplicate = Enterprise.objects.select_for_update().get(pk=duplicate.pk)
    reason = _("Merged into %(code)s") % {"code": survivor.credit_code}
    moved: list[list] = []
    removed: list[dict] = []
    from django.apps import apps

    # What names the duplicate: foreign keys (by the record), and registered credit-code
    # fields (by the code); each row moves to the survivor, or is removed if it would
    # repeat one of the survivor's.
    references = [(m, f.name, duplicate, survivor) for m, f in _references()] + [
        (apps.get_model(label), name, duplicate.credit_code, survivor.credit_code)
        for label, name in _CODE_REFERENCES
    ]
    for model, field_name, old, new in references:
        for row in model._default_manager.filter(**{field_name: old}).order_by("pk"):
            changed_by(row, user)
            if _clashes(model, field_name, row, new):
                removed.append(_as_record(row))
                row.delete()
                continue
            setattr(row, field_name, new)
            row._change_reason = reason
            row.save()
            moved.append([model._meta.label, row.pk, field_name, getattr(old, "pk", old)])
    merge = EnterpriseMerge(
        survivor=survivor,
        merged_pk=duplicate.pk,
        merged_code=duplicate.credit_code,
        merged_name=duplicate.name,
        merged_record=_as_record(duplicate),
        moved=moved,
        removed=removed,
        note=note,
        merged_by=user if getattr(user, "pk", None) else None,
    )
    changed_by(duplicate, user)
    duplicate._change_reason = reason  # type: ignore[attr-defined]
    duplicate.delete()
    changed_by(merge, user)
    merge.save()
    return merge


@transaction.atomic
def undo_merge(*, user, merge) -> Enterprise:
    """Bring the merged record back with its id and values, point back what the merge moved
    (what has since been pointed elsewhere stays), and restore the rows it removed."""
    from django.apps import apps

    from .models import EnterpriseMerge

    if not may_decide_conflicts(user):
        raise Forbidden(_("Only the city's administrators merge enterprises."))
    merge = EnterpriseMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise MergeRefused(_("This merge has already been undone."))
    if merge.survivor_id is None:
        raise MergeRefused(
            _("The surviving enterprise has been deleted: the merge cannot be undone.")
        )
    taken = Enterprise.objects.filter(
        Q(pk=merge.merged_pk) | Q(credit_code=merge.merged_code)
    ).first()
    if taken is not None:
        raise MergeRefused(
            _("%(name)s (%(code)s) now holds the merged record's id or credit code: undo refused.")
            % {"name": taken.name, "code": taken.credit_code}
        )
    restored = _restore(merge.merged_record, user)
    survivor = merge.survivor
    for label, pk, field_name, old in merge.moved:
        model = apps.get_model(label)
        row = model._default_manager.filter(pk=pk).first()
        if row is None:
            continue
        field = model._meta.get_field(field_name)
        now = getattr(row, field.attname)
        if now != (survivor.pk if field.is_relation else survivor.credit_code):
            continue  # pointed elsewhere since the merge: left as it is
        setattr(row, field.attname, old)
        changed_by(row, user)
        row._change_reason = _("Merge undone")
        row.save()
    for record in merge.removed:
        model = apps.get_model(record["model"])
        if not model._default_manager.filter(pk=record["pk"]).exists():
            _restore(record, user)
    merge.undone_at = timezone.now()
    merge.undone_by = user if getattr(user, "pk", None) else None
    changed_by(merge, user)
    merge.save()
    return restored
