"""Need-to-know: the one place that decides who may see and change case records.

Views, the API, search, exports and admin all ask here, through the `rules` predicates below
(object checks) or `visibility_q` / `visible_records` (querysets), which express the same policy
(tests/accounts/test_access_agreement.py proves they agree). The policy, in order:

1. Only people who work with cases see case records (auditors read the audit, administrators
   manage users, hotel operators see only their own notices).
2. A record under an active `RecordRestriction` is seen only by the people and teams it names;
   nobody else learns that it exists.
3. Otherwise a user sees their own agency's records; police see other agencies' standard
   records; partners see another agency's standard record only when it was shared with their
   agency by a recorded `SharingDecision` that has not been withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, TypeVar

import rules
from django.apps import apps
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Exists,
    Expression,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
)

from vigil.accounts.models import AgencyKind, RecordRestriction, Role, SharingDecision

M = TypeVar("M", bound=Model)

# Roles that work with case content. Auditors read the audit, administrators manage users and
# hotel operators see only their own notices: none of them sees case records by default.
CASE_ROLES = frozenset(
    {
        Role.CSE_INVESTIGATOR,
        Role.INTELLIGENCE_ANALYST,
        Role.SUPERVISOR,
        Role.MASH_PRACTITIONER,
        Role.PARTNER_PRACTITIONER,
    }
)
STANDARD = "standard"
RESTRICTED = "restricted"


def _works_with_cases(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.role in CASE_ROLES
        and user.agency_id
    )


def _is_police(user: Any) -> bool:
    return user.agency.kind == AgencyKind.POLICE


# Records that join other records: one is visible only if every record it joins is, so a
# link never betrays that a hidden record exists (label -> the foreign keys it joins by).
DEPENDENT_RECORDS: dict[str, tuple[str, ...]] = {
    "people.link": (
        "from_person",
        "from_object",
        "from_location",
        "to_person",
        "to_object",
        "to_location",
    ),
}


def register_dependent_record(label: str, joins: tuple[str, ...]) -> None:
    """For an area's own joining record (e.g. a network edge): see DEPENDENT_RECORDS."""
    DEPENDENT_RECORDS[label] = joins


def record_label(record_or_model: Any) -> str:
    """How sharing decisions, restrictions and the audit name a record's type."""
    return str(record_or_model._meta.label_lower)


# --- Querysets --------------------------------------------------------------------------------


def _model_at(model: type[Model], prefix: str) -> type[Model]:
    """The model reached from `model` by the relation path `prefix` ('event__person__')."""
    for name in [part for part in prefix.split("__") if part]:
        related = model._meta.get_field(name).related_model
        if related is None or isinstance(related, str):
            raise ValueError(f"{prefix!r} does not lead to a model from {model.__name__}")
        model = related
    return model


class _GrantRows(Expression):
    """The ids of the records of type `label` under an active restriction ("restricted"),
    under one naming the user or their team ("named"), or shared with an agency by a decision
    not withdrawn ("shared"): the right-hand side of `pk IN (...)`.

    Written as SQL from the models' own table and column names, and kept per database vendor:
    this statement is the same for every query and user (only the parameters differ), while
    building and compiling it as a queryset cost about 1 ms per subquery, several times per
    search. The rows themselves are read by the database with the query, never cached, so a
    new restriction or a withdrawn sharing decision applies to the very next query."""

    _sql: dict[tuple[str, str, bool], str] = {}

    def __init__(self, kind: str, label: str, *params: Any) -> None:
        super().__init__(output_field=BigIntegerField())
        self.kind, self.label, self.params = kind, label, params

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        key = (connection.vendor, self.kind, len(self.params) > 1)
        if key not in self._sql:
            self._sql[key] = _grant_rows_sql(connection.ops.quote_name, *key[1:])
        return self._sql[key], (self.label, *self.params)


def _grant_rows_sql(quote: Any, kind: str, with_team: bool) -> str:
    # Names from the models, values only as parameters.
    def column(model: type[Model], name: str) -> str:
        field: Any = model._meta.get_field(name)
        return f"{quote(model._meta.db_table)}.{quote(field.column)}"

    if kind == "shared":
        return (
            f"SELECT {column(SharingDecision, 'record_id')}"  # noqa: S608
            f" FROM {quote(SharingDecision._meta.db_table)}"
            f" WHERE {column(SharingDecision, 'withdrawn_at')} IS NULL"
            f" AND {column(SharingDecision, 'record_type')} = %s"
            f" AND {column(SharingDecision, 'agency')} = %s"
        )
    table = RecordRestriction
    sql = (
        f"SELECT {column(table, 'record_id')} FROM {quote(table._meta.db_table)}"  # noqa: S608
        f" WHERE {column(table, 'lifted_at')} IS NULL AND {column(table, 'record_type')} = %s"
    )
    if kind == "named":
        named = []
        for name in ("users", "teams") if with_team else ("users",):
            m2m: Any = table._meta.get_field(name)
            through = quote(m2m.remote_field.through._meta.db_table)
            own, other = quote(m2m.m2m_column_name()), quote(m2m.m2m_reverse_name())
            named.append(
                f"{column(table, 'id')} IN (SELECT {through}.{own} FROM {through}"  # noqa: S608
                f" WHERE {through}.{other} = %s)"
            )
        sql += f" AND ({' OR '.join(named)})"
    return sql


