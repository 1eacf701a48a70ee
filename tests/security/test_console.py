"""Item 10: signing in to the console is throttled (django-axes): after five
wrong passwords even the right one is refused for a while."""
import re
import subprocess
import sys

import requests

from tests.conftest import ROOT

PASSWORD = "a-long-enough-passphrase"


def _sign_in(base, name, password):
    session = requests.Session()
    page = session.get(f"{base}/login/", timeout=30)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(f"{base}/login/", data={"username": name, "password": password,
                                                  "csrfmiddlewaretoken": csrf},
                          headers={"Referer": f"{base}/login/"}, timeout=30, allow_redirects=False)
    return answer


def test_twelve_wrong_passwords_lock_the_right_one_out(servers):
    base = servers.settings.console_url
    subprocess.run([sys.executable, "-m", "support_console.manage", "createuser", "lan", "--role", "lead",
                    "--password-stdin"], input=PASSWORD + "\n", text=True, check=True, capture_output=True,
                   env=servers.settings.process_env(), cwd=ROOT, timeout=60)
    assert _sign_in(base, "lan", PASSWORD).status_code == 302  # the right password works at first
    for _ in range(12):
        assert _sign_in(base, "lan", "wrong-guess-123").status_code != 302
    locked = _sign_in(base, "lan", PASSWORD)
    assert locked.status_code != 302 and "Too many failed sign-ins" in locked.text


def test_https_deployments_get_secure_cookies_hsts_and_short_sessions():
    probe = ("import django; django.setup(); from django.conf import settings as s; "
             "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, "
             "s.SESSION_EXPIRE_AT_BROWSER_CLOSE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_AGE)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          env={"PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "support_console.settings",
                               "CONSOLE_HTTPS": "1", "CONSOLE_SECRET_KEY": "x" * 50, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    secure, csrf, hsts, redirect, browser_close, http_only, age = done.stdout.split()
    assert (secure, csrf, redirect, browser_close, http_only) == ("True",) * 5
    assert int(hsts) >= 31536000 and int(age) <= 12 * 3600
