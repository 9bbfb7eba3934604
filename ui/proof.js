// The fresh proof a change of keys or phone needs: one dialog for a
// code sent to the account's own contact.

import * as ipc from "./ipc.js";
import { name, t } from "./l10n.js";
import { ENDED } from "./code.js";
import { $, messageOf } from "./view.js";

export function triesLeft(failure) {
  return messageOf(failure);
}

// Asks for a code sent to the account's own contact, in a dialog over the
// screen; resolves true once it is proven, false if the person cancels.
export function askForProof() {
  return new Promise((resolve) => {
    const dialog = $("proof");
    let checking = false;
    const finish = (proven) => {
      $("proof-form").onsubmit = null;
      $("proof-cancel").onclick = null;
      dialog.oncancel = null;
      if (dialog.open) dialog.close();
      resolve(proven);
    };
    const send = async () => {
      name($("proof-sent-to"), "proof-sent-to");
      const proof = await ipc.startProof();
      name($("proof-sent-to"), "proof-sent", { length: proof.codeLength, login: proof.login });
      $("proof-code").value = "";
      $("proof-code").focus();
    };
    $("proof-form").onsubmit = async (event) => {
      event.preventDefault();
      if (checking) return;
      checking = true;
      $("proof-submit").disabled = true;
      $("proof-error").textContent = "";
      try {
        await ipc.verifyProof($("proof-code").value);
        finish(true);
      } catch (failure) {
        if (failure.code === "invalid_code") {
          $("proof-error").textContent = triesLeft(failure);
          $("proof-code").value = "";
          $("proof-code").focus();
        } else if (ENDED.has(failure.code)) {
          $("proof-error").textContent = `${messageOf(failure)} ${t("proof-new-code")}`;

          await send().catch((again) => { $("proof-error").textContent = messageOf(again); });
        } else {
          $("proof-error").textContent = messageOf(failure);
        }
      } finally {
        checking = false;
        $("proof-submit").disabled = false;
      }
    };
    $("proof-cancel").onclick = () => finish(false);
    dialog.oncancel = (event) => {
      event.preventDefault();
      finish(false);
    };
    $("proof-error").textContent = "";
    dialog.showModal();
    send().catch((failure) => { $("proof-error").textContent = messageOf(failure); });
  });
}

// Runs `action`; if the server wants a fresh proof first (a change to how
// the account logs in or who can read its data, long after the login),
// asks for one and runs it again. Answers CANCELLED when the person
// cancels (an action may itself answer null).
export const CANCELLED = Symbol("cancelled");

export async function withFreshProof(action) {
  try {
    return await action();
  } catch (failure) {
    if (failure.code !== "fresh_proof_required") throw failure;
  }
  if (!(await askForProof())) return CANCELLED;
  return await action();
}