class _Grant(Expression):
    """Whether the record at `prefix` is under a restriction / a restriction naming the user /
    an active sharing decision with the user's agency (or, for "ends", whether every record it
    joins is visible). The record's type is only known once the filter meets its queryset, so
    this resolves itself then; that keeps `visibility_q(user, prefix)` usable on any model."""

    conditional = True

    def __init__(
        self,
        kind: str,
        prefix: str,
        *,
        user: Any = None,
        user_id: Any = None,
        team_id: Any = None,
        agency_id: Any = None,
    ) -> None:
        super().__init__(output_field=BooleanField())
        self.kind, self.prefix, self.user = kind, prefix, user
        self.user_id, self.team_id, self.agency_id = user_id, team_id, agency_id

    def resolve_expression(
        self,
        query: Any = None,
        allow_joins: bool = True,
        reuse: Any = None,
        summarize: bool = False,
        for_save: bool = False,
    ) -> Any:
        model = _model_at(query.model, self.prefix)
        label = record_label(model)
        if self.kind == "ends":
            joins = DEPENDENT_RECORDS.get(label)
            if not joins:
                return Value(True, output_field=BooleanField())
            ends = Q()
            for name in joins:
                ends &= Q(**{f"{name}__isnull": True}) | visibility_q(self.user, f"{name}__")
            rows = model._default_manager.filter(pk=OuterRef(f"{self.prefix}pk")).filter(ends)
            return Exists(rows).resolve_expression(query, allow_joins, reuse, summarize, for_save)
        if self.kind == "shared":
            ids = _GrantRows("shared", label, self.agency_id)
        elif self.kind == "named":
            ids = _GrantRows(
                "named", label, self.user_id, *([self.team_id] if self.team_id else [])
            )
        else:
            ids = _GrantRows("restricted", label)
        # "pk IN (the ids)": restrictions are few and an agency's shared records a small part
        # of the whole, so each is read once as a hashed set, not a correlated EXISTS probed
        # for every candidate row (a name search at a million records has thousands of
        # candidates before ranking).
        granted = Q(**{f"{self.prefix}pk__in": ids})
        return granted.resolve_expression(query, allow_joins, reuse, summarize, for_save)


def visibility_q(user: Any, prefix: str = "", *, ends: bool = True) -> Q:
    """A filter selecting the case records `user` may see. `prefix` reaches a related record
    (e.g. 'event__').

    `ends=False` leaves out the check that every record a joining record (a link) joins is
    visible: only for a caller that checks those records itself (search takes a phone's
    links only to phones it may see, then keeps only the people it may see). The check
    compiles to one subquery per end and policy clause (21 for a link)."""
    if not _works_with_cases(user):
        return Q(pk__in=[])
    restricted = Q(_Grant("restricted", prefix))
    # Restricted and naming the user: the records a restriction names them on are restricted.
    named = Q(_Grant("named", prefix, user_id=user.pk, team_id=user.team_id))
    own = Q(**{f"{prefix}owning_agency_id": user.agency_id})
    standard = Q(**{f"{prefix}access_level": STANDARD})
    if _is_police(user):
        unrestricted = own | standard
    else:
        shared = Q(_Grant("shared", prefix, agency_id=user.agency_id))
        unrestricted = own | (standard & shared)
    visible = named | (~restricted & unrestricted)
    return visible & Q(_Grant("ends", prefix, user=user)) if ends else visible


def visible_records(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    return queryset.filter(visibility_q(user))


# --- Object checks ----------------------------------------------------------------------------


def active_restriction(record: Any) -> RecordRestriction | None:
    return (
        RecordRestriction.objects.filter(
            record_type=record_label(record), record_id=record.pk, lifted_at=None
        )
        .prefetch_related("users", "teams")
        .first()
    )


def active_sharing(record: Any) -> QuerySet[SharingDecision]:
    return SharingDecision.objects.filter(
        record_type=record_label(record), record_id=record.pk, withdrawn_at=None
    ).select_related("agency", "decided_by")


def _named_in(restriction: RecordRestriction, user: Any) -> bool:
    if any(person.pk == user.pk for person in restriction.users.all()):
        return True
    return bool(user.team_id) and any(team.pk == user.team_id for team in restriction.teams.all())


@rules.predicate
def works_with_cases(user: Any) -> bool:
    return _works_with_cases(user)


@rules.predicate
def can_see_record(user: Any, record: Any) -> bool:
    if not _works_with_cases(user) or not hasattr(record, "owning_agency_id"):
        return False  # not a case record at all (None, or e.g. a user or permission)
    for name in DEPENDENT_RECORDS.get(record_label(record), ()):
        end = getattr(record, name)
        if end is not None and not can_see_record(user, end):
            return False
    restriction = active_restriction(record)
    if restriction is not None:
        return _named_in(restriction, user)
    if record.owning_agency_id == user.agency_id:
        return True
    if getattr(record, "access_level", STANDARD) != STANDARD:
        return False
    return _is_police(user) or active_sharing(record).filter(agency_id=user.agency_id).exists()


@rules.predicate
def can_change_record(user: Any, record: Any) -> bool:
    """Sharing gives sight, not the pen: a partner may change only its own agency's records
    (or one it is named on); police may change any record they may see."""
    if not can_see_record(user, record):
        return False
    if record.owning_agency_id == user.agency_id or _is_police(user):
        return True
    restriction = active_restriction(record)
    return restriction is not None and _named_in(restriction, user)


@rules.predicate
def can_share_record(user: Any, record: Any) -> bool:
    """Only the owning agency discloses its own records (the data controller's decision)."""
    return bool(can_see_record(user, record)) and record.owning_agency_id == user.agency_id


@rules.predicate
def can_restrict_record(user: Any, record: Any) -> bool:
    return bool(can_share_record(user, record))


@rules.predicate
def can_lift_restriction(user: Any, record: Any) -> bool:
    """Lifting a restriction exposes the record again: a supervisor's decision."""
    return bool(can_restrict_record(user, record)) and user.role == Role.SUPERVISOR


@rules.predicate
def can_read_audit(user: Any) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.role == Role.AUDITOR
    )


