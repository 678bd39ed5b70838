"""The screening services: re-screening on every change, history with who and why,
professional judgement (raise at once; lower only with a second person, a supervisor), the
sibling task, adults refused, and audit entries in the same transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from tests.factories import EventFactory, LinkFactory, LocationFactory, PersonFactory
from tests.safeguarding.conftest import days_ago, today, years_ago
from vigil.audit.models import Action, AuditEntry
from vigil.safeguarding import services
from vigil.safeguarding.models import (
    AdviceAction,
    Observation,
    Override,
    ScreeningResult,
    ScreeningTask,
)

THREE_SIGNS = ["WS-EMO-SECRETIVE", "WS-EDU-TRUANCY", "WS-IDN-UNEXPLAINED-GIFTS"]


def record(user: Any, child: Any, codes: list[str], **extra: Any) -> list[Observation]:
    return services.observations_record(
        acting_user=user,
        child=child,
        codes=codes,
        observed_on=extra.pop("observed_on", today()),
        source=extra.pop("source", "school"),
        **extra,
    )


def current(child: Any) -> ScreeningResult:
    return ScreeningResult.objects.get(child=child, is_current=True)


# --- Recording re-screens ---------------------------------------------------------------------


def test_recording_a_concern_rescreens_and_keeps_history(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    first = services.ensure_current_screening(acting_user=investigator, child=child)
    assert (first.rank, first.label, first.trigger) == (
        0,
        "no indicators recorded",
        "First screening",
    )
    assert first.review_on is None

    created = record(investigator, child, ["WS-EDU-TRUANCY"], note="Missed 9 days this month")
    result = current(child)
    assert (result.level, result.previous_rank) == ("low", 0)
    assert result.triggered_by == investigator
    assert result.trigger.startswith("Concern recorded: Absent, truanting")
    assert result.review_on == today() + timedelta(days=182)
    observed = [o for r in result.reasons for o in r["observations"]]
    assert {"code": "WS-EDU-TRUANCY", "ref": f"observation:{created[0].pk}"}.items() <= (
        observed[0].items()
    )

    record(investigator, child, ["WS-EMO-SECRETIVE", "WS-IDN-UNEXPLAINED-GIFTS"])
    assert current(child).level == "medium"
    history = list(ScreeningResult.objects.filter(child=child).order_by("screened_at", "id"))
    assert [row.rank for row in history] == [0, 1, 2]
    assert [row.is_current for row in history] == [False, False, True]
    assert ScreeningResult.objects.filter(child=child, is_current=True).count() == 1


def test_each_write_is_audited_in_its_transaction(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    before = AuditEntry.objects.count()
    [obs] = record(investigator, child, ["WS-EDU-TRUANCY"])
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [(e.action, e.object_type) for e in entries] == [
        (Action.COLLECTION, "observation"),
        (Action.COMBINATION, "screeningresult"),
    ]
    assert entries[0].object_id == str(obs.pk)
    assert entries[1].detail["rank"] == 1


def test_rank_zero_reads_no_indicators_recorded_never_no_risk(
    investigator: Any, family: dict[str, Any]
) -> None:
    result = services.ensure_current_screening(acting_user=investigator, child=family["tyler"])
    text = " ".join([result.label, result.level, *(r["text"] for r in result.reasons)]).lower()
    assert "no indicators recorded" in text
    assert "no risk" not in text


def test_withdrawing_an_observation_rescreens_it_away(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    [obs] = record(investigator, child, ["WS-EDU-TRUANCY"])
    assert current(child).rank == 1
    with pytest.raises(ValidationError) as error:
        services.observation_withdraw(
            acting_user=investigator, observation=obs, reason=" ", expected_version=obs.version
        )
    assert "reason" in error.value.message_dict
    services.observation_withdraw(
        acting_user=investigator,
        observation=obs,
        reason="Wrong child",
        expected_version=obs.version,
    )
    obs.refresh_from_db()
    assert obs.withdrawn_at is not None and obs.version == 2
    assert current(child).rank == 0
    assert current(child).trigger.startswith("Observation withdrawn")


def test_bad_observations_save_nothing(investigator: Any, family: dict[str, Any]) -> None:
    child = family["tyler"]
    cases = [
        ({"codes": []}, "codes"),
        ({"codes": ["NOT-A-CODE"]}, "codes"),
        ({"codes": ["WS-FAM-REPEAT-MISSING"]}, "codes"),  # derived: never ticked by hand
        ({"observed_on": today() + timedelta(days=1)}, "observed_on"),
        ({"observed_on": child.date_of_birth - timedelta(days=1)}, "observed_on"),
        ({"source": "gossip"}, "source"),
    ]
    for change, field in cases:
        arguments = {"codes": ["WS-EDU-TRUANCY"], "observed_on": today(), "source": "school"}
        arguments.update(change)
        with pytest.raises(ValidationError) as error:
            services.observations_record(acting_user=investigator, child=child, **arguments)
        assert field in error.value.message_dict, (change, error.value.message_dict)
    assert not Observation.objects.exists()
    assert not ScreeningResult.objects.exists()


# --- Adults and missing dates of birth ---------------------------------------------------------


def test_an_adult_gets_a_clear_refusal_not_a_score(
    investigator: Any, family: dict[str, Any]
) -> None:
    adult = family["suspect"]
    with pytest.raises(services.ScreeningRefused) as refused:
        services.compute_screening(adult)
    assert refused.value.field == "date_of_birth"
    assert "applies to children under 18 only" in refused.value.message
    with pytest.raises(ValidationError) as error:
        record(investigator, adult, ["WS-EDU-TRUANCY"])
    assert "under 18" in error.value.message_dict["child"][0]
    assert services.rescreen_person(adult, investigator, "Link added") is None
    assert not ScreeningResult.objects.exists()


def test_a_child_turning_18_today_is_an_adult(investigator: Any) -> None:
    person = PersonFactory(acting_user=investigator, date_of_birth=years_ago(18))
    with pytest.raises(services.ScreeningRefused):
        services.compute_screening(person)
    almost = PersonFactory(acting_user=investigator, date_of_birth=years_ago(18) + timedelta(1))
    assert services.compute_screening(almost).result.age == 17


def test_no_date_of_birth_is_refused_with_what_to_do(investigator: Any) -> None:
    person = PersonFactory(acting_user=investigator, date_of_birth=None)
    with pytest.raises(services.ScreeningRefused) as refused:
        services.compute_screening(person)
    assert "date of birth is not recorded" in refused.value.message


# --- Derived facts ------------------------------------------------------------------------------


def test_a_changed_derived_fact_is_picked_up_and_stored_once(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["kayleigh"]
    services.ensure_current_screening(acting_user=investigator, child=child)
    # Nothing changed: looking again stores nothing new.
    services.ensure_current_screening(acting_user=investigator, child=child)
    assert ScreeningResult.objects.filter(child=child).count() == 1
    # Another area adds a link: the next look (or its call to rescreen_person) re-screens.
    LinkFactory(
        acting_user=investigator,
        link_type="partner_of",
        source_entity=child,
        target_entity=family["suspect"],
    )
    row = services.rescreen_person(child, investigator, "Link added by the people screens")
    assert row is not None and row.rank == 2
    assert row.trigger == "Link added by the people screens"
    derived = {item["code"]: item for item in row.derived}
    assert {r["type"] for r in derived["WS-EMO-MUCH-OLDER-PARTNER"]["records"]} == {
        "link",
        "person",
    }
    assert services.rescreen_person(child, investigator, "Again").pk == row.pk


def test_rescreen_person_checks_need_to_know(
    investigator: Any, outsider: Any, partner: Any, family: dict[str, Any]
) -> None:
    for user in (outsider, partner):
        with pytest.raises(PermissionDenied):
            services.rescreen_person(family["kayleigh"], user, "Looking")


# --- Professional judgement ---------------------------------------------------------------------


def test_any_practitioner_may_raise_with_a_reason(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    record(investigator, child, ["WS-EDU-TRUANCY"])
    with pytest.raises(ValidationError) as error:
        services.override_propose(acting_user=investigator, child=child, rank=2, reason="  ")
    assert "reason" in error.value.message_dict
    row = services.override_propose(
        acting_user=investigator, child=child, rank=2, reason="Sister is being exploited"
    )
    assert row.status == Override.Status.APPLIED
    result = current(child)
    assert (result.rank, result.rule_rank) == (2, 1)
    assert result.override_id == row.pk
    assert result.reasons[0]["rule"] == "professional_judgement"
    assert "Raised from low to medium" in result.reasons[0]["text"]
    assert "Sister is being exploited" in result.reasons[0]["text"]


def test_lowering_waits_for_a_second_persons_approval(
    investigator: Any, supervisor: Any, second_supervisor: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    record(investigator, child, THREE_SIGNS)
    assert current(child).rank == 2
    row = services.override_propose(
        acting_user=supervisor, child=child, rank=1, reason="Signs explained by bereavement"
    )
    assert row.status == Override.Status.PENDING
    result = current(child)
    assert result.rank == 2  # not applied yet
    assert "needs a supervisor's approval" in result.reasons[0]["text"]

    # Neither a non-supervisor nor the proposer (even a supervisor) may approve.
    for user in (investigator, supervisor):
        assert not services.can_approve(user, row)
        with pytest.raises(PermissionDenied):
            services.override_decide(acting_user=user, override=row, approve=True)
    services.override_decide(acting_user=second_supervisor, override=row, approve=True)
    row.refresh_from_db()
    assert row.status == Override.Status.APPROVED
    result = current(child)
    assert (result.rank, result.rule_rank) == (1, 2)
    assert "approved by" in result.reasons[0]["text"]


def test_a_rejection_needs_a_note_and_leaves_the_rule_result(
    investigator: Any, supervisor: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    record(investigator, child, THREE_SIGNS)
    row = services.override_propose(acting_user=investigator, child=child, rank=0, reason="Fine")
    with pytest.raises(ValidationError):
        services.override_decide(acting_user=supervisor, override=row, approve=False, note="")
    services.override_decide(
        acting_user=supervisor, override=row, approve=False, note="Not enough: speak to school"
    )
    result = current(child)
    assert (result.rank, result.override_id) == (2, None)
    assert all(r["rule"] != "professional_judgement" for r in result.reasons)


def test_an_approved_lowering_lapses_when_new_evidence_raises_the_rules(
    investigator: Any, supervisor: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    record(investigator, child, THREE_SIGNS)
    row = services.override_propose(acting_user=investigator, child=child, rank=1, reason="Known")
    services.override_decide(acting_user=supervisor, override=row, approve=True)
    assert current(child).rank == 1
    record(investigator, child, ["EXP-BOYFRIEND-MODEL"])  # a type of exploitation: high
    result = current(child)
    assert result.rank == 3
    assert "no longer applies" in result.reasons[0]["text"]


def test_withdrawing_a_judgement_restores_the_rule_result(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    services.override_propose(acting_user=investigator, child=child, rank=3, reason="Disclosure")
    assert current(child).rank == 3
    services.override_withdraw(acting_user=investigator, child=child, reason="Strategy meeting")
    assert current(child).rank == 0
    assert not Override.objects.filter(status=Override.Status.APPLIED).exists()


# --- The sibling task ---------------------------------------------------------------------------


def test_reaching_medium_creates_consider_screening_tasks_for_siblings_and_household(
    investigator: Any, family: dict[str, Any]
) -> None:
    kayleigh = family["kayleigh"]
    record(investigator, kayleigh, ["WS-EDU-TRUANCY"])  # low: no tasks
    assert not ScreeningTask.objects.exists()
    record(investigator, kayleigh, ["WS-EMO-SECRETIVE", "WS-IDN-UNEXPLAINED-GIFTS"])  # medium
    tasks = {t.child_id: t for t in ScreeningTask.objects.all()}
    assert tasks.keys() == {family["tyler"].pk, family["housemate"].pk}
    assert tasks[family["tyler"].pk].relation == "sibling"
    assert tasks[family["housemate"].pk].relation == "household"
    assert all(t.because_of_id == kayleigh.pk for t in tasks.values())
    # The adult (mother) gets none; re-screening at the same level adds no duplicate.
    record(investigator, kayleigh, ["WS-HLT-SUBSTANCE-USE"])
    assert ScreeningTask.objects.count() == 2


def test_a_closed_task_returns_only_if_the_child_reaches_medium_again(
    investigator: Any, family: dict[str, Any]
) -> None:
    kayleigh, tyler = family["kayleigh"], family["tyler"]
    [*signs] = record(investigator, kayleigh, THREE_SIGNS)
    with pytest.raises(ValidationError):
        services.screening_tasks_close(
            acting_user=investigator, child=tyler, status="not_needed", note=""
        )
    services.screening_tasks_close(acting_user=investigator, child=tyler, status="done")
    record(investigator, kayleigh, ["WS-HLT-SUBSTANCE-USE"])
    assert not ScreeningTask.objects.filter(child=tyler, status="open").exists()
    for obs in Observation.objects.filter(child=kayleigh):
        services.observation_withdraw(
            acting_user=investigator, observation=obs, reason="Error", expected_version=obs.version
        )
    assert current(kayleigh).rank == 0
    record(investigator, kayleigh, THREE_SIGNS)
    assert ScreeningTask.objects.filter(child=tyler, status="open").count() == 1
    assert signs


# --- What to do next ----------------------------------------------------------------------------


def test_advice_actions_are_marked_with_reasons(investigator: Any, family: dict[str, Any]) -> None:
    child = family["tyler"]
    record(investigator, child, THREE_SIGNS)
    advice_ids = [a["id"] for a in current(child).advice]
    assert "ADV-REFER-SOCIAL-CARE" in advice_ids
    with pytest.raises(ValidationError) as error:
        services.advice_action_set(
            acting_user=investigator,
            child=child,
            advice_id="ADV-REFER-SOCIAL-CARE",
            status="not_needed",
        )
    assert "note" in error.value.message_dict
    row = services.advice_action_set(
        acting_user=investigator, child=child, advice_id="ADV-REFER-SOCIAL-CARE", status="referred"
    )
    again = services.advice_action_set(
        acting_user=investigator,
        child=child,
        advice_id="ADV-REFER-SOCIAL-CARE",
        status="not_needed",
        note="Already open to social care",
    )
    assert again.pk == row.pk and again.version == 2
    assert AdviceAction.objects.get().note == "Already open to social care"
    with pytest.raises(ValidationError):
        services.advice_action_set(
            acting_user=investigator, child=child, advice_id="ADV-NOPE", status="done"
        )


# --- Associates and the nightly run -------------------------------------------------------------


def test_crossing_medium_rescreens_associates_once(
    investigator: Any, family: dict[str, Any]
) -> None:
    kayleigh, friend = family["kayleigh"], family["housemate"]
    LinkFactory(
        acting_user=investigator,
        link_type="associate_of",
        source_entity=kayleigh,
        target_entity=friend,
    )
    services.ensure_current_screening(acting_user=investigator, child=friend)
    record(investigator, kayleigh, THREE_SIGNS)
    result = current(friend)
    assert result.trigger == "An associate's screening level changed"
    assert "WS-EMO-ASSOCIATES-WITH-CHILDREN-AT-RISK" in {d["code"] for d in result.derived}


def test_the_nightly_rescreen_stores_only_changes(
    investigator: Any, family: dict[str, Any]
) -> None:
    call_command("rescreen", stdout=open("/dev/null", "w"))  # noqa: SIM115
    children = {family[k].pk for k in ("kayleigh", "tyler", "housemate")}
    assert set(ScreeningResult.objects.values_list("child_id", flat=True)) == children
    before = ScreeningResult.objects.count()
    hotel = LocationFactory(acting_user=investigator, premises_type="hotel")
    EventFactory(
        acting_user=investigator,
        occurred_at=days_ago(1),
        people=[(family["tyler"], "victim")],
        locations=[(hotel, "found_at")],
    )
    assert services.rescreen_all() == (3, 1)
    assert ScreeningResult.objects.count() == before + 1
