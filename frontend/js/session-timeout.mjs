// The accessible warning before an idle session ends (docs/identity.md, "Sessions").

export function initSessionTimeout(element) {}
