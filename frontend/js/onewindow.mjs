// OneWindow's only script, loaded as an ES module on every page.
//
// The Content-Security-Policy allows no inline script, so the classes GOV.UK
// Frontend's template sets with an inline snippet are set here. A module runs only
// in browsers that support ES modules, which is GOV.UK Frontend's own test for
// `govuk-frontend-supported`. Everything here is progressive enhancement: every
// page works without it.

import {
  Button,
  ErrorSummary,
  NotificationBanner,
  ServiceNavigation,
  SkipLink,
  createAll,
} from "govuk-frontend";

import { initIdCardSignIn } from "./idcard.mjs";
import { initSessionTimeout } from "./session-timeout.mjs";
import { initSigning } from "./signing.mjs";
import { initSuggest } from "./suggest.mjs";

document.body.classList.add("js-enabled", "govuk-frontend-supported");

// Only the GOV.UK components the portal compiles (see frontend/scss/onewindow.scss).
// Both a success banner and an error summary take focus when the page loads; the
// error summary goes last so that, if a page has both, the errors have it.
createAll(Button);
createAll(NotificationBanner);
createAll(ErrorSummary);
createAll(ServiceNavigation);
createAll(SkipLink);

for (const input of document.querySelectorAll('input[data-module="ow-suggest"]')) {
  initSuggest(input);
}

// ID-card sign-in: talks to the citizen's card agent (see docs/identity.md).
for (const element of document.querySelectorAll('[data-module="ow-idcard"]')) {
  initIdCardSignIn(element);
}

// Signing an application with the ID card or a company seal (docs/signing.md).
for (const element of document.querySelectorAll('[data-module="ow-signing"]')) {
  initSigning(element);
}

// The idle-session warning (present only on signed-in pages).
const sessionTimeout = document.querySelector('[data-module="ow-session-timeout"]');
if (sessionTimeout) {
  initSessionTimeout(sessionTimeout);
}
