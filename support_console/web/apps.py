from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "support_console.web"
    label = "console"
    verbose_name = "Borrower Help support console"
