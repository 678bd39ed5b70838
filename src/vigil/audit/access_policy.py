"""Who may use each URL of the auditor's screens. See vigil.accounts.access.AccessPolicy."""

from vigil.accounts.access import AUDITOR, AccessPolicy

POLICY = {
    "audit_home": AccessPolicy(AUDITOR),
    "audit_person": AccessPolicy(AUDITOR, kwargs={"pk": 1}),
    "audit_person_export": AccessPolicy(AUDITOR, kwargs={"pk": 1}),
    "audit_user": AccessPolicy(AUDITOR),
    "audit_user_export": AccessPolicy(AUDITOR),
    "audit_verify": AccessPolicy(AUDITOR),
}
