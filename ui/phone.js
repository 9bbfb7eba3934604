// Adding a mobile number to log in with.

import * as ipc from "./ipc.js";
import { ENDED } from "./code.js";
import { showHome } from "./home.js";
import { CANCELLED, triesLeft, withFreshProof } from "./proof.js";
import { $, announce, busy, messageOf, timeOf } from "./view.js";

let phoneStep = "number";

export function openPhoneForm() {
  phoneStep = "number";
  $("phone-step-number").hidden = false;
  $("phone-step-code").hidden = true;
  $("phone-submit").textContent = "Send code";
  $("phone-form-error").textContent = "";
  $("phone-new").value = "";
  $("phone-form").hidden = false;
  $("phone-new").focus();
}

export function closePhoneForm() {
  $("phone-form").hidden = true;
}

export async function submitPhone(event) {
  event.preventDefault();
  const error = $("phone-form-error");
  error.textContent = "";
  await busy($("phone-submit"), async () => {
    try {
      if (phoneStep === "number") {
        // A login that is no longer recent confirms it is the account's
        // owner (a code to its own contact) before the number changes.
        const sent = await withFreshProof(() => ipc.addPhone($("phone-new").value, $("phone-country").value || null));
        if (sent === CANCELLED) return;
        phoneStep = "code";
        $("phone-step-number").hidden = true;
        $("phone-step-code").hidden = false;
        $("phone-sent-to").textContent = `We sent a ${sent.codeLength}-digit code to ${sent.login}. It works until ${timeOf(sent.expiresAt)}.`;
        $("phone-submit").textContent = "Verify";
        $("phone-code").value = "";
        $("phone-code").focus();
      } else {
        const profile = await ipc.verifyPhone($("phone-code").value);
        showHome(profile);
        announce("Your mobile number is verified: you can now log in by SMS.");
      }
    } catch (failure) {
      if (failure.code === "invalid_code") {
        error.textContent = triesLeft(failure);
        $("phone-code").value = "";
        $("phone-code").focus();
      } else if (ENDED.has(failure.code)) {
        error.textContent = `${messageOf(failure)} Send a new code.`;
        openPhoneForm();
        $("phone-form-error").textContent = error.textContent;
      } else {
        error.textContent = messageOf(failure);
        if (failure.code === "invalid_phone") $("phone-new").focus();
      }
    }
  });
}
