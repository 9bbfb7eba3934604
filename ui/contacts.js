// Changing how the account logs in: a mobile number or an email address,
// proven with a code sent to it. Both forms have the same two steps (the
// address, then its code) and the same errors, so one definition serves
// both; each form's elements are named after it (phone-new, email-new...).

import * as ipc from "./ipc.js";
import { ENDED } from "./code.js";
import { fillCountries } from "./contact.js";
import { showHome } from "./home.js";
import { CANCELLED, triesLeft, withFreshProof } from "./proof.js";
import { name, t } from "./l10n.js";
import { $, announce, busy, messageOf, timeOf } from "./view.js";

function contactForm(form, { send, verify, done, invalid }) {
  let step = "address";
  const el = (part) => $(`${form}-${part}`);

  async function open() {
    if (form === "phone") await fillCountries().catch((error) => console.error(error));
    step = "address";
    el("step-address").hidden = false;
    el("step-code").hidden = true;
    name(el("submit"), "contact-submit");
    el("form-error").textContent = "";
    el("new").value = "";
    el("form").hidden = false;
    el("new").focus();
  }

  function close() {
    el("form").hidden = true;
  }

  async function submit(event) {
    event.preventDefault();
    const error = el("form-error");
    error.textContent = "";
    await busy(el("submit"), async () => {
      try {
        if (step === "address") {
          // A login that is no longer recent confirms it is the account's
          // owner (a code to its own contact) before the login changes.
          const sent = await withFreshProof(send);
          if (sent === CANCELLED) return;
          step = "code";
          el("step-address").hidden = true;
          el("step-code").hidden = false;
          name(el("sent-to"), "code-sent-to", {
            length: sent.codeLength,
            login: sent.login,
            until: timeOf(sent.expiresAt),
          });
          name(el("submit"), "verify");
          el("code").value = "";
          el("code").focus();
        } else {
          const profile = await verify(el("code").value);
          showHome(profile);
          announce(t(done));
        }
      } catch (failure) {
        if (failure.code === "invalid_code") {
          error.textContent = triesLeft(failure);
          el("code").value = "";
          el("code").focus();
        } else if (ENDED.has(failure.code)) {
          const ended = `${messageOf(failure)} ${t("send-new-code")}`;
          open();
          el("form-error").textContent = ended;
        } else {
          error.textContent = messageOf(failure);
          if (failure.code === invalid) el("new").focus();
        }
      }
    });
  }

  return { open, close, submit };
}

export const phoneForm = contactForm("phone", {
  send: () => ipc.addPhone($("phone-new").value, $("phone-country").value || null),
  verify: ipc.verifyPhone,
  done: "phone-verified",
  invalid: "invalid_phone",
});

export const emailForm = contactForm("email", {
  send: () => ipc.changeEmail($("email-new").value),
  verify: ipc.verifyEmail,
  done: "email-changed",
  invalid: "invalid_email",
});
