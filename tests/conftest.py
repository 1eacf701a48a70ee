import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def setup_console(database: pathlib.Path) -> None:
    """Configure the support console (Django) on a throw-away database, once
    per test process, with its tables created."""
    import os

    import django
    from django.conf import settings

    if settings.configured and getattr(settings, "_borrower_help_ready", False):
        return
    os.environ["DJANGO_SETTINGS_MODULE"] = "support_console.settings"
    os.environ["CONSOLE_DATABASE_URL"] = f"sqlite:///{database}"
    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    settings._borrower_help_ready = True
