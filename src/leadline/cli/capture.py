"""``leadline form add|list|show|snippet|disable|enable`` (web-to-lead forms) and ``leadline capture
call|refer|referrals|quarantine ...``: lead capture from the command line, through the same use
cases as the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from leadline.cli.common import AS_OPTION, JSON_OPTION, actor_id, handle_errors, parse_id, ready_application
from leadline.cli.lazy import lazy_module
from leadline.cli.output import fields_of, print_json, print_table
from leadline.cli.record_edits import DUPLICATE_OVERRIDE
from leadline.domain.errors import ValidationError

if TYPE_CHECKING:
    from leadline.services.capture import channels, forms, maintenance, quarantine
else:
    maintenance = lazy_module("leadline.services.capture.maintenance")
    channels = lazy_module("leadline.services.capture.channels")
    forms = lazy_module("leadline.services.capture.forms")
    quarantine = lazy_module("leadline.services.capture.quarantine")

form_app = typer.Typer(help="Web-to-lead forms: define them and get their embeddable HTML.", no_args_is_help=True)
capture_app = typer.Typer(help="Lead capture: phone calls, referrals, and the quarantine of suspicious "
                               "form submissions.", no_args_is_help=True)
quarantine_app = typer.Typer(help="Suspicious form submissions held for review.", no_args_is_help=True)
capture_app.add_typer(quarantine_app, name="quarantine")

FORM_ID = typer.Argument(..., metavar="FORM_ID", help="The form's id.")
SUBMISSION_ID = typer.Argument(..., metavar="SUBMISSION_ID", help="The held submission's id.")


def _form_json(form: Any) -> dict[str, Any]:
    data = fields_of(form)
    data.update(questions=[q.as_dict() for q in form.questions], spam=form.spam.as_dict(),
                thresholds={"hot": form.thresholds.hot, "warm": form.thresholds.warm}, address=f"/f/{form.key}")
    return data


def _pairs(values: list[str] | None, name: str) -> dict[str, str]:
    out = {}
    for text in values or []:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise ValidationError(f"{text!r} is not NAME=VALUE", field=name)
        out[key.strip()] = value.strip()
    return out


@form_app.command("add")
@handle_errors
def add_form(
    name: str = typer.Argument(..., help="The form's name, for people."),
    field: list[str] = typer.Option(None, "--field", help="A lead field the form shows; repeatable "
                                                         "(default: first_name, last_name, company, email, phone)."),
    required: list[str] = typer.Option(None, "--required", help="A shown field that must be filled; repeatable."),
    source: str = typer.Option(None, help="The lead source of its leads (a source label)."),
    campaign_id: str = typer.Option(None, "--campaign-id", help="The campaign its leads join."),
    default_owner: str = typer.Option(None, "--default-owner", help="Who owns its leads (e-mail or id)."),
    fixed_company: str = typer.Option(None, "--fixed-company", help="The company of leads of a form that "
                                                                     "does not ask for one."),
    redirect_url: str = typer.Option(None, "--redirect-url", help="Where a browser goes after posting."),
    message: str = typer.Option(None, "--message", help="The thank-you message (without a redirect)."),
    origin: list[str] = typer.Option(None, "--origin", help="A site that may post it from its pages, "
                                                           "e.g. https://www.example.com; repeatable."),
    quiz: Path = typer.Option(None, "--quiz", help="A JSON file of quiz questions (see the README)."),
    hot: int = typer.Option(None, help="Quiz points from which a lead is hot (default 20)."),
    warm: int = typer.Option(None, help="Quiz points from which a lead is warm (default 10)."),
    spam: list[str] = typer.Option(None, "--spam", help="A spam setting NAME=VALUE, e.g. min_seconds=5 or "
                                                       "honeypot=off; repeatable."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Define a web-to-lead form (admins only); its public address is /f/<key>.

    Example: leadline form add "Contact us" --source "Website form" --origin https://www.example.com
    """
    values: dict[str, Any] = {"name": name, "fields": field or None, "required": required or None,
                              "source": source, "campaign_id": campaign_id, "default_owner": default_owner,
                              "fixed_company": fixed_company, "redirect_url": redirect_url,
                              "thank_you_message": message, "allowed_origins": origin or None,
                              "spam": _pairs(spam, "spam")}
    if quiz is not None:
        try:
            values["questions"] = json.loads(quiz.read_text("utf-8"))
        except (OSError, ValueError) as error:
            raise ValidationError(f"cannot read the quiz: {error}", field="quiz") from None
    if hot is not None or warm is not None:
        values["thresholds"] = {k: v for k, v in (("hot", hot), ("warm", warm)) if v is not None}
    form = forms.add_form(ready_application().context, actor_id(acting_as), values)
    if as_json:
        print_json(_form_json(form))
        return
    typer.echo(f"form {form.id} {form.name!r} at /f/{form.key}")


