"""WSGI entry point: gunicorn support_console.wsgi (started by `make run`)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "support_console.settings")
application = get_wsgi_application()
