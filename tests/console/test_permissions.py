"""Nothing in the console without signing in; what is for leads only stays so.
Routes are read from the URLconf, so a new page cannot escape these tests."""
import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

PUBLIC = {"login"}
TOKEN_PROTECTED = {"api_erasures"}  # the lender's systems: a bearer token, no session (test_data_rights.py)
LEADS_ONLY = {"label", "export_nlu", "erasure", "erase_confirm", "audit", "audit_export", "hold", "release_hold"}
POSTED = {"label", "hold", "release_hold"}


def routes():
    found = []
    for pattern in get_resolver().url_patterns:
        assert isinstance(pattern, URLPattern), "nested URLconfs: extend this test"
        kwargs = {name: "BH-TEST00" for name in pattern.pattern.converters}
        found.append((pattern.name, reverse(pattern.name, kwargs=kwargs)))
    return found


def test_the_urlconf_was_read():
    names = {name for name, _ in routes()}
    assert {"queue", "ticket", "reply", "resolve", "conversations", "export_csv", "review", "numbers"} <= names


@pytest.mark.parametrize("name, url", [r for r in routes() if r[0] not in PUBLIC | TOKEN_PROTECTED])
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_route_refuses_anonymous_requests(name, url, method, stores):
    response = getattr(Client(), method)(url)
    assert response.status_code == 302, f"{method.upper()} {url} answered {response.status_code}"
    assert response["Location"].startswith(reverse("login"))


def test_sign_in_page_is_public_and_protected_by_csrf():
    client = Client(enforce_csrf_checks=True)
    assert client.get(reverse("login")).status_code == 200
    refused = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert refused.status_code == 403  # no CSRF token


@pytest.mark.parametrize("name", sorted(LEADS_ONLY))
def test_agents_cannot_do_what_leads_do(name, agent_client, lead_client, stores):
    url = dict(routes())[name]
    method = "post" if name in POSTED else "get"
    assert getattr(agent_client, method)(url).status_code == 403
    assert getattr(lead_client, method)(url).status_code in (200, 302)


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_token_protected_route_refuses_anonymous_requests_with_json(method, stores):
    response = getattr(Client(), method)(reverse("api_erasures"))
    assert response.status_code in (401, 405) and response.json()["error"]
