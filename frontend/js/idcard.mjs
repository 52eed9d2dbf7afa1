// ID-card sign-in through the card agent (docs/identity.md, "The card agent's API").
//
// Markup (templates/identity/includes/idcard_sign_in.html):
//
//   <div data-module="ow-idcard" data-agent-url="http://127.0.0.1:24727"
//        data-challenge-url="/ka/sign-in/id-card/challenge?next=…"
//        data-token-url="/ka/sign-in/id-card/token" data-text-…="…">
//     <input type="hidden" name="csrfmiddlewaretoken" value="…">
//     <div data-idcard-error hidden></div>
//     <button data-idcard-start hidden>…</button>
//     <p role="status" aria-live="polite" data-idcard-status></p>
//   </div>
//
// On click: the portal's challenge → the agent signs it in its own window (where the PIN
// is typed; this page never sees it) → poll the agent → post the token to the portal →
// go where the portal says. Every message comes from the template (the page's language)
// or from the agent (in both languages).

const POLL_MS = 500;
const POLL_LIMIT_MS = 6 * 60 * 1000; // the agent gives up after 5 minutes
const POPUP_NAME = "ow-cardagent";
const POPUP_FEATURES = "popup,width=520,height=680";

class AgentUnreachable extends Error {}

class Refusal extends Error {}

function csrfToken(element) {
  const input = element.querySelector('input[name="csrfmiddlewaretoken"]');
  if (input && input.value) return input.value;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function pageLanguage() {
  return document.documentElement.lang === "en" ? "en" : "ka";
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return {};
  }
}

export function initIdCardSignIn(element) {
  if (element.dataset.idcardReady) return;
  const button = element.querySelector("[data-idcard-start]");
  const status = element.querySelector("[data-idcard-status]");
  const errorBox = element.querySelector("[data-idcard-error]");
  const agent = (element.dataset.agentUrl || "").replace(/\/+$/, "");
  if (!button || !status || !errorBox || !agent) return;
  element.dataset.idcardReady = "true";
  const text = element.dataset;
  let busy = false;
  let stopped = false;
  window.addEventListener("pagehide", () => {
    stopped = true;
  });

  button.hidden = false;
  button.addEventListener("click", () => {
    if (!busy) signIn();
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
    const first = document.createElement("p");
    first.className = "govuk-body";
    first.textContent = message;
    body.append(first);
    if (help) {
      const second = document.createElement("p");
      second.className = "govuk-body";
      second.textContent = help;
      body.append(second);
    }
    if (link) body.append(link);
    alert.append(title, body);
    summary.append(alert);
    errorBox.replaceChildren(summary);
    errorBox.hidden = false;
    summary.focus();
  }

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

  function agentMessage(result) {
    const message = result && result.message;
    if (message && typeof message === "object") {
      return message[pageLanguage()] || message.en || text.textFailed;
    }
    return text.textFailed;
  }

  async function poll(id) {
    const started = Date.now();
    while (!stopped && Date.now() - started < POLL_LIMIT_MS) {
      const result = await agentFetch(`/v1/authenticate/${encodeURIComponent(id)}`);
      if (result.status !== "pending") return result;
      await sleep(POLL_MS);
    }
    throw new Refusal(text.textFailed);
  }

  // Without a window (the browser blocked it), a link the person can follow instead.
  function dialogLink(url) {
    const link = document.createElement("a");
    link.className = "govuk-link";
    link.href = url;
    link.target = POPUP_NAME;
    link.rel = "opener";
    link.textContent = text.textPopupBlocked;
    const paragraph = document.createElement("p");
    paragraph.className = "govuk-body";
    paragraph.append(link);
    return paragraph;
  }

  async function signIn() {
    busy = true;
    button.setAttribute("aria-disabled", "true");
    clearError();
    say(text.textStarting);
    // Opened now, while the click is still "user activation", so that pop-up blockers let
    // it through; it is sent to the agent's dialog once the agent has answered.
    let popup = null;
    try {
      popup = window.open("", POPUP_NAME, POPUP_FEATURES);
    } catch {
      popup = null;
    }
    try {
      const { nonce } = await portalPost(element.dataset.challengeUrl);
      const request = await agentFetch("/v1/authenticate", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ challengeNonce: nonce, lang: pageLanguage() }),
      });
      if (popup && !popup.closed) {
        popup.location.href = request.dialogUrl;
        say(text.textWaiting);
      } else {
        showError(text.textPopupBlocked, "", dialogLink(request.dialogUrl));
      }
      const result = await poll(request.id);
      if (result.status !== "done") throw new Refusal(agentMessage(result));
      clearError();
      say(text.textChecking);
      const answer = await portalPost(element.dataset.tokenUrl, { token: result.token });
      say(text.textDone);
      window.location.assign(answer.redirect);
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
}
