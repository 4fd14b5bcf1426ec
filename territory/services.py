"""Writes to the unit tree. The path and depth of a unit are kept here and nowhere else."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .choices import ALLOWED_PARENT_KINDS
from .models import Unit


def check_parent(*, kind: str, parent: Unit | None) -> None:
    """Refuse a parent whose kind may not hold a unit of `kind` (a zone under a zone...)."""
    allowed = ALLOWED_PARENT_KINDS[kind]
    parent_kind = parent.kind if parent else None
    if parent_kind not in allowed:
        if parent is None:
            raise ValidationError(_("A unit of this kind needs a parent unit."), code="parent")
        raise ValidationError(
            _("A %(kind)s cannot be placed under %(parent)s.")
            % {"kind": Unit(kind=kind).get_kind_display(), "parent": parent.name},
            code="parent",
        )


@transaction.atomic
def save_unit(unit: Unit) -> Unit:
    """Save `unit` and keep the materialised paths of it and its subtree right.

    Moving a unit rewrites the paths of its descendants (one UPDATE per descendant; a move
    is rare and subtrees are small). Placing a unit under itself or its own descendant is a
    cycle and is refused.
    """
    parent = Unit.objects.get(pk=unit.parent_id) if unit.parent_id else None
    check_parent(kind=unit.kind, parent=parent)
    old_path = ""
    if unit.pk:
        old_path = Unit.objects.filter(pk=unit.pk).values_list("path", flat=True).first() or ""
        if parent and old_path and parent.path.startswith(old_path):
            raise ValidationError(
                _("%(unit)s cannot be placed under %(parent)s: the unit tree would have a cycle.")
                % {"unit": unit.name, "parent": parent.name},
                code="cycle",
            )
    unit.save()
    new_path = f"{parent.path if parent else '/'}{unit.pk}/"
    depth = new_path.count("/") - 2
    if (unit.path, unit.depth) != (new_path, depth):
        unit.path, unit.depth = new_path, depth
        Unit.objects.filter(pk=unit.pk).update(path=new_path, depth=depth)
    if old_path and old_path != new_path:
        descendants = list(Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk))
        for item in descendants:
            item.path = new_path + item.path[len(old_path) :]
            item.depth = item.path.count("/") - 2
        Unit.objects.bulk_update(descendants, ["path", "depth"], batch_size=500)
    return unit
