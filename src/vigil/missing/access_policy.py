"""Who may use each URL of missing episodes (checked by the authorisation matrix test; see
vigil.accounts.access.AccessPolicy).

The lists, the import and the API lists are for people who work with cases (403 for anyone
else) and show only the episodes whose record and child the user may see. A URL naming one
episode (or one of its disclosures) is a RECORD page on that episode: 404 unless the user may
see both the episode and its child, the same 404 whether it is missing or hidden. The API's
write-only episode URLs check the role before the method, so a case worker's GET gets 405.

Reporting a child missing is a page on the child's person record, named by `person_pk`.
"""

from vigil.accounts.access import CASE_WORKER, RECORD, AccessPolicy

EPISODE, DISCLOSURE = "missing.missingepisode", "missing.disclosure"


def _record(label: str, *, api: bool = False) -> AccessPolicy:
    return AccessPolicy(RECORD, record=label, api=api)


POLICY: dict[str, AccessPolicy] = {
    # Lists and the import: case workers only, filtered by need-to-know.
    "missing_now": AccessPolicy(CASE_WORKER),
    "missing_interviews": AccessPolicy(CASE_WORKER),
    "missing_repeat": AccessPolicy(CASE_WORKER),
    "missing_where_found": AccessPolicy(CASE_WORKER),
    "missing_together": AccessPolicy(CASE_WORKER),
    "missing_import": AccessPolicy(CASE_WORKER),
    # Reporting a child missing is a page on the child's person record (404 unless visible).
    "missing_report": AccessPolicy(RECORD, record="people.person", record_argument="person_pk"),
    # One episode, its interview and its disclosures: the episode record (with its child).
    "missing_episode": _record(EPISODE),
    "missing_regrade": _record(EPISODE),
    "missing_return": _record(EPISODE),
    "missing_interview_update": _record(EPISODE),
    "missing_disclosure_add": _record(EPISODE),
    "missing_disclosure_intelligence": _record(DISCLOSURE),
    "missing_disclosure_observation": _record(DISCLOSURE),
    # The API (signed-out callers get 401/403).
    "api_missing_episodes": AccessPolicy(CASE_WORKER),
    "api_missing_interviews": AccessPolicy(CASE_WORKER),
    "api_missing_repeat": AccessPolicy(CASE_WORKER),
    "api_missing_where_found": AccessPolicy(CASE_WORKER),
    "api_missing_episode": _record(EPISODE, api=True),
    # POST only: anyone but a case worker gets 403 before the episode is looked up.
    "api_missing_regrade": AccessPolicy(CASE_WORKER, post_only=True),
    "api_missing_return": AccessPolicy(CASE_WORKER, post_only=True),
    "api_missing_interview": AccessPolicy(CASE_WORKER, post_only=True),
}
