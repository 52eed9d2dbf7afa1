"""Everything the agent says to the citizen, in Georgian and English."""

from __future__ import annotations

LANGUAGES = ("ka", "en")

# The same words in both dialogs: a blocked PIN is blocked for signing in and for signing.
PIN_BLOCKED = {
    "ka": "PIN-კოდი დაბლოკილია სამი არასწორი მცდელობის შემდეგ. განბლოკეთ PUK-კოდით "
    "ან მიმართეთ იუსტიციის სახლს.",
    "en": "The PIN is blocked after 3 wrong tries. Unblock it with your PUK code "
    "or at a Public Service Hall.",
}

# Error codes of the API; each message is shown to the citizen by the portal and the dialog.
ERROR_MESSAGES: dict[str, dict[str, str]] = {
    "no-reader": {
        "ka": "ბარათის წამკითხველი ვერ მოიძებნა. შეაერთეთ წამკითხველი და სცადეთ თავიდან.",
        "en": "No card reader was found. Connect the card reader and try again.",
    },
    "no-card": {
        "ka": "წამკითხველში პირადობის მოწმობა ვერ მოიძებნა. ჩადეთ მოწმობა და სცადეთ თავიდან.",
        "en": "No ID card was found in the reader. Insert your ID card and try again.",
    },
    "pin-blocked": PIN_BLOCKED,
    "certificate-expired": {
        "ka": "თქვენი პირადობის მოწმობის სერტიფიკატი არ მოქმედებს (ვადა გასულია). "
        "განაახლეთ მოწმობა იუსტიციის სახლში.",
        "en": "The certificate on your ID card is not valid (it has expired). "
        "Renew your ID card at a Public Service Hall.",
    },
    "certificate-revoked": {
        "ka": "თქვენი პირადობის მოწმობის სერტიფიკატი გაუქმებულია. მიმართეთ იუსტიციის სახლს.",
        "en": "The certificate on your ID card has been revoked. Contact a Public Service Hall.",
    },
    "cancelled": {
        "ka": "პირადობის მოწმობით შესვლა გაუქმდა.",
        "en": "Signing in with the ID card was cancelled.",
    },
    "timeout": {
        "ka": "შესვლის მოთხოვნას ვადა გაუვიდა (5 წუთი). დაიწყეთ თავიდან.",
        "en": "The sign-in request expired after 5 minutes. Please start again.",
    },
}

# Error codes of the signing API (docs/signing.md); shown by the dialog and the portal.
SIGN_ERROR_MESSAGES: dict[str, dict[str, str]] = {
    "cancelled": {"ka": "ხელმოწერა გაუქმდა.", "en": "Signing was cancelled."},
    "no-card": {
        "ka": "შესაფერისი პირადობის მოწმობა ან ბეჭდის მოწყობილობა ვერ მოიძებნა. "
        "ჩადეთ ის წამკითხველში და სცადეთ თავიდან.",
        "en": "No suitable ID card or seal device was found. "
        "Insert it into the reader and try again.",
    },
    "pin-blocked": PIN_BLOCKED,
    "expired": {
        "ka": "ხელმოწერის მოთხოვნას ვადა გაუვიდა (5 წუთი). დაიწყეთ თავიდან.",
        "en": "The signing request expired after 5 minutes. Please start again.",
    },
    "certificate-invalid": {
        "ka": "ხელმოწერის სერტიფიკატი არ მოქმედებს (ვადა გასულია ან გაუქმებულია). "
        "მიმართეთ იუსტიციის სახლს.",
        "en": "The signing certificate is not valid (it has expired or been revoked). "
        "Contact a Public Service Hall.",
    },
}

