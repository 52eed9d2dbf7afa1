"""The agent's own dialog pages: plain HTML, one stylesheet, one small script, no inline code."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from .certificates import CardHolder
from .texts import ERROR_MESSAGES, text

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


def _page(lang: str, title: str, body: str, *, self_url: str, close_after_ms: int = 0) -> str:
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


def _asking(lang: str, origin: str) -> str:
    site = f"<strong>{escape(origin)}</strong>"
    return (
        f'<p class="asking">{text("asking", lang, origin=site)}</p>'
        f'<p class="hint">{escape(text("check_site", lang))}</p>'
    )


def _buttons(lang: str) -> str:
    return (
        '<div class="buttons">'
        f'<button type="submit" name="action" value="continue" class="primary">'
        f"{escape(text('continue', lang))}</button>"
        f'<button type="submit" name="action" value="cancel" class="secondary" formnovalidate>'
        f"{escape(text('cancel', lang))}</button></div>"
    )


def choose_card_page(
    *, lang: str, action: str, origin: str, choices: list[CardChoice], errors: PageErrors
) -> str:
    error = errors.for_field("card-0")
    radios = "".join(
        f'<div class="radio"><input type="radio" id="card-{index}" name="card" '
        f'value="{escape(choice.label)}"{" checked" if index == 0 and not error else ""}>'
        f'<label for="card-{index}">{escape(choice.holder.name(lang))}, '
        f"{escape(text('personal_number', lang))} {escape(choice.holder.personal_number)} "
        f"({escape(choice.label)})</label></div>"
        for index, choice in enumerate(choices)
    )
    error_html = f'<p class="field-error" id="card-error">{escape(error)}</p>' if error else ""
    body = f"""<h1>{escape(text("title", lang))}</h1>
{_error_summary(lang, errors)}
{_asking(lang, origin)}
<form method="post" action="{escape(action)}" novalidate>
<input type="hidden" name="lang" value="{lang}">
<input type="hidden" name="step" value="card">
<fieldset class="field{" has-error" if error else ""}"{
        ' aria-describedby="card-error"' if error else ""
    }>
<legend>{escape(text("choose_card", lang))}</legend>
{error_html}{radios}
</fieldset>
{_buttons(lang)}
</form>"""
    return _page(lang, text("title", lang), body, self_url=action)


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
    body = f"""<h1>{escape(text("title", lang))}</h1>
{_error_summary(lang, errors)}
{_asking(lang, origin)}
<dl class="holder">
<div><dt>{escape(text("holder", lang))}</dt><dd>{escape(holder.name(lang))}</dd></div>
<div><dt>{escape(text("personal_number", lang))}</dt><dd>{escape(holder.personal_number)}</dd></div>
</dl>
<form method="post" action="{escape(action)}" novalidate>
<input type="hidden" name="lang" value="{lang}">
<input type="hidden" name="step" value="pin">
<input type="hidden" name="card" value="{escape(card_label)}">
<div class="field{" has-error" if error else ""}">
<label for="pin">{escape(text("pin", lang))}</label>
<p class="hint" id="pin-hint">{escape(text("pin_hint", lang))}</p>
{tries}{error_html}
<input id="pin" name="pin" type="password" inputmode="numeric" pattern="[0-9]*" \
autocomplete="off" maxlength="12" size="6" class="pin" aria-describedby="{described}"{
        ' aria-invalid="true"' if error else ""
    }{focus}>
</div>
{_buttons(lang)}
</form>"""
    return _page(lang, text("title", lang), body, self_url=action)


def done_page(*, lang: str, self_url: str) -> str:
    body = f"""<h1 tabindex="-1" data-focus>{escape(text("done", lang))}</h1>
<p>{escape(text("done_detail", lang))}</p>
<p><button type="button" class="secondary" data-close>{escape(text("close", lang))}</button></p>"""
    return _page(lang, text("done", lang), body, self_url=self_url, close_after_ms=1500)


def error_page(*, lang: str, self_url: str, code: str | None) -> str:
    """A final error (or, with `code=None`, a request that no longer exists)."""
    title = text("cancelled_title" if code == "cancelled" else "error_title", lang)
    message = ERROR_MESSAGES[code][lang] if code else text("unknown_request", lang)
    body = f"""<h1 tabindex="-1" data-focus>{escape(title)}</h1>
<p class="error-message" data-error-code="{escape(code or "unknown")}">{escape(message)}</p>
<p><button type="button" class="secondary" data-close>{escape(text("close", lang))}</button></p>"""
    return _page(
        lang,
        title,
        body,
        self_url=self_url,
        close_after_ms=1500 if code == "cancelled" else 0,
    )
