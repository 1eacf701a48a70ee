"""Django settings of the support console (python -m support_console.manage ...).

Its own tables (agents, sessions, review labels, sign-in attempts) live in
CONSOLE_DATABASE_URL (default: var/console.db); conversations, tickets and
ratings are read from the project's database (borrower_help.storage).

Set CONSOLE_HTTPS=1 when the console is served over HTTPS (it must be, outside
one machine): Secure cookies, HSTS, redirect to https.
"""
import os
from urllib.parse import unquote, urlsplit

from borrower_help import log_masking
from borrower_help.files import ROOT, VAR
from borrower_help.keys import CONSOLE_KEY

log_masking.install()  # every log line of the console process


def _database(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":  # sqlite:///relative/to/project or sqlite:////absolute
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(ROOT / parts.path[1:])}
    if parts.scheme.startswith("postgres"):
        return {"ENGINE": "django.db.backends.postgresql", "NAME": parts.path.lstrip("/"),
                "USER": unquote(parts.username or ""), "PASSWORD": unquote(parts.password or ""),
                "HOST": parts.hostname or "", "PORT": str(parts.port or "")}
    raise ValueError(f"CONSOLE_DATABASE_URL: unsupported database {parts.scheme!r}")


SECRET_KEY = CONSOLE_KEY.value()
DEBUG = os.environ.get("CONSOLE_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("CONSOLE_ALLOWED_HOSTS", "localhost 127.0.0.1").split()

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "support_console.web",
    "axes",
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
    # Last, as django-axes asks: locks out repeated failed sign-ins.
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out sign-ins
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one user from one address lock that pair out for
# 30 minutes (also with the right password); the attempts are kept.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "console/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("CONSOLE_PROXY_COUNT", "0"))
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
SESSION_COOKIE_AGE = 10 * 3600  # a working day, then sign in again
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if os.environ.get("CONSOLE_HTTPS") == "1":
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
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