rules.add_perm("people.view_record", can_see_record)
rules.add_perm("people.change_record", can_change_record)
rules.add_perm("people.add_record", works_with_cases)
rules.add_perm("accounts.share_record", can_share_record)
rules.add_perm("accounts.restrict_record", can_restrict_record)
rules.add_perm("audit.read_audit", can_read_audit)


# --- Declared access policy of every URL ------------------------------------------------------
#
# Each app declares the policy of its own URL names in `vigil/<app>/access_policy.py` as
# `POLICY: dict[str, AccessPolicy]`. tests/test_authorisation_matrix.py enumerates every URL the
# resolver knows and checks each against its declaration for every role and kind of record, so
# a new view without a declaration fails the build.

PUBLIC = "public"  # anyone, signed in or not (sign-in page, favicon)
SIGNED_IN = "signed_in"  # any signed-in user; any record data shown is filtered by need-to-know
CASE_WORKER = "case_worker"  # people who work with cases; anyone else gets 403
POLICE_CASE_WORKER = "police_case_worker"  # police powers (e.g. issuing a CAWN); others 403
RECORD = "record"  # one case record named in the URL: 404 unless the user may see it
RECORD_OWNER = "record_owner"  # as RECORD, and 403 unless the user's agency owns the record
RECORD_POLICE = "record_police"  # as RECORD, and 403 unless a police case worker (police powers)
OPERATOR = "operator"  # hotel operators, on notices served on premises they act for; others 404
AUDITOR = "auditor"  # information-assurance auditors; anyone else gets 403
STAFF = "staff"  # Django admin: system administrators only
AUDIENCES = frozenset(
    {
        PUBLIC,
        SIGNED_IN,
        CASE_WORKER,
        POLICE_CASE_WORKER,
        RECORD,
        RECORD_OWNER,
        RECORD_POLICE,
        OPERATOR,
        AUDITOR,
        STAFF,
    }
)
RECORD_AUDIENCES = frozenset({RECORD, RECORD_OWNER, RECORD_POLICE})


@dataclass(frozen=True)
class AccessPolicy:
    """Who may use one URL name. For RECORD (and RECORD_OWNER, RECORD_POLICE, OPERATOR),
    `record` names the model the URL's `pk` argument (or `record_argument`) refers to
    ("people.person", "disruption.hotelinformationnotice"); `kwargs` fixes other URL
    arguments (`{"kind": "person"}`; "@label" names the test world's record of that kind) and
    `query` adds a query string for list and search pages ("{marker}" is replaced by a unique
    string in the test records, to prove hidden records never appear). API URLs (under /api/)
    answer a signed-out caller with 401/403 instead of the sign-in redirect."""

    audience: str
    record: str = ""
    record_argument: str = "pk"
    kwargs: dict[str, Any] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    # An API route (answers a signed-out caller 401/403, not the sign-in redirect); routes
    # under /api/ are treated so whether or not this is set.
    api: bool = False
    # Answers POST only (GET gets 405 once past sign-in), e.g. "sign out everywhere".
    post_only: bool = False

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"unknown audience {self.audience!r}")
        if self.audience in RECORD_AUDIENCES and not self.record:
            raise ValueError("a RECORD policy names its record model")
        if self.record and self.audience not in RECORD_AUDIENCES | {OPERATOR}:
            raise ValueError("only a RECORD or OPERATOR policy names a record model")


def declared_policies() -> dict[str, tuple[str, AccessPolicy]]:
    """url name -> (declaring module, policy), from every installed app's access_policy.py."""
    found: dict[str, tuple[str, AccessPolicy]] = {}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.access_policy"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        for name, policy in getattr(module, "POLICY", {}).items():
            if name in found:
                raise ValueError(f"{name!r} declared in {found[name][0]} and {module_name}")
            found[name] = (module_name, policy)
    return found
