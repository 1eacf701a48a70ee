from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "support_console.web"
    label = "console"
    verbose_name = "Borrower Help support console"

    def ready(self) -> None:
        from support_console.web import audit  # noqa: F401  (connects the sign-in signals)
