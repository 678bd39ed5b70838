"""Who may use each network URL (checked by the authorisation matrix test). Every answer holds
only what the user may see, so the Groups view is open to anyone who works with cases: a
partner sees groups only among the records their agency may see."""

from vigil.accounts.access import CASE_WORKER, RECORD, AccessPolicy

# A group URL names a group by key; an unknown key sends a case worker back to the list.
_UNKNOWN_GROUP = {"key": "0000000000"}

POLICY: dict[str, AccessPolicy] = {
    "person_network": AccessPolicy(RECORD, record="people.person"),
    "network_groups": AccessPolicy(CASE_WORKER),
    "network_refresh": AccessPolicy(CASE_WORKER, post_only=True),
    "network_group": AccessPolicy(CASE_WORKER, kwargs=_UNKNOWN_GROUP),
    "network_group_export": AccessPolicy(CASE_WORKER, kwargs=_UNKNOWN_GROUP),
    "api_network_groups": AccessPolicy(CASE_WORKER, api=True),
    "api_network_path": AccessPolicy(
        RECORD, record="people.person", query={"to": "{pk}"}, api=True
    ),
    "api_network_neighbourhood": AccessPolicy(
        RECORD, record="people.person", kwargs={"kind": "person"}, api=True
    ),
}
