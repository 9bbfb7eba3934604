// Logging in with WhatsApp: the prepared message and the wait for it.

import * as ipc from "./ipc.js";
import { showCode, showWaitProgress } from "./code.js";
import { accountInput, captchaFirst, showContact, showContactError } from "./contact.js";
import { showQr } from "./keys.js";
import { $, announce, busy, messageOf, secondsUntil, show, state, timeOf } from "./view.js";

// The person sends the prepared message from their phone; the server's bot
// answers there with the link, and this device learns its login.
export async function startWhatsapp() {
  $("contact-error").textContent = "";
  await busy($("contact-whatsapp"), async () => {
    let message;
    try {
      await captchaFirst();
      message = await ipc.startWhatsapp(accountInput());
    } catch (failure) {
      showContactError(failure);
      return;
    }
    showQr($("whatsapp-qr"), message.qrSvg);
    $("whatsapp-number").textContent = message.botNumber;
    $("whatsapp-text").textContent = message.text;
    $("whatsapp-link").textContent = message.waLink;
    $("whatsapp-expiry").textContent = `The message works until ${timeOf(message.expiresAt)}.`;
    state.whatsappExpiresAt = message.expiresAt;
    $("whatsapp-status").textContent = "Waiting for your message…";
    $("whatsapp-sender").hidden = true;
    $("whatsapp-error").textContent = "";
    show("whatsapp");
    awaitWhatsapp();
  });
}

export async function awaitWhatsapp() {
  const status = $("whatsapp-status");
  status.classList.add("waiting", "alive");
  try {
    state.sent = await ipc.waitForWhatsapp((progress) => {
      if ($("screen-whatsapp").hidden) return;
      showWaitProgress(status, progress, "Waiting for your message…");
      // The server out of reach past the message's life: it cannot work
      // any more, whatever the server says when it is back.
      if (progress.state === "reconnecting" && secondsUntil(state.whatsappExpiresAt) <= 0) {
        status.textContent = "";
        $("whatsapp-error").textContent = "The message was not sent in time. Go back and start again.";
        ipc.abandonLogin().catch((error) => console.error(error));
      }
    });
  } catch (failure) {
    if (failure.code === "no_pending_login" || $("screen-whatsapp").hidden) return;
    $("whatsapp-status").textContent = "";
    $("whatsapp-error").textContent = failure.code === "unknown_request"
      ? "The message was not sent in time. Go back and start again."
      : messageOf(failure);
    return;
  } finally {
    status.classList.remove("alive", "offline");
  }
  if ($("screen-whatsapp").hidden) return;
  // Anyone can send this device's message from their own WhatsApp: the
  // person confirms the number is theirs before anything can log in.
  $("whatsapp-status").textContent = "";
  $("whatsapp-sender-text").textContent =
    `Your message arrived from the WhatsApp number ${state.sent.login}. Is that your number?`;
  $("whatsapp-sender").hidden = false;
  announce(`Message received from ${state.sent.login}. Confirm it is your number.`);
  $("whatsapp-sender-yes").focus();
}

export async function confirmWhatsappSender() {
  await busy($("whatsapp-sender-yes"), async () => {
    try {
      await ipc.confirmWhatsapp();
    } catch (failure) {
      $("whatsapp-error").textContent = messageOf(failure);
      return;
    }
    $("whatsapp-sender").hidden = true;
    showCode(true);
    $("code-sent-to").textContent =
      `We replied on WhatsApp (${state.sent.login}). Tap the link there, or type the ${state.sent.codeLength}-digit code here. It works until ${timeOf(state.sent.expiresAt)}.`;
  });
}

export async function denyWhatsappSender() {
  $("whatsapp-sender").hidden = true;
  await leaveWhatsapp();
  $("contact-error").textContent =
    "The message came from a number that is not yours, so nothing was logged in. Start again, and send the message from your own WhatsApp.";
}

export async function leaveWhatsapp() {
  try {
    await ipc.abandonLogin();
  } catch (error) {
    console.error(error);
  }
  showContact(state.mode);
}
