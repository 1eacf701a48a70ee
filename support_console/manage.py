"""Django's manage.py for the console: python -m support_console.manage <command>
(e.g. `migrate`, `createuser mei --role agent`)."""
import os
import sys

from django.core.management import execute_from_command_line

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "support_console.settings")
    execute_from_command_line(sys.argv)
