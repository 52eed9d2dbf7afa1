// Talking to the citizen's card agent from a page: the part ID-card sign-in (idcard.mjs)
// and signing (signing.mjs) share, so that both say the same things the same way.
//
// `connectCardAgent` gives a page one button that runs a flow with the agent: it guards
// against double clicks, opens the agent's window while the click still counts as user
// activation (pop-up blockers let it through), reports progress in a live region, and
// turns every failure into a focused GOV.UK error summary. Every message comes from the
// element's `data-text-*` attributes (the page's language) or from the agent (both).

const POLL_MS = 500;
const POLL_LIMIT_MS = 6 * 60 * 1000; // the agent gives up after 5 minutes

// The agent could not be reached at all: most likely it is not installed or not running.
class AgentUnreachable extends Error {}

// The agent or the portal said no; the message is the sentence to show.
export class Refusal extends Error {}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function pageLanguage() {
  return document.documentElement.lang === "en" ? "en" : "ka";
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return {};
  }
}

// The form's token if the template put one in, else the cookie's.
function csrfToken(element) {
  const input = element.querySelector('input[name="csrfmiddlewaretoken"]');
  if (input && input.value) return input.value;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// The agent's own message (it sends both languages), else the page's general one.
export function agentMessage(result, failed) {
  const message = result && result.message;
  if (message && typeof message === "object") {
    return message[pageLanguage()] || message.en || failed;
  }
  return failed;
}

// Without a window (the browser blocked it), a link the person can follow instead.
function dialogLink(url, target, label) {
  const link = document.createElement("a");
  link.className = "govuk-link";
  link.href = url;
  link.target = target;
  link.rel = "opener";
  link.textContent = label;
  const paragraph = document.createElement("p");
  paragraph.className = "govuk-body";
  paragraph.append(link);
  return paragraph;
}

function openPopup(name, features) {
  try {
    return window.open("", name, features);
  } catch {
    return null;
  }
}

// The element's parts are `[data-<prefix>-start]` (the button), `-status` (a live region)
// and `-error` (the error box), its agent's address `data-agent-url`; `popup` names the
// agent's window and its features. Null when a part is missing or the element is already
// set up (it is then marked `data-<prefix>-ready`).
export function connectCardAgent(element, prefix, popup) {
  const button = element.querySelector(`[data-${prefix}-start]`);
  const status = element.querySelector(`[data-${prefix}-status]`);
  const errorBox = element.querySelector(`[data-${prefix}-error]`);
  const text = element.dataset;
  const agent = (text.agentUrl || "").replace(/\/+$/, "");
  const ready = `${prefix}Ready`;
  if (text[ready] || !button || !status || !errorBox || !agent) return null;
  text[ready] = "true";
  const { name: popupName, features: popupFeatures } = popup;
  let busy = false;
  let stopped = false;
  window.addEventListener("pagehide", () => {
    stopped = true;
  });

  function say(message) {
    status.textContent = message || "";
  }

  function clearError() {
    errorBox.hidden = true;
    errorBox.replaceChildren();
  }

  // A GOV.UK error summary with the message (and what to do), focused so that screen
  // readers and keyboard users land on it.
  function showError(message, help, link) {
    say("");
    const summary = document.createElement("div");
    summary.className = "govuk-error-summary";
    summary.tabIndex = -1;
    const alert = document.createElement("div");
    alert.setAttribute("role", "alert");
    const title = document.createElement("h2");
    title.className = "govuk-error-summary__title";
    title.textContent = text.textErrorTitle || "";
    const body = document.createElement("div");
    body.className = "govuk-error-summary__body";
    for (const line of [message, help]) {
      if (!line) continue;
      const paragraph = document.createElement("p");
      paragraph.className = "govuk-body";
      paragraph.textContent = line;
      body.append(paragraph);
    }
    if (link) body.append(link);
    alert.append(title, body);
    summary.append(alert);
    errorBox.replaceChildren(summary);
    errorBox.hidden = false;
    summary.focus();
  }

  // A JSON POST to the portal (same origin, CSRF token); its `error`, if it refuses.
  async function portalPost(url, body) {
    const headers = { "X-CSRFToken": csrfToken(element), Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await readJson(response);
    if (!response.ok) throw new Refusal(answer.error || text.textFailed);
    return answer;
  }

  // The agent is another origin: no cookies, no cache.
  async function agentFetch(path, options = {}) {
    let response;
    try {
      response = await fetch(`${agent}${path}`, {
        ...options,
        credentials: "omit",
        cache: "no-store",
      });
    } catch {
      throw new AgentUnreachable();
    }
    const answer = await readJson(response);
    if (!response.ok) throw new Refusal(text.textFailed);
    return answer;
  }

  function agentPost(path, body) {
    return agentFetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  // Asks the agent for `path` until `settled(result)` says the request has moved on (it
  // may throw a Refusal); gives up when the page goes away or the agent would have.
  async function poll(path, settled) {
    const started = Date.now();
    while (!stopped && Date.now() - started < POLL_LIMIT_MS) {
      const result = await agentFetch(path);
      if (settled(result)) return result;
      await sleep(POLL_MS);
    }
    throw new Refusal(text.textFailed);
  }

  // Sends the window opened on click to the agent's dialog, or offers a link instead.
  function showDialog(popup, url, message) {
    if (popup && !popup.closed) {
      popup.location.href = url;
      say(message);
    } else {
      showError(text.textPopupBlocked, "", dialogLink(url, popupName, text.textPopupBlocked));
    }
  }

  // Runs `flow(popup)` once per click. A flow that succeeds leaves the page (the button
  // stays disabled meanwhile); one that fails shows why and offers to try again.
  async function run(flow) {
    busy = true;
    button.setAttribute("aria-disabled", "true");
    clearError();
    say(text.textStarting);
    const popup = openPopup(popupName, popupFeatures);
    try {
      await flow(popup);
      return;
    } catch (error) {
      if (popup && !popup.closed) popup.close();
      if (error instanceof AgentUnreachable) {
        showError(text.textNoAgent, text.textNoAgentHelp);
      } else if (error instanceof Refusal) {
        showError(error.message);
      } else {
        showError(text.textFailed);
      }
      button.textContent = text.textRetry || button.textContent;
    }
    busy = false;
    button.removeAttribute("aria-disabled");
  }

  function start(flow) {
    button.hidden = false;
    button.addEventListener("click", () => {
      if (!busy) run(flow);
    });
  }

  return { start, say, clearError, showDialog, portalPost, agentPost, poll };
}
