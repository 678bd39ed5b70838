from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.accounts import services
from vigil.accounts.models import Agency, Team, User


@admin.register(User)
class VigilUserAdmin(UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Vigil", {"fields": ("agency", "team", "role", "rank")}),
    )
    list_display = ("username", "first_name", "last_name", "agency", "role", "is_active")
    list_filter = ("agency", "role", "is_active")
    actions = ["sign_out_everywhere"]

    @admin.action(description="Sign the selected users out everywhere")
    def sign_out_everywhere(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.sign_out_everywhere(acting_user=request.user, user=user)
        messages.success(request, f"Signed out {queryset.count()} user(s) everywhere")


admin.site.register(Agency)
admin.site.register(Team)

# django-otp's own admin shows each authenticator's secret as a QR code: anyone with admin
# rights could then sign in as that user. Administrators may only see and remove (reset) them.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
