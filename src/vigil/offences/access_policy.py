"""Who may use the offence finder. See vigil.accounts.access.AccessPolicy."""

from vigil.accounts.access import CASE_WORKER, AccessPolicy

POLICY = {
    "offence_finder": AccessPolicy(CASE_WORKER),
    "api_offences": AccessPolicy(CASE_WORKER, post_only=True),
}
