// Signing an application with the ID card (or a company's seal) through the card agent
// (docs/signing.md, "The card agent's signing API"; templates/signing/sign.html).
//
// On click: the agent opens its dialog, where the person chooses the card → the agent
// gives the signing certificate → the portal renders and prepares the PDF (`prepare`,
// the digest and a short fingerprint) → the agent shows what is signed and asks for the
// signing PIN (this page never sees it) → the signature goes to the portal (`finish`),
// which keeps the signed PDF → the page shows it. Every message is the page's (its
// language) or the agent's (both languages).

import { Refusal, agentMessage, connectCardAgent, pageLanguage } from "./cardagent.mjs";

const POPUP = { name: "ow-cardagent-sign", features: "popup,width=520,height=720" };

export function initSigning(element) {
  const agent = connectCardAgent(element, "signing", POPUP);
  if (!agent) return;
  const text = element.dataset;
  const needsJs = element.querySelector("[data-signing-needs-js]");
  if (needsJs) needsJs.hidden = true;
  agent.start(sign);

  // The document's fingerprint, shown in the page itself (not only said in the live
  // region) so that the person can compare it with the one the agent's dialog shows
  // before entering the PIN. Hidden again when an attempt fails: a new attempt prepares
  // a new document, with a new fingerprint.
  const fingerprint = element.querySelector("[data-signing-fingerprint]");
  const fingerprintValue = element.querySelector("[data-signing-fingerprint-value]");
  function showFingerprint(value) {
    if (!fingerprint || !fingerprintValue) return;
    fingerprintValue.textContent = value || "";
    fingerprint.hidden = !value;
  }

  // The preview link follows the files chosen: the PDF shown is the PDF signed.
  const preview = document.querySelector("[data-sign-preview]");
  function chosen() {
    return Array.from(element.querySelectorAll("[data-sign-attachment]"))
      .filter((box) => box.checked)
      .map((box) => box.value);
  }
  function updatePreview() {
    if (!preview) return;
    const url = new URL(text.previewUrl, window.location.href);
    for (const id of chosen()) url.searchParams.append("attachment", id);
    preview.href = url.pathname + url.search;
  }
  for (const box of element.querySelectorAll("[data-sign-attachment]")) {
    box.addEventListener("change", updatePreview);
  }
  updatePreview();

  // The agent's error as the page's own sentence (else the agent's, else a general one).
  function agentError(result) {
    const key = `agentError${(result.error || "")
      .split("-")
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join("")}`;
    if (text[key]) return text[key];
    return agentMessage(result, text.textFailed);
  }

  // Until the agent's request reaches the state `until` (an error ends it at once).
  function poll(id, until) {
    return agent.poll(`/v1/sign/${encodeURIComponent(id)}`, (result) => {
      if (result.state === "error") throw new Refusal(agentError(result));
      return result.state === until;
    });
  }

  function startRequest() {
    const request = {
      lang: pageLanguage(),
      kind: text.kind === "seal" ? "seal" : "person",
      document: { title: (text.title || "").slice(0, 200), pages: Number(text.pages) || 1 },
    };
    if (request.kind === "seal" && text.companyCode) request.company_code = text.companyCode;
    if (request.kind === "person" && text.personalNumber) {
      request.personal_number = text.personalNumber;
    }
    return agent.agentPost("/v1/sign", request);
  }

  async function sign(popup) {
    showFingerprint("");
    try {
      await signSteps(popup);
    } catch (error) {
      showFingerprint("");
      throw error;
    }
  }

  async function signSteps(popup) {
    const request = await startRequest();
    agent.showDialog(popup, request.dialog, text.textChoose);
    const id = request.id;
    const card = await poll(id, "certificate");
    agent.say(text.textPreparing);
    const prepared = await agent.portalPost(text.prepareUrl, {
      certificate: card.certificate,
      attachments: chosen(),
    });
    await agent.agentPost(`/v1/sign/${encodeURIComponent(id)}/digest`, {
      hash: prepared.hash,
      hashFunction: prepared.hashFunction,
      fingerprint: prepared.fingerprint,
    });
    showFingerprint(prepared.fingerprint);
    agent.say(text.textPin);
    const signed = await poll(id, "signed");
    agent.say(text.textFinishing);
    const answer = await agent.portalPost(prepared.finishUrl, { signature: signed.signature });
    agent.say(text.textDone);
    window.location.assign(answer.redirect);
  }
}
