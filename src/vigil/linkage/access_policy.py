"""Who may use each URL of the linkage area (checked by the authorisation matrix test; see
vigil.accounts.access.AccessPolicy). The queue, a run's progress and "Already known?" are for
people who work with cases and hold only the records they may see; the unmerge page is a page
about one person record.

Two URLs are refused to anyone who does not work with cases (403) *before* the record is
looked up, and the matrix has no audience for that order (RECORD expects the 404 to come
first for them too). Their declarations say what is checked, and they are not in the matrix's
terms yet: see the comments on each.
"""

from vigil.accounts.access import CASE_WORKER, RECORD, SIGNED_IN, AccessPolicy

PERSON = "people.person"

POLICY: dict[str, AccessPolicy] = {
    # Lists only matches whose two records the user may both see.
    "linkage_queue": AccessPolicy(CASE_WORKER),
    # One candidate match, by its own id: 403 unless the user works with cases, then 404
    # unless they may see both of its people (tests/linkage/test_review_queue.py proves both).
    # The matrix makes no candidate matches, so it can only ask for one that does not exist
    # (pk 0): a case worker then gets the same 404 as for a hidden one, which this declaration
    # counts as a mismatch. Needs a match record kind in the matrix's world to be checked.
    "linkage_match": AccessPolicy(CASE_WORKER, kwargs={"pk": "0"}),
    # Answers POST only, and GET is refused (405) before anything else is checked, so every
    # signed-in user gets 405 (as people's api-intelligence-list). Who may POST is narrower
    # than this says: people who work with cases (403 otherwise) and, of them, those
    # `services.can_run_linkage` allows (tests/linkage/test_review_queue.py).
    "linkage_run_start": AccessPolicy(SIGNED_IN, post_only=True),
    # Progress of the latest run: counts only, no record data.
    "linkage_run_status": AccessPolicy(CASE_WORKER),
    # A page about one person record: 404 unless the user may see it. The view refuses anyone
    # who does not work with cases with 403 before the lookup, where RECORD expects 404; it
    # tells them nothing about the record either way.
    "linkage_unmerge": AccessPolicy(RECORD, record=PERSON),
    # Suggestions come only from people the user may see: typing each scenario's marker as a
    # name (with the test records' family name, so the lookup has blocking keys and runs)
    # proves a hidden person is never suggested.
    "linkage_already_known": AccessPolicy(
        CASE_WORKER, query={"given_names": "{marker}", "family_name": "Matrix"}, api=True
    ),
}
