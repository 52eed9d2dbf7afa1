"""The agent's own dialog pages: plain HTML, one stylesheet, one small script, no inline code."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from .certificates import CardHolder, SealHolder
from .texts import ERROR_MESSAGES, SIGN_ERROR_MESSAGES, text, you_are_signing

STYLESHEET = "/v1/static/dialog.css"
SCRIPT = "/v1/static/dialog.js"


@dataclass(frozen=True)
class CardChoice:
    label: str
    holder: CardHolder


@dataclass
class PageErrors:
    """Errors of a form, each tied to the field it is about (for the error summary's links)."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, field_id: str, message: str) -> None:
        self.items.append((field_id, message))

    def for_field(self, field_id: str) -> str | None:
        return next((message for target, message in self.items if target == field_id), None)


def _page(
    lang: str,
    title: str,
    body: str,
    *,
    self_url: str,
    close_after_ms: int = 0,
) -> str:
    other = "en" if lang == "ka" else "ka"
    close = f' data-close-after="{close_after_ms}"' if close_after_ms else ""

    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>{escape(title)} — {escape(text("agent", lang))}</title>
<link rel="stylesheet" href="{STYLESHEET}">
<script src="{SCRIPT}" defer></script>
</head>
<body{close}>
<header class="agent-header">
<p class="agent-name">{escape(text("agent", lang))}</p>
<a class="language" href="{escape(self_url)}?lang={other}" lang="{other}" hreflang="{other}">{
        escape(text("other_language", lang))
    }</a>
</header>
<main id="main">
{body}
</main>
</body>
</html>
"""


def _error_summary(lang: str, errors: PageErrors) -> str:
    if not errors.items:
        return ""
    items = "".join(
        f'<li><a href="#{target}">{escape(message)}</a></li>' for target, message in errors.items
    )
    return (
        '<div class="error-summary" role="alert" aria-labelledby="error-summary-title" '
        'tabindex="-1" data-focus>'
        f'<h2 id="error-summary-title">{escape(text("problem", lang))}</h2>'
        f'<ul class="error-list">{items}</ul></div>'
    )


def _asking(lang: str, origin: str, key: str = "asking") -> str:
    site = f"<strong>{escape(origin)}</strong>"
    return (
        f'<p class="asking">{text(key, lang, origin=site)}</p>'
        f'<p class="hint">{escape(text("check_site", lang))}</p>'
    )


def _buttons(lang: str, primary: str = "continue") -> str:
    return (
        '<div class="buttons">'
        f'<button type="submit" name="action" value="continue" class="primary">'
        f"{escape(text(primary, lang))}</button>"
        f'<button type="submit" name="action" value="cancel" class="secondary" formnovalidate>'
        f"{escape(text('cancel', lang))}</button></div>"
    )


def _step_page(
    lang: str,
    title: str,
    *,
    action: str,
    step: str,
    intro: list[str],
    field_html: str,
    primary: str = "continue",
) -> str:
    """A step of a dialog: heading, what is asked and by whom, one field, Continue/Cancel.

    Sign-in and signing share it, so the two dialogs keep the same form, order and buttons.
    """
    lines = "\n".join(intro)
    body = f"""<h1>{escape(title)}</h1>
{lines}
<form method="post" action="{escape(action)}" novalidate>
<input type="hidden" name="lang" value="{lang}">
<input type="hidden" name="step" value="{step}">
{field_html}
{_buttons(lang, primary)}
</form>"""
    return _page(lang, title, body, self_url=action)


def _card_field(errors: PageErrors, legend: str, labels: list[tuple[str, str]]) -> str:
    """The radio buttons of the cards (or seal devices) on offer, as `(value, label)` pairs."""
    error = errors.for_field("card-0")
    radios = "".join(
        f'<div class="radio"><input type="radio" id="card-{index}" name="card" '
        f'value="{escape(value)}"{" checked" if index == 0 and not error else ""}>'
        f'<label for="card-{index}">{escape(label)}</label></div>'
        for index, (value, label) in enumerate(labels)
    )
    error_html = f'<p class="field-error" id="card-error">{escape(error)}</p>' if error else ""
    return f"""<fieldset class="field{" has-error" if error else ""}"{
        ' aria-describedby="card-error"' if error else ""
    }>
<legend>{escape(legend)}</legend>
{error_html}{radios}
</fieldset>"""


def _pin_field(lang: str, errors: PageErrors, *, tries_left: int, label: str, hint: str) -> str:
    """The PIN input with its hint, the tries left (below 3) and its error."""
    error = errors.for_field("pin")
    described = "pin-hint" + (" pin-error" if error else "")
    tries = (
        f'<p class="hint" id="pin-tries">{escape(text("tries_left", lang, n=tries_left))}</p>'
        if tries_left < 3 and not error
        else ""
    )
    if tries:
        described += " pin-tries"
    error_html = f'<p class="field-error" id="pin-error">{escape(error)}</p>' if error else ""
    focus = "" if errors.items else " data-focus"
    return f"""<div class="field{" has-error" if error else ""}">
<label for="pin">{escape(label)}</label>
<p class="hint" id="pin-hint">{escape(hint)}</p>
{tries}{error_html}
<input id="pin" name="pin" type="password" inputmode="numeric" pattern="[0-9]*" \
autocomplete="off" maxlength="12" size="6" class="pin" aria-describedby="{described}"{
        ' aria-invalid="true"' if error else ""
    }{focus}>
</div>"""


def _final_page(
    lang: str, title: str, message_html: str, *, self_url: str, close_after_ms: int = 0
) -> str:
    """The last page of a dialog: what happened, and a button that closes the window."""
    body = f"""<h1 tabindex="-1" data-focus>{escape(title)}</h1>
{message_html}
<p><button type="button" class="secondary" data-close>{escape(text("close", lang))}</button></p>"""
    return _page(lang, title, body, self_url=self_url, close_after_ms=close_after_ms)


def _failure_page(
    lang: str,
    *,
    self_url: str,
    code: str | None,
    title_key: str,
    messages: dict[str, dict[str, str]],
) -> str:
    """A final error of either dialog; `code=None` is a request that no longer exists."""
    title = text("cancelled_title" if code == "cancelled" else title_key, lang)
    message = messages[code][lang] if code else text("unknown_request", lang)
    message_html = (
        f'<p class="error-message" data-error-code="{escape(code or "unknown")}">'
        f"{escape(message)}</p>"
    )
    return _final_page(
        lang,
        title,
        message_html,
        self_url=self_url,
        close_after_ms=1500 if code == "cancelled" else 0,
    )


def choose_card_page(
    *, lang: str, action: str, origin: str, choices: list[CardChoice], errors: PageErrors
) -> str:
    labels = [
        (
            choice.label,
            f"{choice.holder.name(lang)}, {text('personal_number', lang)} "
            f"{choice.holder.personal_number} ({choice.label})",
        )
        for choice in choices
    ]
    return _step_page(
        lang,
        text("title", lang),
        action=action,
        step="card",
        intro=[_error_summary(lang, errors), _asking(lang, origin)],
        field_html=_card_field(errors, text("choose_card", lang), labels),
    )


def pin_page(
    *,
    lang: str,
    action: str,
    origin: str,
    card_label: str,
    holder: CardHolder,
    tries_left: int,
    errors: PageErrors,
) -> str:
    holder_html = f"""<dl class="holder">
<div><dt>{escape(text("holder", lang))}</dt><dd>{escape(holder.name(lang))}</dd></div>
<div><dt>{escape(text("personal_number", lang))}</dt><dd>{escape(holder.personal_number)}</dd></div>
</dl>"""
    pin = _pin_field(
        lang, errors, tries_left=tries_left, label=text("pin", lang), hint=text("pin_hint", lang)
    )
    return _step_page(
        lang,
        text("title", lang),
        action=action,
        step="pin",
        intro=[_error_summary(lang, errors), _asking(lang, origin), holder_html],
        field_html=f'<input type="hidden" name="card" value="{escape(card_label)}">\n{pin}',
    )


def done_page(*, lang: str, self_url: str) -> str:
    detail = f"<p>{escape(text('done_detail', lang))}</p>"
    return _final_page(lang, text("done", lang), detail, self_url=self_url, close_after_ms=1500)


def error_page(*, lang: str, self_url: str, code: str | None) -> str:
    """A final error (or, with `code=None`, a request that no longer exists)."""
    return _failure_page(
        lang, self_url=self_url, code=code, title_key="error_title", messages=ERROR_MESSAGES
    )


# Signing and sealing (docs/signing.md, "The card agent's signing API") --------------------


@dataclass(frozen=True)
class SigningDocument:
    """What the portal says is being signed; the fingerprint comes with the digest."""

    title: str
    pages: int
    seal: bool
    fingerprint: str | None = None


@dataclass(frozen=True)
class SignerChoice:
    """A card (person) or seal device (company) the person may sign with."""

    label: str
    person: CardHolder | None = None
    company: SealHolder | None = None

    def describe(self, lang: str) -> str:
        if self.company is not None:
            return (
                f"{self.company.name(lang)}, {text('company_code', lang)} {self.company.code} "
                f"({self.label})"
            )
        if self.person is None:
            raise ValueError("a signer is a person or a company")
        return (
            f"{self.person.name(lang)}, {text('personal_number', lang)} "
            f"{self.person.personal_number} ({self.label})"
        )


def _sign_title(document: SigningDocument, lang: str) -> str:
    return text("seal_title" if document.seal else "sign_title", lang)


def _document_summary(document: SigningDocument, lang: str) -> str:
    return (
        '<dl class="holder document">'
        f"<div><dt>{escape(text('document', lang))}</dt><dd>{escape(document.title)}</dd></div>"
        f"<div><dt>{escape(text('pages', lang))}</dt><dd>{document.pages}</dd></div>"
        "</dl>"
    )


def _signer_summary(choice: SignerChoice, lang: str) -> str:
    if choice.company is not None:
        rows = [
            (text("company", lang), choice.company.name(lang)),
            (text("company_code", lang), choice.company.code),
        ]
    else:
        if choice.person is None:
            raise ValueError("a signer is a person or a company")
        rows = [
            (text("holder", lang), choice.person.name(lang)),
            (text("personal_number", lang), choice.person.personal_number),
        ]
    items = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in rows)
    return f'<dl class="holder">{items}</dl>'


def sign_choose_page(
    *,
    lang: str,
    action: str,
    origin: str,
    document: SigningDocument,
    choices: list[SignerChoice],
    errors: PageErrors,
) -> str:
    """Step 1: which card (or seal device) to sign with; no PIN yet."""
    legend = text("choose_seal" if document.seal else "choose_sign_card", lang)
    labels = [(choice.label, choice.describe(lang)) for choice in choices]
    return _step_page(
        lang,
        _sign_title(document, lang),
        action=action,
        step="card",
        intro=[
            _error_summary(lang, errors),
            _asking(lang, origin, "seal_asking" if document.seal else "sign_asking"),
            _document_summary(document, lang),
        ],
        field_html=_card_field(errors, legend, labels),
    )


def sign_waiting_page(*, lang: str, action: str, status_url: str, document: SigningDocument) -> str:
    """Between the certificate and the digest: the portal is preparing the document.

    The page stays loaded: its script asks `status_url` (JSON, held by the agent until the
    digest arrives) and opens the PIN page only then, so a screen reader hears the heading
    once. Progress goes to the polite status region, each message once, and only when
    something new happens (the script has the texts). Without script, "Check now" reloads.
    """
    title = text("waiting_title", lang)
    progress = {
        "still": "waiting_still",
        "slow": "waiting_slow",
        "checked": "waiting_checked",
        "offline": "waiting_offline",
    }
    messages = "".join(
        f' data-say-{name}="{escape(text(key, lang))}"' for name, key in progress.items()
    )
    next_url = f"{action}?lang={lang}"
    body = f"""<h1 tabindex="-1" data-focus>{escape(title)}</h1>
<p>{escape(text("waiting_detail", lang))}</p>
<p class="progress" id="waiting-progress" role="status" aria-live="polite" \
data-sign-status="{escape(status_url)}" data-sign-next="{escape(next_url)}"{messages}></p>
{_document_summary(document, lang)}
<form method="get" action="{escape(action)}" data-check-now>
<input type="hidden" name="lang" value="{lang}">
<div class="buttons"><button type="submit" class="secondary">{
        escape(text("refresh", lang))
    }</button></div>
</form>
<form method="post" action="{escape(action)}" novalidate>
<input type="hidden" name="lang" value="{lang}">
<div class="buttons"><button type="submit" name="action" value="cancel" class="secondary">{
        escape(text("cancel", lang))
    }</button></div>
</form>"""
    return _page(lang, title, body, self_url=action)


def sign_pin_page(
    *,
    lang: str,
    action: str,
    origin: str,
    document: SigningDocument,
    signer: SignerChoice,
    tries_left: int,
    errors: PageErrors,
) -> str:
    """Step 2: what is signed (title, pages, fingerprint), then the signing PIN."""
    statement = you_are_signing(
        seal=document.seal,
        title=document.title,
        pages=document.pages,
        fingerprint=document.fingerprint or "",
        lang=lang,
    )
    pin_key = "seal_pin" if document.seal else "sign_pin"
    pin = _pin_field(
        lang,
        errors,
        tries_left=tries_left,
        label=text(pin_key, lang),
        hint=text(pin_key + "_hint", lang),
    )
    return _step_page(
        lang,
        _sign_title(document, lang),
        action=action,
        step="pin",
        intro=[
            _error_summary(lang, errors),
            _asking(lang, origin, "seal_asking" if document.seal else "sign_asking"),
            f'<p class="signing-what" id="signing-what"><strong>{escape(statement)}</strong></p>',
            f'<p class="hint">{escape(text("fingerprint_hint", lang))}</p>',
            _signer_summary(signer, lang),
        ],
        field_html=pin,
        primary="seal" if document.seal else "sign",
    )


def sign_done_page(*, lang: str, self_url: str, seal: bool) -> str:
    title = text("sealed" if seal else "signed", lang)
    detail = f"<p>{escape(text('done_detail', lang))}</p>"
    return _final_page(lang, title, detail, self_url=self_url, close_after_ms=1500)


def sign_error_page(*, lang: str, self_url: str, code: str | None) -> str:
    """A final signing error (or, with `code=None`, a request that no longer exists)."""
    return _failure_page(
        lang,
        self_url=self_url,
        code=code,
        title_key="sign_error_title",
        messages=SIGN_ERROR_MESSAGES,
    )
