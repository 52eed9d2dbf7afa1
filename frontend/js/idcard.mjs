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

import { Refusal, agentMessage, connectCardAgent, pageLanguage } from "./cardagent.mjs";

const POPUP = { name: "ow-cardagent", features: "popup,width=520,height=680" };

export function initIdCardSignIn(element) {
  const agent = connectCardAgent(element, "idcard", POPUP);
  if (!agent) return;
  const text = element.dataset;
  agent.start(signIn);

  async function signIn(popup) {
    const { nonce } = await agent.portalPost(text.challengeUrl);
    const request = await agent.agentPost("/v1/authenticate", {
      challengeNonce: nonce,
      lang: pageLanguage(),
    });
    agent.showDialog(popup, request.dialogUrl, text.textWaiting);
    const result = await agent.poll(
      `/v1/authenticate/${encodeURIComponent(request.id)}`,
      (answer) => answer.status !== "pending",
    );
    if (result.status !== "done") throw new Refusal(agentMessage(result, text.textFailed));
    agent.clearError();
    agent.say(text.textChecking);
    const answer = await agent.portalPost(text.tokenUrl, { token: result.token });
    agent.say(text.textDone);
    window.location.assign(answer.redirect);
  }
}
