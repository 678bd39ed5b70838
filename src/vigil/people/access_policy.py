"""Who may use each URL of the POLE store. See vigil.accounts.access.AccessPolicy."""

from vigil.accounts.access import CASE_WORKER, RECORD, SIGNED_IN, AccessPolicy


def _record(label: str, **kwargs: str) -> AccessPolicy:
    return AccessPolicy(RECORD, record=label, kwargs=kwargs)


PERSON, OBJECT, LOCATION = "people.person", "people.poleobject", "people.location"
EVENT, LINK = "people.event", "people.link"

POLICY = {
    "home": AccessPolicy(SIGNED_IN),
    "search": AccessPolicy(CASE_WORKER, query={"q": "{marker}"}),
    "person_create": AccessPolicy(CASE_WORKER),
    "person_detail": _record(PERSON),
    "person_edit": _record(PERSON),
    "person_name_add": _record(PERSON),
    "person_identifier_add": _record(PERSON),
    "intelligence_create": _record(PERSON),
    "object_create": AccessPolicy(CASE_WORKER),
    "object_detail": _record(OBJECT),
    "object_edit": _record(OBJECT),
    "location_create": AccessPolicy(CASE_WORKER),
    "location_detail": _record(LOCATION),
    "location_edit": _record(LOCATION),
    "event_create": AccessPolicy(CASE_WORKER),
    "event_detail": _record(EVENT),
    "event_edit": _record(EVENT),
    "link_create": _record(PERSON, kind="person"),
    "link_edit": _record(LINK),
    # The API: lists are filtered by need-to-know (an auditor gets an empty list).
    "api-person-list": AccessPolicy(SIGNED_IN, query={"q": "{marker}"}),
    "api-person-detail": _record(PERSON),
    "api-object-list": AccessPolicy(SIGNED_IN),
    "api-object-detail": _record(OBJECT),
    "api-location-list": AccessPolicy(SIGNED_IN),
    "api-location-detail": _record(LOCATION),
    "api-event-list": AccessPolicy(SIGNED_IN),
    "api-event-detail": _record(EVENT),
    "api-link-list": AccessPolicy(SIGNED_IN),
    "api-link-detail": _record(LINK),
    "api-intelligence-list": AccessPolicy(SIGNED_IN, post_only=True),
}
