"""Who may use each URL of signing in, accounts, sharing and restriction, plus the site-wide
URLs that belong to no app of ours (admin, API schema and docs). See AccessPolicy."""

from vigil.accounts.access import (
    PUBLIC,
    RECORD,
    RECORD_OWNER,
    SIGNED_IN,
    STAFF,
    AccessPolicy,
)

PERSON = {"kind": "person"}

POLICY = {
    "favicon.ico": AccessPolicy(PUBLIC),
    "login": AccessPolicy(PUBLIC),
    "logout": AccessPolicy(PUBLIC, post_only=True),
    "second_factor": AccessPolicy(SIGNED_IN),
    "second_factor_setup": AccessPolicy(SIGNED_IN),
    "account": AccessPolicy(SIGNED_IN),
    "sign_out_everywhere": AccessPolicy(SIGNED_IN, post_only=True),
    "why_are_you_looking": AccessPolicy(
        RECORD, record="people.person", query={"record": "people.person:{pk}", "next": "/"}
    ),
    "record_access": AccessPolicy(RECORD, record="people.person", kwargs=PERSON),
    "record_share": AccessPolicy(RECORD_OWNER, record="people.person", kwargs=PERSON),
    "record_withdraw": AccessPolicy(RECORD_OWNER, record="people.person", kwargs=PERSON),
    "record_restrict": AccessPolicy(RECORD_OWNER, record="people.person", kwargs=PERSON),
    "record_lift_restriction": AccessPolicy(RECORD_OWNER, record="people.person", kwargs=PERSON),
    # The OpenAPI schema and its viewers describe the API; they hold no case data.
    "api_schema": AccessPolicy(PUBLIC),
    "api_docs": AccessPolicy(PUBLIC),
    "api_redoc": AccessPolicy(PUBLIC),
    # Django admin: users, agencies and teams; no case records are registered there.
    "admin:login": AccessPolicy(PUBLIC),
    "admin:logout": AccessPolicy(STAFF, post_only=True),
    "admin:*": AccessPolicy(STAFF),
}
