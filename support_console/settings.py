"""Django settings of the support console (python -m support_console.manage ...).

Its own tables (agents, sessions, review labels) live in CONSOLE_DATABASE_URL
(default: var/console.db); conversations and tickets are read from the
tracker and ticket stores (support_console/records.py, actions/tickets.py).
"""
import os
import pathlib
import secrets
from urllib.parse import unquote, urlsplit

ROOT = pathlib.Path(__file__).resolve().parents[1]
VAR = ROOT / "var"


def _secret_key() -> str:
    """$CONSOLE_SECRET_KEY, else one generated once into var/console-secret-key."""
    key = os.environ.get("CONSOLE_SECRET_KEY")
    if key:
        return key
    path = VAR / "console-secret-key"
    if not path.exists():
        VAR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _database(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":  # sqlite:///relative/to/project or sqlite:////absolute
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(ROOT / parts.path[1:])}
    if parts.scheme.startswith("postgres"):
        return {"ENGINE": "django.db.backends.postgresql", "NAME": parts.path.lstrip("/"),
                "USER": unquote(parts.username or ""), "PASSWORD": unquote(parts.password or ""),
                "HOST": parts.hostname or "", "PORT": str(parts.port or "")}
    raise ValueError(f"CONSOLE_DATABASE_URL: unsupported database {parts.scheme!r}")


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("CONSOLE_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("CONSOLE_ALLOWED_HOSTS", "localhost 127.0.0.1").split()

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "support_console.web",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Nothing in the console without signing in (the login page excepted).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]
ROOT_URLCONF = "support_console.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
WSGI_APPLICATION = "support_console.wsgi.application"
DATABASES = {"default": _database(os.environ.get("CONSOLE_DATABASE_URL", f"sqlite:///{VAR / 'console.db'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "queue"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600  # a working day
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("CONSOLE_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "static/"
# Chart.js comes from npm (support_console/assets/package-lock.json), never a CDN.
STATICFILES_DIRS = [("vendor", ROOT / "support_console" / "assets" / "node_modules" / "chart.js" / "dist")]
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
