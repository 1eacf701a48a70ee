"""The support console's settings inside its image: support_console.settings
with the static files collected at build time (python -m support_console.manage
collectstatic) into STATIC_ROOT and served from there by whitenoise, so the
running container needs neither npm's node_modules nor a writable folder.

Set by the image (DJANGO_SETTINGS_MODULE=console_settings)."""
from support_console.settings import *  # noqa: F403

STATIC_ROOT = "/app/static"
WHITENOISE_USE_FINDERS = False
