from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from vigil.accounts.models import Agency, Team, User


@admin.register(User)
class VigilUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Vigil", {"fields": ("agency", "team", "role", "rank")}),
    )
    list_display = ("username", "first_name", "last_name", "agency", "role", "is_active")
    list_filter = ("agency", "role", "is_active")


admin.site.register(Agency)
admin.site.register(Team)
