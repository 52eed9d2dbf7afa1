"""Everything the agent says to the citizen, in Georgian and English."""

from __future__ import annotations

LANGUAGES = ("ka", "en")

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
    "pin-blocked": {
        "ka": "PIN-კოდი დაბლოკილია სამი არასწორი მცდელობის შემდეგ. განბლოკეთ PUK-კოდით "
        "ან მიმართეთ იუსტიციის სახლს.",
        "en": "The PIN is blocked after 3 wrong tries. Unblock it with your PUK code "
        "or at a Public Service Hall.",
    },
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
}


def text(key: str, lang: str, **values: object) -> str:
    return TEXTS[key][lang].format(**values)


def wrong_pin(tries_left: int, lang: str) -> str:
    if tries_left == 1:
        return text("wrong_pin_1", lang)
    return text("wrong_pin_n", lang, n=tries_left)
