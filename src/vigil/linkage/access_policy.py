"""Who may use each URL of the linkage area (checked by the authorisation matrix test; see
vigil.accounts.access.AccessPolicy). The queue, a run's progress and "Already known?" are for
people who work with cases and hold only the records they may see; a candidate match and the
unmerge page are pages about person records: 404 unless the user may see them (both of a
match's people), the same 404 whether the record is missing or hidden.
"""

from vigil.accounts.access import CASE_WORKER, RECORD, SIGNED_IN, AccessPolicy

PERSON = "people.person"

POLICY: dict[str, AccessPolicy] = {
    # Lists only matches whose two records the user may both see.
    "linkage_queue": AccessPolicy(CASE_WORKER),
    # One candidate match, by its own id: 404 unless the user may see both of its people.
    "linkage_match": AccessPolicy(RECORD, record="linkage.candidatematch"),
    # Answers POST only, and GET is refused (405) before anything else is checked, so every
    # signed-in user gets 405 (as people's api-intelligence-list). Who may POST is narrower
    # than this says: people who work with cases (403 otherwise) and, of them, those
    # `services.can_run_linkage` allows (tests/linkage/test_review_queue.py).
    "linkage_run_start": AccessPolicy(SIGNED_IN, post_only=True),
    # Progress of the latest run: counts only, no record data.
    "linkage_run_status": AccessPolicy(CASE_WORKER),
    # A page about one person record: 404 unless the user may see it.
    "linkage_unmerge": AccessPolicy(RECORD, record=PERSON),
    # Suggestions come only from people the user may see: typing each scenario's marker as a
    # name (with the test records' family name, so the lookup has blocking keys and runs)
    # proves a hidden person is never suggested.
    "linkage_already_known": AccessPolicy(
        CASE_WORKER, query={"given_names": "{marker}", "family_name": "Matrix"}, api=True
    ),
}
