"""Who may use each URL of the disruption tools (checked by the authorisation matrix test; see
vigil.accounts.access.AccessPolicy and vigil.disruption.access).

The true policy, which the matrix can only partly express:

- Lists (home, due, API lists) are for people who work with cases and show only the tools they
  may see. Issuing a tool (the create pages) is a police power: partners get 403.
- A page on one tool (a CAWN, order, warning, police protection or hotel notice, named by `pk`)
  is need-to-know on that tool: 404 unless `can_see_record`, which also needs the people the
  tool is about (registered in DisruptionConfig.ready). Every change is refused in the
  services unless the user is a police case worker who may change the tool.
- The hotel operator portal is for hotel operators only, on notices served on premises they
  act for; anyone else gets 404.

What the matrix cannot express, and the nearest honest declaration used instead:

- It builds no disruption records, so a `pk` page is requested with pk=1, which does not
  exist: every signed-in user gets 404. RECORD can only name a people record, so these are
  declared CASE_WORKER, the outer bound of who may ever see a tool (`_TOOL`).
- It has no audience for "police case workers only" (create pages) nor for "hotel operators
  only" (the portal): declared CASE_WORKER and SIGNED_IN, the nearest wider audiences.
- The API answers a signed-in user who does not work with cases 404, not 403 (the app's
  choice for its API; no data either way): declared CASE_WORKER all the same.
- Views that answer POST only are checked on GET, which is refused (405) before any record is
  looked up: declared SIGNED_IN post_only (the POST itself is need-to-know as above).
"""

from vigil.accounts.access import CASE_WORKER, SIGNED_IN, AccessPolicy

# Really: need-to-know on the tool named by pk (see above); the matrix requests pk=1.
_TOOL = AccessPolicy(CASE_WORKER)
# Really: police case workers only (partners 403).
_POLICE = AccessPolicy(CASE_WORKER)
# Really: hotel operators only, on notices served on their premises (anyone else 404).
_OPERATOR = AccessPolicy(SIGNED_IN)
# GET refused with 405 once signed in; the POST is checked against the tool.
_POST_ONLY = AccessPolicy(SIGNED_IN, post_only=True)
_POST_ONLY_API = AccessPolicy(SIGNED_IN, post_only=True, api=True)

POLICY: dict[str, AccessPolicy] = {
    # Police screens
    "disruption_home": AccessPolicy(CASE_WORKER),
    "disruption_due": AccessPolicy(CASE_WORKER),
    "cawn_create": _POLICE,
    "cawn_detail": _TOOL,
    "cawn_serve": _TOOL,
    "cawn_review": _TOOL,
    "cawn_withdraw": _TOOL,
    "cawn_pdf": _TOOL,
    "breach_create": AccessPolicy(CASE_WORKER, kwargs={"tool": "cawns"}),  # a tool, as _TOOL
    "order_create": _POLICE,
    "order_detail": _TOOL,
    "order_evidence_add": _TOOL,
    "order_prohibition_add": _TOOL,
    "order_prohibition_change": AccessPolicy(CASE_WORKER, kwargs={"prohibition_pk": 1}),
    "order_apply": _TOOL,
    "order_make": _TOOL,
    "order_refuse": _TOOL,
    "order_discharge": _TOOL,
    "warning_create": _POLICE,
    "warning_detail": _TOOL,
    "warning_serve": _TOOL,
    "protection_create": _POLICE,
    "protection_detail": _TOOL,
    "protection_informed": _TOOL,
    "protection_end": _TOOL,
    "hotel_notice_create": _POLICE,
    "hotel_notice_detail": _TOOL,
    "hotel_notice_issue": _TOOL,
    "hotel_notice_serve": _TOOL,
    "hotel_notice_appeal": _TOOL,
    "hotel_notice_withdraw": _TOOL,
    "hotel_notice_further": _TOOL,
    "hotel_notice_operator_grant": _POST_ONLY,
    "hotel_notice_pdf": _TOOL,
    "hotel_return_import": _POST_ONLY,
    # Hotel operator returns portal
    "operator_home": _OPERATOR,
    "operator_csv_template": _OPERATOR,
    "operator_notice": _OPERATOR,
    "operator_notice_pdf": _OPERATOR,
    "operator_return_create": _OPERATOR,
    "operator_return_upload": _OPERATOR,
    "operator_return_receipt": _OPERATOR,
    # API
    "api_cawn_list": AccessPolicy(CASE_WORKER, api=True),
    "api_cawn_detail": AccessPolicy(CASE_WORKER, api=True),  # as _TOOL
    "api_hotel_notice_list": AccessPolicy(CASE_WORKER, api=True),
    "api_hotel_notice_detail": AccessPolicy(CASE_WORKER, api=True),  # as _TOOL
    "api_hotel_notice_issue": _POST_ONLY_API,
    "api_hotel_return_submit": _POST_ONLY_API,
    "api_disruption_due": AccessPolicy(CASE_WORKER, api=True),
}
