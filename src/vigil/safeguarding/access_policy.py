"""Who may use each URL of warning signs and screening (checked by the authorisation matrix
test; see vigil.accounts.access.AccessPolicy). Every page about one child is a RECORD page on
that child's person record; lists and the import are for people who work with cases, and show
only the children they may see."""

from vigil.accounts.access import CASE_WORKER, RECORD, AccessPolicy

PERSON = "people.person"


def _child(**kwargs: str) -> AccessPolicy:
    return AccessPolicy(RECORD, record=PERSON, kwargs=kwargs)


POLICY: dict[str, AccessPolicy] = {
    "concern_record": _child(),
    "screening_detail": _child(),
    "screening_pdf": _child(),
    "override_propose": _child(),
    "override_withdraw": _child(),
    "override_decide": _child(),
    "observation_withdraw": _child(),
    "advice_action": _child(advice_id="ADV-RECORD-AND-SHARE"),
    "screening_task_close": _child(),
    "screening_caseload": AccessPolicy(CASE_WORKER),
    "screening_export": AccessPolicy(CASE_WORKER),
    "screening_cohort": AccessPolicy(CASE_WORKER),
    "screening_tasks": AccessPolicy(CASE_WORKER),
    "screening_import": AccessPolicy(CASE_WORKER),
    "api_observations": AccessPolicy(CASE_WORKER),
    "api_observation_withdraw": AccessPolicy(CASE_WORKER, post_only=True),
    "api_child_screening": AccessPolicy(RECORD, record=PERSON, api=True),
    "api_child_judgement": AccessPolicy(RECORD, record=PERSON, api=True),
}
