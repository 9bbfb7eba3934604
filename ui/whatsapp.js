// Logging in with WhatsApp: the prepared message and the wait for it.

import * as ipc from "./ipc.js";
import { name, t } from "./l10n.js";
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
    name($("whatsapp-send-to"), "whatsapp-send-to", { number: message.botNumber });
    $("whatsapp-text").textContent = message.text;
    $("whatsapp-link").textContent = message.waLink;
    name($("whatsapp-expiry"), "whatsapp-expiry", { until: timeOf(message.expiresAt) });
    state.whatsappExpiresAt = message.expiresAt;
    $("whatsapp-status").textContent = t("whatsapp-status");
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
      showWaitProgress(status, progress, t("whatsapp-status"));
      // The server out of reach past the message's life: it cannot work
      // any more, whatever the server says when it is back.
      if (progress.state === "reconnecting" && secondsUntil(state.whatsappExpiresAt) <= 0) {
        status.textContent = "";
        $("whatsapp-error").textContent = t("whatsapp-too-late");
        ipc.abandonLogin().catch((error) => console.error(error));
      }
    });
  } catch (failure) {
    if (failure.code === "no_pending_login" || $("screen-whatsapp").hidden) return;
    $("whatsapp-status").textContent = "";
    $("whatsapp-error").textContent = failure.code === "unknown_request"
      ? t("whatsapp-too-late")
      : messageOf(failure);
    return;
  } finally {
    status.classList.remove("alive", "offline");
  }
  if ($("screen-whatsapp").hidden) return;
  // Anyone can send this device's message from their own WhatsApp: the
  // person confirms the number is theirs before anything can log in.
  $("whatsapp-status").textContent = "";
  name($("whatsapp-sender-text"), "whatsapp-sender", { number: state.sent.login });
  $("whatsapp-sender").hidden = false;
  announce(t("whatsapp-sender-announce", { number: state.sent.login }));
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
    $("code-sent-to").textContent = t("whatsapp-replied", {
      number: state.sent.login,
      length: state.sent.codeLength,
      until: timeOf(state.sent.expiresAt),
    });
  });
}

export async function denyWhatsappSender() {
  $("whatsapp-sender").hidden = true;
  await leaveWhatsapp();
  $("contact-error").textContent = t("whatsapp-not-yours");
}

export async function leaveWhatsapp() {
  try {
    await ipc.abandonLogin();
  } catch (error) {
    console.error(error);
  }
  showContact(state.mode);
}
