from django.urls import path

from vigil.disruption import api, views

urlpatterns = [
    # Police screens
    path("disruption/", views.home, name="disruption_home"),
    path("disruption/due/", views.due, name="disruption_due"),
    path("disruption/cawns/new/", views.cawn_create, name="cawn_create"),
    path("disruption/cawns/<int:pk>/", views.cawn_detail, name="cawn_detail"),
    path("disruption/cawns/<int:pk>/serve/", views.cawn_serve, name="cawn_serve"),
    path("disruption/cawns/<int:pk>/review/", views.cawn_review, name="cawn_review"),
    path("disruption/cawns/<int:pk>/withdraw/", views.cawn_withdraw, name="cawn_withdraw"),
    path("disruption/cawns/<int:pk>/letter.pdf", views.cawn_pdf, name="cawn_pdf"),
    path("disruption/<str:tool>/<int:pk>/breaches/new/", views.breach_create, name="breach_create"),
    path("disruption/orders/new/", views.order_create, name="order_create"),
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
    path("disruption/orders/<int:pk>/apply/", views.order_apply, name="order_apply"),
    path("disruption/orders/<int:pk>/made/", views.order_make, name="order_make"),
    path("disruption/orders/<int:pk>/refused/", views.order_refuse, name="order_refuse"),
    path("disruption/orders/<int:pk>/discharge/", views.order_discharge, name="order_discharge"),
    path("disruption/warnings/new/", views.warning_create, name="warning_create"),
    path("disruption/warnings/<int:pk>/", views.warning_detail, name="warning_detail"),
    path("disruption/warnings/<int:pk>/serve/", views.warning_serve, name="warning_serve"),
    path("disruption/police-protection/new/", views.protection_create, name="protection_create"),
    path(
        "disruption/police-protection/<int:pk>/", views.protection_detail, name="protection_detail"
    ),
    path(
        "disruption/police-protection/<int:pk>/informed/",
        views.protection_informed,
        name="protection_informed",
    ),
    path("disruption/police-protection/<int:pk>/end/", views.protection_end, name="protection_end"),
    path("disruption/hotel-notices/new/", views.hotel_notice_create, name="hotel_notice_create"),
    path(
        "disruption/hotel-notices/<int:pk>/",
        views.hotel_notice_detail,
        name="hotel_notice_detail",
    ),
    path(
        "disruption/hotel-notices/<int:pk>/issue/",
        views.hotel_notice_issue,
        name="hotel_notice_issue",
    ),
    path(
        "disruption/hotel-notices/<int:pk>/serve/",
        views.hotel_notice_serve,
        name="hotel_notice_serve",
    ),
    path(
        "disruption/hotel-notices/<int:pk>/appeal/",
        views.hotel_notice_appeal,
        name="hotel_notice_appeal",
    ),
    path(
        "disruption/hotel-notices/<int:pk>/withdraw/",
        views.hotel_notice_withdraw,
        name="hotel_notice_withdraw",
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
