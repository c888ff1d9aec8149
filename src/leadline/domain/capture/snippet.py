"""The embeddable HTML of a form: labelled controls, the quiz, the hidden honeypot and timing
token, and the small script (served by Leadline) that asks a fresh token on each page view and
copies the page's UTM parameters, click id, address and referrer into the form."""

from __future__ import annotations

from html import escape

from leadline.domain.capture.forms import CaptureForm
from leadline.domain.capture.quiz import Question, QuestionKind
from leadline.domain.capture.spam import TOKEN_FIELD

LABELS = {"first_name": "First name", "last_name": "Last name", "company": "Company", "email": "E-mail",
          "phone": "Phone", "title": "Job title", "industry": "Industry", "website": "Website",
          "street": "Street", "city": "City", "state": "State or region", "postal_code": "Postal code",
          "country": "Country", "number_of_employees": "Employees", "description": "Message"}
INPUT_TYPES = {"email": "email", "phone": "tel", "website": "url", "number_of_employees": "number"}
EMBED_SCRIPT = "leadline-capture-embed.js"


def render_snippet(form: CaptureForm, *, base_url: str, token: str, embed_script: bool = True) -> str:
    """The form's HTML; ``embed_script=False`` leaves out the script (a preview shows the form only)."""
    base = base_url.rstrip("/")
    key = escape(form.key)
    lines = [f'<form method="post" action="{base}/f/{key}" accept-charset="utf-8" '
             f'class="leadline-form" data-leadline-form="{key}">']
    for name in form.fields:
        lines.append(_field(form, name))
    for question in form.questions:
        lines.append(_question(form, question))
    spam = form.spam
    if spam.honeypot:
        hp = escape(spam.honeypot_field)
        lines.append(f'  <div style="position:absolute;left:-10000px;top:auto" aria-hidden="true">'
                     f'<label for="ll-{key}-{hp}">Leave this empty</label>'
                     f'<input id="ll-{key}-{hp}" name="{hp}" type="text" tabindex="-1" autocomplete="off"></div>')
    lines.append(f'  <input type="hidden" name="{TOKEN_FIELD}" value="{escape(token)}">')
    lines.append('  <p><button type="submit">Send</button></p>')
    lines.append("</form>")
    if embed_script:
        lines.append(f'<script src="{base}/static/{EMBED_SCRIPT}" defer></script>')
    return "\n".join(lines) + "\n"


def _field(form: CaptureForm, name: str) -> str:
    key = escape(form.key)
    required = name in form.required
    control_id = f"ll-{key}-{name}"
    label = LABELS.get(name, name) + (" *" if required else "")
    flag = " required" if required else ""
    if name == "description":
        control = f'<textarea id="{control_id}" name="{name}"{flag}></textarea>'
    else:
        control = f'<input id="{control_id}" name="{name}" type="{INPUT_TYPES.get(name, "text")}"{flag}>'
    return f'  <p><label for="{control_id}">{escape(label)}</label> {control}</p>'


def _question(form: CaptureForm, question: Question) -> str:
    key = escape(form.key)
    name = escape(question.key)
    flag = " required" if question.required else ""
    if question.kind is QuestionKind.NUMBER:
        control_id = f"ll-{key}-q-{name}"
        return (f'  <p><label for="{control_id}">{escape(question.label)}</label> '
                f'<input id="{control_id}" name="{name}" type="number"{flag}></p>')
    kind = "radio" if question.kind is QuestionKind.SINGLE else "checkbox"
    options = "".join(
        f'<label><input type="{kind}" name="{name}" value="{escape(o.value)}"'
        f'{flag if kind == "radio" else ""}> {escape(o.label)}</label> '
        for o in question.options)
    return f'  <fieldset><legend>{escape(question.label)}</legend> {options.strip()}</fieldset>'
