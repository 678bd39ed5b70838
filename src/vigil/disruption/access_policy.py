"""Who may use each URL of the disruption tools (checked by the authorisation matrix test; see
vigil.accounts.access.AccessPolicy and vigil.disruption.access).

- Lists (home, due, API lists) are for people who work with cases and show only the tools they
  may see. Issuing a tool (the create pages) is a police power: partners get 403.
- A page on one tool (a CAWN, order, warning, police protection or hotel notice, named by `pk`)
  is need-to-know on that tool: 404 unless `can_see_record`, which also needs the people the
  tool is about (registered in DisruptionConfig.ready). Reading it is RECORD; a page that
  changes it is RECORD_POLICE (a partner it was shared with may read it, not change it: 403).
- The hotel operator portal is for hotel operators only, on notices served on premises they
  act for; anyone else gets 404 (OPERATOR).
- Views that answer POST only are checked on GET, which is refused (405) before any record is
  looked up: declared SIGNED_IN post_only (the POST itself is need-to-know as above).
"""

from vigil.accounts.access import (
    CASE_WORKER,
    OPERATOR,
    POLICE_CASE_WORKER,
    RECORD,
    RECORD_POLICE,
    SIGNED_IN,
    AccessPolicy,
)

CAWN = "disruption.childabductionwarningnotice"
ORDER = "disruption.preventionorder"
WARNING = "disruption.warningorinjunction"
PROTECTION = "disruption.policeprotection"
NOTICE = "disruption.hotelinformationnotice"
RETURN = "disruption.hotelreturn"


def _read(label: str, *, api: bool = False) -> AccessPolicy:
    return AccessPolicy(RECORD, record=label, api=api)


def _change(label: str, **kwargs: str) -> AccessPolicy:
    return AccessPolicy(RECORD_POLICE, record=label, kwargs=kwargs)


_POLICE = AccessPolicy(POLICE_CASE_WORKER)
_OPERATOR = AccessPolicy(OPERATOR)
# GET refused with 405 once signed in; the POST is checked against the tool.
_POST_ONLY = AccessPolicy(SIGNED_IN, post_only=True)
_POST_ONLY_API = AccessPolicy(SIGNED_IN, post_only=True, api=True)

POLICY: dict[str, AccessPolicy] = {
    # Police screens
    "disruption_home": AccessPolicy(CASE_WORKER),
    "disruption_due": AccessPolicy(CASE_WORKER),
    "cawn_create": _POLICE,
    "cawn_detail": _read(CAWN),
    "cawn_serve": _change(CAWN),
    "cawn_review": _change(CAWN),
    "cawn_withdraw": _change(CAWN),
    "cawn_pdf": _read(CAWN),
    "breach_create": _change(CAWN, tool="cawns"),
    # A police document: a partner the tool was shared with may read the tool, not this.
    "breach_summary_pdf": AccessPolicy(RECORD_POLICE, record=CAWN, kwargs={"tool": "cawns"}),
    "order_create": _POLICE,
    "order_detail": _read(ORDER),
    "order_evidence_add": _change(ORDER),
    "order_prohibition_add": _change(ORDER),
    "order_prohibition_change": _change(ORDER, prohibition_pk="@disruption.orderprohibition"),
    "order_apply": _change(ORDER),
    "order_make": _change(ORDER),
    "order_refuse": _change(ORDER),
    "order_discharge": _change(ORDER),
    "warning_create": _POLICE,
    "warning_detail": _read(WARNING),
    "warning_serve": _change(WARNING),
    "protection_create": _POLICE,
    "protection_detail": _read(PROTECTION),
    "protection_informed": _change(PROTECTION),
    "protection_end": _change(PROTECTION),
    "hotel_notice_create": _POLICE,
    "hotel_notice_detail": _read(NOTICE),
    "hotel_notice_issue": _change(NOTICE),
    "hotel_notice_serve": _change(NOTICE),
    "hotel_notice_appeal": _change(NOTICE),
    "hotel_notice_withdraw": _change(NOTICE),
    "hotel_notice_further": _change(NOTICE),
    "hotel_notice_operator_grant": _POST_ONLY,
    "hotel_notice_pdf": _read(NOTICE),
    "hotel_return_enter": _change(NOTICE),
    "hotel_return_import": _POST_ONLY,
    "hotel_return_task_close": _POST_ONLY,
    # Hotel operator returns portal
    "operator_home": _OPERATOR,
    "operator_csv_template": _OPERATOR,
    "operator_notice": AccessPolicy(OPERATOR, record=NOTICE),
    "operator_notice_pdf": AccessPolicy(OPERATOR, record=NOTICE),
    "operator_return_create": AccessPolicy(OPERATOR, record=NOTICE),
    "operator_return_upload": AccessPolicy(OPERATOR, record=NOTICE),
    "operator_return_receipt": AccessPolicy(OPERATOR, record=RETURN),
    # API
    "api_cawn_list": AccessPolicy(CASE_WORKER, api=True),
    "api_cawn_detail": _read(CAWN, api=True),
    "api_hotel_notice_list": AccessPolicy(CASE_WORKER, api=True),
    "api_hotel_notice_detail": _read(NOTICE, api=True),
    "api_hotel_notice_issue": _POST_ONLY_API,
    "api_hotel_return_submit": _POST_ONLY_API,
    "api_disruption_due": AccessPolicy(CASE_WORKER, api=True),
}
