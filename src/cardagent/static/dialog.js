// The card agent's dialog: move focus where the person should look, and close when done.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const target = document.querySelector("[data-focus]");
  if (target) {
    target.focus();
  }
  for (const button of document.querySelectorAll("[data-close]")) {
    button.addEventListener("click", () => window.close());
  }
  const delay = Number(document.body.dataset.closeAfter || 0);
  if (delay > 0) {
    window.setTimeout(() => window.close(), delay);
  }
});