@form_app.command("list")
@handle_errors
def list_forms(as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """The web-to-lead forms.

    Example: leadline form list
    """
    found = forms.list_forms(ready_application().context, actor_id(acting_as))
    if as_json:
        print_json([_form_json(f) for f in found])
        return
    print_table("Forms", ["id", "name", "address", "source", "active"],
                [(f.id, f.name, f"/f/{f.key}", f.source or "", "yes" if f.is_active else "no") for f in found])


@form_app.command("show")
@handle_errors
def show_form(form_id: str = FORM_ID, acting_as: str = AS_OPTION) -> None:
    """A form's whole definition, as JSON.

    Example: leadline form show 1234567890
    """
    print_json(_form_json(forms.get_form(ready_application().context, actor_id(acting_as), parse_id(form_id, "form"))))


@form_app.command("snippet")
@handle_errors
def snippet(form_id: str = FORM_ID,
            base_url: str = typer.Option(None, "--base-url", help="Leadline's public address "
                                                                 "(default: http://HOST:PORT of the settings)."),
            acting_as: str = AS_OPTION) -> None:
    """The HTML to paste into a web page for this form (with a timing token and the embed script).

    Example: leadline form snippet 1234567890 --base-url https://crm.example.com
    """
    app = ready_application()
    settings = app.settings
    base = base_url or f"http://{settings.host}:{settings.port}"
    typer.echo(forms.form_snippet(app.context, actor_id(acting_as), parse_id(form_id, "form"),
                                  secret=settings.secret_key, base_url=base), nl=False)


def _set_active(form_id: str, active: bool, acting_as: str | None) -> None:
    form = forms.set_form_active(ready_application().context, actor_id(acting_as), parse_id(form_id, "form"), active)
    typer.echo(f"form {form.id} is {'on' if form.is_active else 'off'}")


@form_app.command("disable")
@handle_errors
def disable_form(form_id: str = FORM_ID, acting_as: str = AS_OPTION) -> None:
    """Switch a form off: its public address answers 404.

    Example: leadline form disable 1234567890
    """
    _set_active(form_id, False, acting_as)


@form_app.command("enable")
@handle_errors
def enable_form(form_id: str = FORM_ID, acting_as: str = AS_OPTION) -> None:
    """Switch a form back on.

    Example: leadline form enable 1234567890
    """
    _set_active(form_id, True, acting_as)


@quarantine_app.command("list")
@handle_errors
def list_quarantine(state: str = typer.Option("held", help="held, released, discarded or all."),
                    form: str = typer.Option(None, "--form", help="Only this form's (its id)."),
                    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Submissions held as suspicious, newest first, with why.

    Example: leadline capture quarantine list --state all
    """
    held = quarantine.list_quarantine(ready_application().context, actor_id(acting_as), state=state,
                                      form_id=parse_id(form, "form") if form else None)
    if as_json:
        print_json([fields_of(h) for h in held])
        return
    print_table("Quarantine", ["id", "received", "form", "reasons", "name", "e-mail", "state", "lead"],
                [(h.id, h.received_at, h.form_id, ", ".join(h.reasons), _name(h.payload),
                  h.payload.get("fields", {}).get("email") or "", h.state.value, h.lead_id or "") for h in held])


def _name(payload: dict[str, Any]) -> str:
    fields = payload.get("fields", {})
    return " ".join(str(fields.get(k)) for k in ("first_name", "last_name", "company") if fields.get(k))


@quarantine_app.command("release")
@handle_errors
def release(submission_id: str = SUBMISSION_ID, acting_as: str = AS_OPTION) -> None:
    """Release a held submission: its lead is created.

    Example: leadline capture quarantine release 1234567890
    """
    done = quarantine.release_submission(ready_application().context, actor_id(acting_as),
                                         parse_id(submission_id, "submission"))
    typer.echo(f"released {done.id}: lead {done.lead_id}")


@quarantine_app.command("discard")
@handle_errors
def discard(submission_id: str = SUBMISSION_ID, acting_as: str = AS_OPTION) -> None:
    """Discard a held submission (kept for the record; no lead).

    Example: leadline capture quarantine discard 1234567890
    """
    done = quarantine.discard_submission(ready_application().context, actor_id(acting_as),
                                         parse_id(submission_id, "submission"))
    typer.echo(f"discarded {done.id}")


@capture_app.command("prune")
@handle_errors
def prune(discarded_days: int = typer.Option(None, "--discarded-days", min=0,
                                             help="Delete submissions discarded more than this many days ago; "
                                                  "0 keeps them (default: LEADLINE_CAPTURE_DISCARDED_DAYS)."),
          as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Forget used timing tokens and ended rate windows no check needs, and old discarded submissions.
    Safe at any time; run it daily from cron (see the README).

    Example: leadline capture prune --discarded-days 30
    """
    app = ready_application()
    days = app.settings.capture_discarded_days if discarded_days is None else discarded_days
    done = maintenance.prune_capture(app.context, actor_id(acting_as), discarded_days=days)
    if as_json:
        print_json(fields_of(done))
        return
    typer.echo(f"pruned {done.tokens} used tokens, {done.counters} rate counters, "
               f"{done.discarded} discarded submissions")


@capture_app.command("call")
@handle_errors
def capture_call(
    phone: str = typer.Option(..., help="The caller's phone."),
    last_name: str = typer.Option(None, "--last-name", help="The caller's last name (or give --company)."),
    company: str = typer.Option(None, help="The caller's company (or give --last-name)."),
    first_name: str = typer.Option(None, "--first-name"),
    email: str = typer.Option(None),
    source: str = typer.Option("Phone call", help="The lead source (a source label)."),
    owner: str = typer.Option(None, help="Who owns the lead (default: as assignment says, you first)."),
    subject: str = typer.Option(None, help="The call's subject (default: Inbound call)."),
    notes: str = typer.Option(None, help="What was said."),
    referred_by_contact: str = typer.Option(None, "--referred-by-contact", help="The contact who referred them."),
    referred_by_account: str = typer.Option(None, "--referred-by-account", help="The account that referred them."),
    social_url: str = typer.Option(None, "--social-url", help="Their social media profile address."),
    duplicate_override: str = DUPLICATE_OVERRIDE,
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Capture a lead from a phone call you took; the call is logged on the lead. A blocking
    duplicate rule refuses it (exit 4) unless --duplicate-override-reason says why.

    Example: leadline capture call --phone "+1 415 555 0100" --company Acme --notes "Wants a demo"
    """
    values = {"phone": phone, "last_name": last_name, "company": company, "first_name": first_name,
              "email": email, "source": source, "owner": owner, "duplicate_override_reason": duplicate_override}
    captured = channels.capture_call(
        ready_application().context, actor_id(acting_as), values, subject=subject, notes=notes,
        referred_by_contact=parse_id(referred_by_contact, "referred_by_contact") if referred_by_contact else None,
        referred_by_account=parse_id(referred_by_account, "referred_by_account") if referred_by_account else None,
        social_profile_url=social_url)
    lead = captured.lead.lead
    if as_json:
        print_json({"lead_id": lead.id, "activity_id": captured.activity.id, "owner_id": lead.owner_id})
        return
    typer.echo(f"lead {lead.id} {lead.name} ({lead.company}); call logged as activity {captured.activity.id}")


@capture_app.command("refer")
@handle_errors
def refer(lead_id: str = typer.Argument(..., metavar="LEAD_ID", help="The lead's id."),
          contact: str = typer.Option(None, help="The contact who referred the lead."),
          account: str = typer.Option(None, help="The account that referred the lead."),
          social_url: str = typer.Option(None, "--social-url", help="The lead's social media profile address."),
          acting_as: str = AS_OPTION) -> None:
    """Record who referred a lead (a contact or an account) and/or its social profile.

    Example: leadline capture refer 1234567890 --contact 2345678901
    """
    channels.record_referral(ready_application().context, actor_id(acting_as), parse_id(lead_id, "lead"),
                             contact_id=parse_id(contact, "contact") if contact else None,
                             account_id=parse_id(account, "account") if account else None,
                             social_profile_url=social_url)
    typer.echo(f"lead {lead_id}: referral recorded")


@capture_app.command("referrals")
@handle_errors
def referrals(kind: str = typer.Argument(..., metavar="KIND", help="contact or account"),
              record_id: str = typer.Argument(..., metavar="ID", help="The contact's or account's id."),
              as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """The leads a contact or account referred, and what each became.

    Example: leadline capture referrals account 1234567890
    """
    found = channels.referrals_of(ready_application().context, actor_id(acting_as), kind.strip().lower(),
                                  parse_id(record_id, kind))
    rows = [{"lead_id": r.lead.id, "name": r.lead.name, "company": r.lead.company, "status": r.status,
             "converted_contact_id": r.lead.converted_contact_id,
             "converted_opportunity_id": r.lead.converted_opportunity_id} for r in found]
    if as_json:
        print_json(rows)
        return
    print_table("Referrals", list(rows[0]) if rows else ["lead_id"], [list(r.values()) for r in rows])
