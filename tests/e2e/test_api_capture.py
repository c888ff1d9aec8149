"""Lead capture over real HTTP (the served application in a uvicorn thread, on SQLite and
PostgreSQL): a web-to-lead form defined through the API, posted as an HTML form and as JSON
to its public address, CORS for its allowed origins only, the quarantine reviewed and released
through the API, quick call capture and referrals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from tests.conftest import FakeClock
from tests.e2e.api_support import token_for
from tests.e2e.web_support import served

SITE = "https://www.acme.example"


@dataclass
class Site:
    base: str
    api: httpx.Client
    public: httpx.Client
    clock: FakeClock

    def form(self, **values: Any) -> dict[str, Any]:
        body = {"name": "Contact us", "fields": ["first_name", "last_name", "company", "email"],
                "source": "Website form", "allowed_origins": [SITE], **values}
        answer = self.api.post("/api/v1/forms", json=body)
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    def token(self, form: dict[str, Any], wait: float = 5) -> str:
        answer = self.public.get(f"/f/{form['key']}/token")
        assert answer.status_code == 200
        self.clock.advance(seconds=wait)
        return str(answer.json()["token"])

    def leads(self) -> list[dict[str, Any]]:
        return list(self.api.get("/api/v1/leads").json()["items"])


@pytest.fixture
def site(ctx: ServiceContext, admin_id: int, engine: Engine, clock: FakeClock) -> Iterator[Site]:
    token = token_for(ctx, admin_id, admin_id)
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base, \
            httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as api, \
            httpx.Client(base_url=base) as public:
        yield Site(base, api, public, clock)


def test_an_html_form_post_makes_a_lead_with_its_utm_attribution(site: Site) -> None:
    form = site.form()
    fields = {"first_name": "Ann", "last_name": "Lee", "company": "Acme", "email": "ann@acme.example",
              "_lt": site.token(form), "website_url": "", "utm_source": "google", "utm_medium": "cpc",
              "utm_campaign": "spring", "gclid": "abc", "landing_page": f"{SITE}/lp?utm_source=google"}
    answer = site.public.post(f"/f/{form['key']}", data=fields)  # urlencoded, no cookie, no CSRF token
    assert answer.status_code == 200 and "Thank you" in answer.text
    assert answer.headers["content-type"].startswith("text/html")
    [lead] = site.leads()
    read = site.api.get(f"/api/v1/leads/{lead['id']}").json()
    assert (read["last_name"], read["source"]) == ("Lee", "Website form")
    capture = read["capture"]
    assert (capture["channel"], capture["form_id"], capture["utm_source"], capture["utm_medium"],
            capture["utm_campaign"], capture["click_id"], capture["click_id_kind"]) == (
        "form", form["id"], "google", "cpc", "spring", "abc", "gclid")
    assert capture["landing_page"] == f"{SITE}/lp?utm_source=google"


def test_a_form_post_is_redirected_where_the_form_says(site: Site) -> None:
    form = site.form(redirect_url=f"{SITE}/thanks")
    answer = site.public.post(f"/f/{form['key']}", data={"last_name": "Lee", "company": "Acme",
                                                         "email": "a@acme.example", "_lt": site.token(form)})
    assert answer.status_code == 303 and answer.headers["location"] == f"{SITE}/thanks"


def test_a_json_post_makes_a_lead_and_the_same_post_again_makes_none(site: Site) -> None:
    form = site.form()
    body = {"last_name": "Ng", "company": "Bolt", "email": "ng@bolt.example", "_lt": site.token(form)}
    first = site.public.post(f"/f/{form['key']}", json=body)
    assert first.status_code == 200 and first.json()["status"] == "received"
    again = site.public.post(f"/f/{form['key']}", json=body)
    assert again.status_code == 200 and again.json() == first.json()
    assert len(site.leads()) == 1
    assert site.api.get("/api/v1/capture/quarantine").json() == []


def test_a_bad_email_is_refused_with_the_lead_rules_message(site: Site) -> None:
    form = site.form()
    body = {"last_name": "Ng", "company": "Bolt", "email": "not-an-address", "_lt": site.token(form)}
    answer = site.public.post(f"/f/{form['key']}", json=body)
    assert answer.status_code == 422 and answer.json()["code"] == "VALIDATION_FAILED"
    assert answer.json()["errors"][0]["field"] == "email"
    page = site.public.post(f"/f/{form['key']}", data=body)
    assert page.status_code == 422 and "email" in page.text and page.headers["content-type"].startswith("text/html")
    assert site.leads() == []


def test_cors_is_granted_to_the_allowed_origins_only(site: Site) -> None:
    form = site.form()
    address = f"/f/{form['key']}"
    ok = site.public.options(address, headers={"Origin": SITE, "Access-Control-Request-Method": "POST"})
    assert ok.status_code == 204 and ok.headers["access-control-allow-origin"] == SITE
    refused = site.public.options(address, headers={"Origin": "https://evil.example",
                                                    "Access-Control-Request-Method": "POST"})
    assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers
    body = {"last_name": "Ng", "company": "Bolt", "email": "ng@bolt.example", "_lt": site.token(form)}
    foreign = site.public.post(address, json=body, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and "access-control-allow-origin" not in foreign.headers
    assert site.leads() == [] and site.api.get("/api/v1/capture/quarantine").json() == []
    allowed = site.public.post(address, json=body, headers={"Origin": SITE})
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == SITE
    token = site.public.get(f"{address}/token", headers={"Origin": "https://evil.example"})
    assert token.status_code == 403 and "access-control-allow-origin" not in token.headers


def test_the_quarantine_holds_a_bot_and_a_release_makes_its_lead(site: Site) -> None:
    form = site.form()
    bot = {"last_name": "Bot", "company": "Spam", "email": "bot@spam.example", "website_url": "http://x.example",
           "_lt": site.token(form, wait=0)}
    answer = site.public.post(f"/f/{form['key']}", data=bot)
    assert answer.status_code == 200 and "Thank you" in answer.text  # the bot learns nothing
    assert site.leads() == []
    [held] = site.api.get("/api/v1/capture/quarantine").json()
    assert set(held["reasons"]) == {"honeypot", "too_fast"} and held["state"] == "held"
    released = site.api.post(f"/api/v1/capture/quarantine/{held['id']}/release")
    assert released.status_code == 201 and released.json()["state"] == "released"
    [lead] = site.leads()
    assert lead["id"] == released.json()["lead_id"] and lead["last_name"] == "Bot"


def test_the_snippet_posts_to_the_public_address_with_its_defences(site: Site) -> None:
    form = site.form(questions=[{"key": "when", "kind": "single", "label": "When?",
                                 "options": [{"value": "now", "points": 30}]}])
    html = site.api.get(f"/api/v1/forms/{form['id']}/snippet").json()["html"]
    assert f'action="{site.base}/f/{form["key"]}"' in html
    assert 'name="website_url"' in html and 'name="_lt" value="' in html and 'value="now"' in html
    assert f'src="{site.base}/static/leadline-capture-embed.js"' in html
    assert site.public.get("/static/leadline-capture-embed.js").status_code == 200


def test_a_phone_call_is_captured_with_its_call_and_its_referrer(site: Site) -> None:
    account = site.api.post("/api/v1/accounts", json={"name": "Referrer Inc"}).json()
    answer = site.api.post("/api/v1/capture/call", json={
        "company": "Bolt", "phone": "+14155550100", "notes": "Wants a demo",
        "referred_by_account_id": int(account["id"]), "social_profile_url": "https://x.com/bolt"})
    assert answer.status_code == 201, answer.text
    lead = answer.json()["lead"]
    assert (lead["company"], lead["last_name"], lead["source"]) == ("Bolt", "[not provided]", "Phone call")
    calls = site.api.get(f"/api/v1/leads/{lead['id']}/activities").json()
    assert [(c["kind"], c["body"]) for c in calls] == [("call", "Wants a demo")]
    referrals = site.api.get(f"/api/v1/accounts/{account['id']}/referrals").json()
    assert [(r["lead_id"], r["status_kind"], r["converted_contact_id"]) for r in referrals] == [
        (lead["id"], "open", None)]
    assert site.api.get(f"/api/v1/leads/{lead['id']}").json()["capture"]["social_profile_url"] == \
        "https://x.com/bolt"