TEXTS: dict[str, dict[str, str]] = {
    "title": {"ka": "პირადობის მოწმობით შესვლა", "en": "Sign in with your ID card"},
    "asking": {
        "ka": "საიტი {origin} გთხოვთ, შეხვიდეთ პირადობის მოწმობით.",
        "en": "The site {origin} is asking you to sign in with your ID card.",
    },
    "check_site": {
        "ka": "გააგრძელეთ მხოლოდ იმ შემთხვევაში, თუ ეს საიტი გენდობათ.",
        "en": "Continue only if you trust this site.",
    },
    "holder": {"ka": "მოწმობის მფლობელი", "en": "Card holder"},
    "personal_number": {"ka": "პირადი ნომერი", "en": "Personal number"},
    "choose_card": {"ka": "აირჩიეთ მოწმობა", "en": "Choose a card"},
    "pin": {"ka": "PIN-კოდი (PIN1)", "en": "PIN code (PIN1)"},
    "pin_hint": {
        "ka": "თქვენი პირადობის მოწმობის 4-ნიშნა PIN-კოდი.",
        "en": "The 4-digit PIN of your ID card.",
    },
    "pin_missing": {
        "ka": "შეიყვანეთ PIN-კოდი: 4 ციფრი.",
        "en": "Enter your PIN: 4 digits.",
    },
    "card_missing": {"ka": "აირჩიეთ მოწმობა.", "en": "Choose a card."},
    "wrong_pin_1": {
        "ka": "არასწორი PIN-კოდი. დარჩენილია 1 მცდელობა.",
        "en": "Wrong PIN. 1 try left.",
    },
    "wrong_pin_n": {
        "ka": "არასწორი PIN-კოდი. დარჩენილია {n} მცდელობა.",
        "en": "Wrong PIN. {n} tries left.",
    },
    "tries_left": {
        "ka": "PIN-კოდის დარჩენილი მცდელობები: {n}.",
        "en": "PIN tries left: {n}.",
    },
    "continue": {"ka": "გაგრძელება", "en": "Continue"},
    "cancel": {"ka": "გაუქმება", "en": "Cancel"},
    "close": {"ka": "ფანჯრის დახურვა", "en": "Close this window"},
    "problem": {"ka": "დაფიქსირდა პრობლემა", "en": "There is a problem"},
    "done": {
        "ka": "მზადაა — დაბრუნდით OneWindow-ის ფანჯარაში",
        "en": "Done — return to the OneWindow window",
    },
    "done_detail": {
        "ka": "ეს ფანჯარა თავისით დაიხურება.",
        "en": "This window closes by itself.",
    },
    "cancelled_title": {"ka": "გაუქმებულია", "en": "Cancelled"},
    "error_title": {"ka": "შესვლა ვერ მოხერხდა", "en": "Could not sign in"},
    "unknown_request": {
        "ka": "ეს მოთხოვნა აღარ არსებობს. დაბრუნდით OneWindow-ის ფანჯარაში და დაიწყეთ თავიდან.",
        "en": "This request no longer exists. Return to the OneWindow window and start again.",
    },
    "other_language": {"ka": "English", "en": "ქართული"},
    "agent": {"ka": "OneWindow-ის ბარათის აგენტი", "en": "OneWindow card agent"},
    # Signing and sealing documents.
    "sign_title": {"ka": "დოკუმენტის ხელმოწერა", "en": "Sign a document"},
    "seal_title": {"ka": "დოკუმენტის დაბეჭდვა", "en": "Seal a document"},
    "sign_asking": {
        "ka": "საიტი {origin} გთხოვთ, ხელი მოაწეროთ დოკუმენტს პირადობის მოწმობით.",
        "en": "The site {origin} is asking you to sign a document with your ID card.",
    },
    "seal_asking": {
        "ka": "საიტი {origin} გთხოვთ, დაბეჭდოთ დოკუმენტი კომპანიის ბეჭდით.",
        "en": "The site {origin} is asking you to seal a document with your company's seal.",
    },
    "document": {"ka": "დოკუმენტი", "en": "Document"},
    "pages": {"ka": "გვერდები", "en": "Pages"},
    "fingerprint": {"ka": "ანაბეჭდი", "en": "Fingerprint"},
    "choose_sign_card": {
        "ka": "აირჩიეთ მოწმობა, რომლითაც ხელს მოაწერთ",
        "en": "Choose the card to sign with",
    },
    "choose_seal": {"ka": "აირჩიეთ ბეჭდის მოწყობილობა", "en": "Choose the seal device"},
    "seal_missing": {"ka": "აირჩიეთ ბეჭდის მოწყობილობა.", "en": "Choose a seal device."},
    "company": {"ka": "კომპანია", "en": "Company"},
    "company_code": {"ka": "საიდენტიფიკაციო კოდი", "en": "Identification code"},
    "you_are_signing": {
        "ka": "თქვენ ხელს აწერთ: {title}, {pages} გვერდი, ანაბეჭდი {fingerprint}",
        "en": "You are signing: {title}, {pages} pages, fingerprint {fingerprint}",
    },
    "you_are_signing_1": {
        "ka": "თქვენ ხელს აწერთ: {title}, 1 გვერდი, ანაბეჭდი {fingerprint}",
        "en": "You are signing: {title}, 1 page, fingerprint {fingerprint}",
    },
    "you_are_sealing": {
        "ka": "თქვენ ბეჭდავთ: {title}, {pages} გვერდი, ანაბეჭდი {fingerprint}",
        "en": "You are sealing: {title}, {pages} pages, fingerprint {fingerprint}",
    },
    "you_are_sealing_1": {
        "ka": "თქვენ ბეჭდავთ: {title}, 1 გვერდი, ანაბეჭდი {fingerprint}",
        "en": "You are sealing: {title}, 1 page, fingerprint {fingerprint}",
    },
    "fingerprint_hint": {
        "ka": "ანაბეჭდი იგივე უნდა იყოს, რასაც OneWindow-ის ფანჯარა გაჩვენებთ.",
        "en": "The fingerprint must be the same as the one the OneWindow window shows you.",
    },
    "sign_pin": {"ka": "ხელმოწერის PIN-კოდი (PIN2)", "en": "Signing PIN (PIN2)"},
    "sign_pin_hint": {
        "ka": "თქვენი პირადობის მოწმობის ხელმოწერის 4-ნიშნა PIN-კოდი.",
        "en": "The 4-digit signing PIN of your ID card.",
    },
    "seal_pin": {"ka": "ბეჭდის PIN-კოდი", "en": "Seal device PIN"},
    "seal_pin_hint": {
        "ka": "კომპანიის ბეჭდის მოწყობილობის 4-ნიშნა PIN-კოდი.",
        "en": "The 4-digit PIN of your company's seal device.",
    },
    "sign": {"ka": "ხელმოწერა", "en": "Sign"},
    "seal": {"ka": "დაბეჭდვა", "en": "Seal"},
    "waiting_title": {"ka": "დოკუმენტი მზადდება…", "en": "Preparing the document…"},
    "waiting_detail": {
        "ka": "OneWindow-ის ფანჯარა ამზადებს დოკუმენტს. როცა მზად იქნება, ის აქ გამოჩნდება.",
        "en": "The OneWindow window is preparing the document. It shows here when ready.",
    },
    "refresh": {"ka": "შემოწმება ახლავე", "en": "Check now"},
    # The waiting page's progress, said once each through its polite status region.
    "waiting_still": {"ka": "დოკუმენტი ჯერ კიდევ მზადდება…", "en": "Still preparing the document…"},
    "waiting_slow": {
        "ka": "მომზადებას ჩვეულებრივზე მეტი დრო სჭირდება. შეგიძლიათ დაელოდოთ, "
        "ან გააუქმოთ და თავიდან დაიწყოთ.",
        "en": "This is taking longer than usual. You can keep waiting, or cancel and start again.",
    },
    "waiting_checked": {
        "ka": "დოკუმენტი ჯერ მზად არ არის. მზად რომ იქნება, ეს გვერდი მას მაშინვე გაჩვენებთ.",
        "en": "The document is not ready yet. This page shows it as soon as it is.",
    },
    "waiting_offline": {
        "ka": "ბარათის აგენტი არ პასუხობს. ეს გვერდი შემოწმებას განაგრძობს.",
        "en": "The card agent is not answering. This page keeps trying.",
    },
    "signed": {
        "ka": "ხელმოწერილია — დაბრუნდით OneWindow-ის ფანჯარაში",
        "en": "Signed — return to the OneWindow window",
    },
    "sealed": {
        "ka": "დაბეჭდილია — დაბრუნდით OneWindow-ის ფანჯარაში",
        "en": "Sealed — return to the OneWindow window",
    },
    "sign_error_title": {"ka": "ხელმოწერა ვერ მოხერხდა", "en": "Could not sign"},
}


def language(asked: str | None) -> str:
    """The dialog's language: the one asked for if the agent speaks it, else Georgian."""
    return asked if asked in LANGUAGES else "ka"


def text(key: str, lang: str, **values: object) -> str:
    return TEXTS[key][lang].format(**values)


def you_are_signing(*, seal: bool, title: str, pages: int, fingerprint: str, lang: str) -> str:
    """What the dialog says is being signed, before the PIN (plain text, to be escaped)."""
    key = "you_are_sealing" if seal else "you_are_signing"
    if pages == 1:
        return text(f"{key}_1", lang, title=title, fingerprint=fingerprint)
    return text(key, lang, title=title, pages=pages, fingerprint=fingerprint)


def wrong_pin(tries_left: int, lang: str) -> str:
    if tries_left == 1:
        return text("wrong_pin_1", lang)
    return text("wrong_pin_n", lang, n=tries_left)
