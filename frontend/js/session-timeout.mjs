// The accessible warning before an idle session ends (docs/identity.md, "Sessions").
//
// The page asks the portal how long the session has left (`session-status`: asking does
// not extend it) and opens a modal <dialog> SESSION_IDLE_WARNING_SECONDS before the end.
// It asks again before every decision, because another tab may have extended the
// session. The time left is announced politely at each whole minute and at 30 seconds,
// not every second. "Stay signed in" (or Escape) extends the session; "Sign out" is an
// ordinary form. When the time is up the page goes to the sign-in page, where the portal
// says why. Without this script the portal still ends the session on the server.

const SECOND = 1000;
const RETRY_SECONDS = 15;

export function initSessionTimeout(root) {
  const dialog = root.querySelector("dialog");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  const { statusUrl, extendUrl, signInUrl } = root.dataset;
  const countdown = dialog.querySelector("[data-countdown]");
  const announcer = dialog.querySelector("[data-announcer]");
  const stayButton = dialog.querySelector("[data-stay]");
  const extendable = dialog.querySelector("[data-extendable]");
  const notExtendable = dialog.querySelector("[data-not-extendable]");
  const csrfInput = dialog.querySelector('input[name="csrfmiddlewaretoken"]');

  let timer = null;
  let ticker = null;
  let deadline = 0;
  let lastAnnounced = null;
  let returnFocus = null;
  let leaving = false;

  const unit = (n, one, other) => (n === 1 ? one : other).replace("{n}", String(n));

  function timeInWords(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    const parts = [];
    if (minutes > 0) {
      parts.push(unit(minutes, root.dataset.minuteOne, root.dataset.minuteOther));
    }
    if (rest > 0 || minutes === 0) {
      parts.push(unit(rest, root.dataset.secondOne, root.dataset.secondOther));
    }
    return parts.join(" ");
  }

  function goToSignIn() {
    if (leaving) {
      return;
    }
    leaving = true;
    const next = window.location.pathname + window.location.search;
    window.location.assign(`${signInUrl}?next=${encodeURIComponent(next)}`);
  }

  // The portal's answer, `null` if it could not be reached (try again later), or
  // `undefined` once the session has ended (the page is leaving).
  async function ask(url, init = {}) {
    let response;
    try {
      response = await fetch(url, {
        credentials: "same-origin",
        cache: "no-store",
        ...init,
        headers: { Accept: "application/json", ...(init.headers ?? {}) },
      });
    } catch {
      return null;
    }
    if (response.status === 401) {
      goToSignIn();
      return undefined;
    }
    if (!response.ok) {
      return null;
    }
    return response.json();
  }

  function schedule(seconds) {
    clearTimeout(timer);
    timer = window.setTimeout(check, Math.max(1, seconds) * SECOND);
  }

  async function check() {
    clearTimeout(timer);
    const status = await ask(statusUrl);
    if (status === null) {
      schedule(RETRY_SECONDS);
    } else if (status !== undefined) {
      apply(status);
    }
  }

  function apply(status) {
    if (status.warning_at > 0) {
      close();
      schedule(status.warning_at);
    } else {
      open(status);
      // Ask again at the end (or earlier, if another tab extends the session).
      schedule(Math.min(status.remaining, RETRY_SECONDS));
    }
  }

  function announce(seconds) {
    if (seconds === lastAnnounced) {
      return;
    }
    lastAnnounced = seconds;
    announcer.textContent = root.dataset.announcement.replace("{time}", timeInWords(seconds));
  }

  function tick() {
    const seconds = Math.max(0, Math.ceil((deadline - Date.now()) / SECOND));
    countdown.textContent = timeInWords(seconds);
    if (seconds > 0 && (seconds % 60 === 0 || seconds === 30)) {
      announce(seconds);
    }
    if (seconds === 0) {
      window.clearInterval(ticker);
      ticker = null;
      check();
    }
  }

  function open(status) {
    deadline = Date.now() + status.remaining * SECOND;
    stayButton.hidden = !status.extendable;
    extendable.hidden = !status.extendable;
    notExtendable.hidden = status.extendable;
    if (!dialog.open) {
      returnFocus = document.activeElement;
      lastAnnounced = null;
      announcer.textContent = "";
      countdown.textContent = timeInWords(status.remaining);
      dialog.showModal();
      (status.extendable ? stayButton : dialog.querySelector('button[type="submit"]')).focus();
      // Once just after opening (for screen readers that do not read the description),
      // then only at whole minutes and at 30 seconds.
      window.setTimeout(() => {
        if (dialog.open) {
          announce(Math.max(0, Math.ceil((deadline - Date.now()) / SECOND)));
        }
      }, SECOND / 2);
    }
    if (ticker === null) {
      ticker = window.setInterval(tick, SECOND);
    }
  }

  function close() {
    window.clearInterval(ticker);
    ticker = null;
    if (dialog.open) {
      dialog.close();
      if (returnFocus && document.contains(returnFocus)) {
        returnFocus.focus();
      }
      returnFocus = null;
    }
  }

  async function stay() {
    const status = await ask(extendUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfInput ? csrfInput.value : "" },
    });
    if (status === null) {
      announcer.textContent = root.dataset.announcement.replace(
        "{time}",
        timeInWords(Math.max(0, Math.ceil((deadline - Date.now()) / SECOND))),
      );
      return;
    }
    if (status !== undefined) {
      apply(status);
    }
  }

  stayButton.addEventListener("click", stay);
  // Escape means "stay signed in", never "ignore the warning".
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (!stayButton.hidden) {
      stay();
    }
  });
  // Timers sleep in background tabs: look again when the tab is shown.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      check();
    }
  });

  check();
}
