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

// The signing dialog's waiting page stays loaded (a reload would send focus back to the
// heading and a screen reader would read the page again): it asks the agent's status URL,
// which holds the answer until the document is ready (at most ~10 s), and opens the next
// page only when there is one. Progress is said once per milestone in the status region.
const STILL_AFTER_MS = 15000;
const SLOW_AFTER_MS = 60000;
const OFFLINE_AFTER_FAILURES = 3;
const MAX_BACKOFF_MS = 15000;

const sleep = (ms) => new Promise((resolve) => window.setTimeout(resolve, ms));

function waitForTheDocument(region) {
  const statusUrl = region.dataset.signStatus;
  const nextUrl = region.dataset.signNext;
  let leaving = false;

  // Say something new; the same words again only when the person asked (Check now).
  function say(message, again = false) {
    if (leaving || !message) {
      return;
    }
    if (region.textContent === message) {
      if (!again) {
        return;
      }
      region.textContent = "";
      window.setTimeout(() => {
        region.textContent = message;
      }, 100);
      return;
    }
    region.textContent = message;
  }

  // "preparing", or the state that ends the wait; throws when the agent did not answer.
  async function ask(hold) {
    const response = await fetch(hold ? `${statusUrl}?wait=1` : statusUrl, {
      cache: "no-store",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (response.status === 404) {
      return "gone";
    }
    if (!response.ok) {
      throw new Error(`status ${response.status}`);
    }
    const answer = await response.json();
    return answer.state;
  }

  function leave() {
    if (!leaving) {
      leaving = true;
      window.location.replace(nextUrl);
    }
  }

  async function poll() {
    let failures = 0;
    while (!leaving) {
      const asked = Date.now();
      let state;
      try {
        state = await ask(true);
      } catch {
        failures += 1;
        if (failures === OFFLINE_AFTER_FAILURES) {
          say(region.dataset.sayOffline);
        }
        await sleep(Math.min(1000 * 2 ** (failures - 1), MAX_BACKOFF_MS));
        continue;
      }
      failures = 0;
      if (state !== "preparing") {
        leave();
        return;
      }
      // A held answer comes after ~10 s; one that comes back at once waits a little.
      await sleep(Date.now() - asked < 1000 ? 1000 : 50);
    }
  }

  // With script, "Check now" asks at once instead of reloading the page.
  const checkNow = document.querySelector("form[data-check-now]");
  if (checkNow) {
    checkNow.addEventListener("submit", async (event) => {
      event.preventDefault();
      let state;
      try {
        state = await ask(false);
      } catch {
        say(region.dataset.sayOffline, true);
        return;
      }
      if (state === "preparing") {
        say(region.dataset.sayChecked, true);
      } else {
        leave();
      }
    });
  }

  window.setTimeout(() => say(region.dataset.sayStill), STILL_AFTER_MS);
  window.setTimeout(() => say(region.dataset.saySlow), SLOW_AFTER_MS);
  poll();
}

document.addEventListener("DOMContentLoaded", () => {
  const region = document.querySelector("[data-sign-status]");
  if (region) {
    waitForTheDocument(region);
  }
});
