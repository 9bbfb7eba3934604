// The code screen: typing the code, resending it, or waiting while the
// login is approved from another device.

import * as ipc from "./ipc.js";
import { captchaFirst, showContact } from "./contact.js";
import { triesLeft } from "./proof.js";
import { clearLinkNotice, enter } from "./start.js";
import { name, t } from "./l10n.js";
import { $, announce, busy, messageOf, secondsUntil, show, state, stopTicker, timeOf } from "./view.js";

let awaitingApproval = false;

// While the code screen shows, the login may be approved from another
// device (the message opened there): then it simply goes on.
export async function awaitApproval() {
  if (awaitingApproval) return;
  awaitingApproval = true;
  const status = $("code-waiting");
  status.classList.add("alive");
  status.textContent = "";
  try {
    const done = await ipc.waitForApproval((progress) => {
      if (!$("screen-code").hidden) {
        showWaitProgress(status, progress, t("code-waiting"));
      }
    });
    if (!$("screen-code").hidden) {
      clearLinkNotice();
      announce(t("approved-elsewhere"));
      enter(done);
    }
  } catch (failure) {
    // The login ended another way (a code, a link, going back) or ran out;
    // the code screen says so itself (its countdown, its errors).
    if (failure.code !== "no_pending_login") console.error(failure);
  } finally {
    awaitingApproval = false;
    status.classList.remove("alive", "offline");
    status.textContent = "";
  }
}

// Shows how a long wait goes: alive while the server holds it, and a
// plain sentence while the server cannot be reached (the wait goes on by
// itself; nothing the person did is lost).
export function showWaitProgress(element, progress, waitingText) {
  if (progress.state === "reconnecting") {
    element.classList.add("offline");
    element.textContent = t("server-unreachable-retrying", { seconds: progress.retryInSeconds });
  } else {
    element.classList.remove("offline");
    element.textContent = waitingText;
  }
}

export function showCode(first) {
  awaitApproval();
  const sent = state.sent;
  $("code-sent-to").textContent =
    t("code-sent-to", { length: sent.codeLength, login: sent.login, until: timeOf(sent.expiresAt) });
  $("code-match").hidden = sent.matchNumber == null;
  $("code-match-number").textContent = sent.matchNumber ?? "";
  $("code").value = "";
  name($("code"), "code-input", { length: sent.codeLength });
  $("code-error").textContent = "";
  $("code-submit").disabled = false;
  $("code").disabled = false;
  if (first) show("code");
  $("code").focus();
  startTicker();
}

export function startTicker() {
  stopTicker();
  tick();
  state.ticker = setInterval(tick, 1000);
}

// Once a second: the resend countdown and the code's expiry.
export function tick() {
  const sent = state.sent;
  if (!sent) return;
  const resend = $("resend");
  const wait = secondsUntil(sent.resendAfter);
  if (wait > 0) {
    resend.disabled = true;
    name(resend, "resend-in", { seconds: wait });
  } else if (resend.disabled && !state.busy) {
    resend.disabled = false;
    name(resend, "resend");
  }
  const left = secondsUntil(sent.expiresAt);
  if (left <= 0) {
    expired(t("code-expired"));
  } else if (left <= 60) {
    $("code-expiry").textContent = t("code-expires-in", { seconds: left });
  } else {
    $("code-expiry").textContent = "";
  }
}

// The login cannot go on: say why and offer to start again.
export function expired(sentence) {
  stopTicker();
  $("code-error").textContent = sentence;
  $("code-expiry").textContent = "";
  $("code").disabled = true;
  $("code-submit").disabled = true;
  $("resend").disabled = true;
  name($("resend"), "resend");
  name($("code-restart"), "code-start-again");
  $("code-restart").focus();
}

export const ENDED = new Set(["code_expired", "too_many_attempts", "code_used", "unknown_request",
  "verifier_mismatch", "no_pending_login"]);

export function onCodeInput() {
  const digits = $("code").value.replace(/\D/g, "");
  if (state.sent && digits.length === state.sent.codeLength && !state.busy) {
    $("code-form").requestSubmit();
  }
}

export async function submitCode(event) {
  event.preventDefault();
  const input = $("code");
  const error = $("code-error");
  const digits = input.value.replace(/\D/g, "");
  if (digits.length !== state.sent.codeLength) {
    error.textContent = t("code-type-digits", { length: state.sent.codeLength });
    input.focus();
    return;
  }
  error.textContent = "";
  await busy($("code-submit"), async () => {
    try {
      const done = await ipc.completeLogin(digits);
      clearLinkNotice();
      enter(done);
    } catch (failure) {
      if (failure.code === "invalid_code") {
        error.textContent = triesLeft(failure);
        input.value = "";
        input.focus();
      } else if (ENDED.has(failure.code)) {
        expired(messageOf(failure));
      } else {
        error.textContent = messageOf(failure);
      }
    }
  });
  // busy() re-enabled the button; an ended login keeps it off.
  if (input.disabled) $("code-submit").disabled = true;
}

export async function resend() {
  const error = $("code-error");
  error.textContent = "";
  await busy($("resend"), async () => {
    try {
      await captchaFirst();
      state.sent = await ipc.resendCode();
      showCode(false);
      announce(t("code-resent", { login: state.sent.login }));
    } catch (failure) {
      if (ENDED.has(failure.code)) {
        expired(messageOf(failure));
      } else {
        error.textContent = messageOf(failure);
      }
    }
  });
  tick();
}

export async function restart() {
  stopTicker();
  state.sent = null;
  name($("code-restart"), "code-restart");
  try {
    await ipc.abandonLogin();
  } catch (error) {
    console.error(error);
  }
  showContact(state.mode);
}
