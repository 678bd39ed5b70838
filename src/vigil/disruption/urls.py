from django.urls import path

from vigil.disruption import api, views

# Each tool's issue page and the steps of its life come from the tables in views (one view
# each, `tool_create` and `tool_step`); the URL names and paths are the tools' own.
_tool_urls = [
    path(
        f"disruption/{spec.tool}/new/",
        views.tool_create,
        {"creation": spec.url_name},
        name=spec.url_name,
    )
    for spec in views.CREATIONS
] + [
    path(
        f"disruption/{spec.tool}/<int:pk>/{spec.path}/",
        views.tool_step,
        {"step": spec.url_name},
        name=spec.url_name,
    )
    for spec in views.STEPS
]

urlpatterns = [
    *_tool_urls,
    # Police screens
    path("disruption/", views.home, name="disruption_home"),
    path("disruption/due/", views.due, name="disruption_due"),
    path("disruption/cawns/<int:pk>/", views.cawn_detail, name="cawn_detail"),
    path("disruption/cawns/<int:pk>/letter.pdf", views.cawn_pdf, name="cawn_pdf"),
    path("disruption/<str:tool>/<int:pk>/breaches/new/", views.breach_create, name="breach_create"),
    path(
        "disruption/<str:tool>/<int:pk>/breaches.pdf",
        views.breach_summary_pdf,
        name="breach_summary_pdf",
    ),
    path("disruption/orders/<int:pk>/", views.order_detail, name="order_detail"),
    path(
        "disruption/orders/<int:pk>/evidence/new/",
        views.order_evidence_add,
        name="order_evidence_add",
    ),
    path(
        "disruption/orders/<int:pk>/prohibitions/new/",
        views.order_prohibition_add,
        name="order_prohibition_add",
    ),
    path(
        "disruption/orders/<int:pk>/prohibitions/<int:prohibition_pk>/change/",
        views.order_prohibition_change,
        name="order_prohibition_change",
    ),
    path("disruption/warnings/<int:pk>/", views.warning_detail, name="warning_detail"),
    path(
        "disruption/police-protection/<int:pk>/", views.protection_detail, name="protection_detail"
    ),
    path("disruption/hotel-notices/new/", views.hotel_notice_create, name="hotel_notice_create"),
    path(
        "disruption/hotel-notices/<int:pk>/",
        views.hotel_notice_detail,
        name="hotel_notice_detail",
    ),
    path(
        "disruption/hotel-notices/<int:pk>/further/",
        views.hotel_notice_further,
        name="hotel_notice_further",
    ),
    path(
        "disruption/hotel-notices/<int:pk>/operators/",
        views.hotel_notice_operator_grant,
        name="hotel_notice_operator_grant",
    ),
    path(
        "disruption/hotel-notices/<int:pk>/notice.pdf",
        views.hotel_notice_pdf,
        name="hotel_notice_pdf",
    ),
    path(
        "disruption/hotel-notices/<int:pk>/returns/new/",
        views.hotel_return_enter,
        name="hotel_return_enter",
    ),
    path(
        "disruption/hotel-return-tasks/<int:pk>/close/",
        views.hotel_return_task_close,
        name="hotel_return_task_close",
    ),
    path(
        "disruption/hotel-returns/<int:pk>/import/",
        views.hotel_return_import,
        name="hotel_return_import",
    ),
    # Hotel operator returns portal
    path("hotel-returns/", views.operator_home, name="operator_home"),
    path("hotel-returns/template.csv", views.operator_csv_template, name="operator_csv_template"),
    path("hotel-returns/notices/<int:pk>/", views.operator_notice, name="operator_notice"),
    path(
        "hotel-returns/notices/<int:pk>/notice.pdf",
        views.operator_notice_pdf,
        name="operator_notice_pdf",
    ),
    path(
        "hotel-returns/notices/<int:pk>/returns/new/",
        views.operator_return_create,
        name="operator_return_create",
    ),
    path(
        "hotel-returns/notices/<int:pk>/returns/upload/",
        views.operator_return_upload,
        name="operator_return_upload",
    ),
    path(
        "hotel-returns/returns/<int:pk>/",
        views.operator_return_receipt,
        name="operator_return_receipt",
    ),
    # API
    path("api/disruption/cawns/", api.CawnListCreateApi.as_view(), name="api_cawn_list"),
    path("api/disruption/cawns/<int:pk>/", api.CawnDetailApi.as_view(), name="api_cawn_detail"),
    path(
        "api/disruption/hotel-notices/",
        api.HotelNoticeListCreateApi.as_view(),
        name="api_hotel_notice_list",
    ),
    path(
        "api/disruption/hotel-notices/<int:pk>/",
        api.HotelNoticeDetailApi.as_view(),
        name="api_hotel_notice_detail",
    ),
    path(
        "api/disruption/hotel-notices/<int:pk>/issue/",
        api.HotelNoticeIssueApi.as_view(),
        name="api_hotel_notice_issue",
    ),
    path(
        "api/disruption/hotel-notices/<int:pk>/returns/",
        api.HotelReturnSubmitApi.as_view(),
        name="api_hotel_return_submit",
    ),
    path("api/disruption/due/", api.DueSoonApi.as_view(), name="api_disruption_due"),
]
