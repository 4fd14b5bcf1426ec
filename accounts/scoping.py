"""The one place that decides which data a user may see or change.

Every query for data goes through `restrict` (or `visible_units`): a membership names a unit,
and reaches that unit's subtree. Nothing else filters by hand. Scoping lives in accounts,
not core as the first design had it, because it reads memberships and core must not import
apps above it.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from territory.models import Unit

from .choices import WRITING_ROLES, Action, Role

_NOTHING = Q(pk__in=[])


def _membership_paths(user, action: str) -> list[str] | None:
    """Paths the user reaches for `action`; None means everything (a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    roles = WRITING_ROLES if action == Action.CHANGE else set(Role)
    return sorted({path for role, path in memberships(user) if role in roles})


def memberships(user) -> list[tuple[str, str]]:
    """The user's (role, unit path) pairs, read once per request (kept on the user object)."""
    cached = getattr(user, "_zoneplan_paths", None)
    if cached is None:
        cached = list(user.memberships.values_list("role", "unit__path"))
        user._zoneplan_paths = cached
    return cached


def visible_units(user, action: str = Action.VIEW) -> QuerySet[Unit]:
    """Units the user may `action`. A zone that spans a district the user reaches counts as
    reached for viewing, so a district officer sees a zone shared with a neighbour."""
    paths = _membership_paths(user, action)
    if paths is None:
        return Unit.objects.all()
    if not paths:
        return Unit.objects.none()
    within = reduce(or_, (Q(path__startswith=p) for p in paths))
    if action == Action.VIEW:
        spanning = reduce(or_, (Q(extra_districts__path__startswith=p) for p in paths))
        shared = Unit.objects.filter(spanning).values("pk")
        within |= Q(pk__in=shared)
    return Unit.objects.filter(within)


def restrict(queryset: QuerySet, user, action: str = Action.VIEW, *, via: str = "unit") -> QuerySet:
    """Limit `queryset` to rows whose unit (reached through the field path `via`) the user
    may `action`. For a queryset of units, pass via="" ."""
    paths = _membership_paths(user, action)
    if paths is None:
        return queryset
    if not paths:
        return queryset.filter(_NOTHING)
    units = visible_units(user, action).values("pk")
    field = f"{via}__in" if via else "pk__in"
    return queryset.filter(**{field: units})


def home_unit(user) -> Unit | None:
    """The unit a user's pages speak of unless told otherwise: the city for whoever sees it,
    else the highest unit of the user's memberships (a district officer's district)."""
    units = visible_units(user)
    city = units.filter(kind="city").first()
    if city is not None:
        return city
    if not user.is_authenticated:
        return None
    own = user.memberships.select_related("unit").order_by("unit__depth", "unit__path").first()
    return own.unit if own is not None else None


def scope_unit(user, code: str, kinds: tuple[str, ...]) -> Unit | None:
    """The unit a page speaks of: the one of `kinds` coded `code` that the user sees, else
    (no code) the user's own (home_unit); None when there is no such unit to show (a code
    too long to be one, or hostile, finds none)."""
    if code:
        if len(code) > 64 or "\x00" in code:  # PostgreSQL refuses NUL in text
            return None
        return visible_units(user).filter(kind__in=kinds, code=code).first()
    return home_unit(user)


def roles_of(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return {Role.CITY_ADMIN}
    return {role for role, _path in memberships(user)}


def is_city_admin(user) -> bool:
    return Role.CITY_ADMIN in roles_of(user)


def may_decide_conflicts(user) -> bool:
    """Who decides attraction conflicts between zones (and merges duplicate enterprises):
    the city's administrators."""
    return is_city_admin(user)


def may_manage_users(user) -> bool:
    """Who resets another person's password and disables or enables their account: the
    city's administrators."""
    return is_city_admin(user)


def may_unlock_log_ins(user) -> bool:
    """Who may lift a log-in lock-out: the city's administrators."""
    return is_city_admin(user)


def reports_for_unit(user, unit) -> bool:
    """Whether `user` enters statistics for `unit`: its own officers, or the city's
    administrators."""
    if user.is_superuser:
        return True
    return any(
        (role in WRITING_ROLES and path == unit.path) or role == Role.CITY_ADMIN
        for role, path in memberships(user)
    )


def reviews_for_district(user, unit) -> bool:
    """Whether `user` reviews `unit`'s statistics as an officer of a district above it."""
    path = unit.path
    return any(
        role == Role.DISTRICT_OFFICER and path.startswith(unit_path) and path != unit_path
        for role, unit_path in memberships(user)
    )


def district_reviewers(unit) -> QuerySet:
    """The people who review `unit`'s statistics for a district: the active officers of the
    districts above it (reviews_for_district, seen from the unit)."""
    from .models import User

    above = [int(pk) for pk in unit.path.strip("/").split("/")[:-1]]
    return User.objects.filter(
        is_active=True,
        memberships__role=Role.DISTRICT_OFFICER,
        memberships__unit_id__in=above,
    ).distinct()


def city_administrators() -> QuerySet:
    """The active people with the city administrator's role (not every superuser: a technical
    account is not told of the city's work)."""
    from .models import User

    return User.objects.filter(is_active=True, memberships__role=Role.CITY_ADMIN).distinct()


def unit_reporters(unit) -> QuerySet:
    """The active people who enter `unit`'s own statistics: its own officers (the city's
    administrators may too, but the unit's report is not theirs to owe)."""
    from .models import User

    return User.objects.filter(
        is_active=True,
        memberships__unit=unit,
        memberships__role__in=[Role.ZONE_OFFICER, Role.DISTRICT_OFFICER],
    ).distinct()


def may_follow_job(user, job) -> bool:
    """Who may follow a background job's progress and read its error: whoever started it,
    and the city's administrators."""
    return bool(user.is_authenticated) and (job.started_by_id == user.pk or is_city_admin(user))


def may_see_every_job(user) -> bool:
    """Who sees everybody's background jobs in the list: the city's administrators."""
    return is_city_admin(user)


def zone_lookup(user, kinds: tuple[str, ...] = ("zone",), *, shared: bool = False):
    """For spreadsheets: a function from what an officer writes in the zone column (the
    zone's name or code, matched in its folded form) to the zone. It finds every zone the user
    may see; `find.writable` holds the ids of those the user may change, which the import
    engine requires of every row it would write (a row left unchanged needs no right, so an
    officer's untouched export re-imports cleanly).

    `shared` is for shared reference data (enterprises): every zone is found, since every
    user reads every enterprise and its zone; writing still needs the zone's change right.

    Three queries in all, however many rows use it."""
    from core.tabular.cells import CellError, match_key

    zones = Unit.objects.filter(kind__in=kinds)
    visible = {}
    for zone in zones if shared else restrict(zones, user, Action.VIEW, via=""):
        visible[match_key(zone.name)] = zone
        visible[match_key(zone.code)] = zone
    known = {match_key(v) for v in zones.values_list("name", flat=True)} | {
        match_key(v) for v in zones.values_list("code", flat=True)
    }

    found: dict[str, Unit] = {}  # by the text as written: a file names few zones many times

    def find(text: str):
        zone = found.get(text)
        if zone is not None:
            return zone
        key = match_key(text)
        zone = visible.get(key)
        if zone is not None:
            found[text] = zone
            return zone
        if key in known:
            raise CellError(_("You may not report data for the zone “%(zone)s”") % {"zone": text})
        raise CellError(
            _("There is no zone “%(zone)s” (write a zone's full name or code as in the system)")
            % {"zone": text}
        )

    find.writable = set(restrict(zones, user, Action.CHANGE, via="").values_list("pk", flat=True))
    return find


def may_issue_opportunity(user, unit) -> bool:
    """Who drafts, submits, revises and withdraws a unit's opportunities: those who may change
    the unit (its own officers, the district's above it, the city's administrators)."""
    return visible_units(user, Action.CHANGE).filter(pk=unit.pk).exists()


def may_review_opportunity(user, unit, level: str) -> bool:
    """Who approves or returns an opportunity of `unit` at a review level: at the district
    level, an officer of a district above the unit; at the city level, the city's
    administrators, who may also act for a district that has not."""
    if is_city_admin(user) or user.is_superuser:
        return True
    return level == "district" and reviews_for_district(user, unit)


def may_publish_scenario(user) -> bool:
    """Who publishes a zone's scenario IP on the portal (and takes it off): the city's
    administrators."""
    return is_city_admin(user) or bool(user.is_superuser)


def may_handle_responses(user, unit) -> bool:
    """Who reads and handles the answers to a unit's opportunities (their contacts are personal
    data): the unit's own officers only, not those above it."""
    from .choices import WRITING_ROLES

    return any(role in WRITING_ROLES and path == unit.path for role, path in memberships(user))


def responses_for(user, queryset: QuerySet) -> QuerySet:
    """Limit answers to opportunities (`opportunity__unit`) to the units the user is an officer
    of (may_handle_responses)."""
    from .choices import WRITING_ROLES

    paths = [path for role, path in memberships(user) if role in WRITING_ROLES]
    if not paths:
        return queryset.none()
    return queryset.filter(opportunity__unit__path__in=paths)
