// ID-card sign-in through the card agent (docs/identity.md, "The card agent's API").

export function initIdCardSignIn(element) {}
