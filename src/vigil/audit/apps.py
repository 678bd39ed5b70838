from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "vigil.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from vigil.accounts.access import can_read_audit
        from vigil.web.extensions import NavItem, register_nav

        register_nav(
            NavItem(
                "Audit log",
                "audit_home",
                20,
                can_read_audit,
                also_active_for=("audit_person", "audit_user", "audit_verify"),
            )
        )
