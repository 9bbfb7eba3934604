// The person's own account: the name, changed from home (the server checks
// it as at registration; a refused name changes nothing and says why), and
// downloading everything in it, and deleting it, which takes two presses
// and, after a while logged in, a code to the account's own contact.

import * as ipc from "./ipc.js";
import { name, t } from "./l10n.js";
import { showWelcome } from "./contact.js";
import { showHome } from "./home.js";
import { CANCELLED, withFreshProof } from "./proof.js";
import { $, announce, busy, messageOf, state } from "./view.js";

export function openNameForm() {
  const profile = state.homeProfile || {};
  $("name-first").value = profile.firstName || "";
  $("name-last").value = profile.lastName || "";
  $("name-form-error").textContent = "";
  $("name-form").hidden = false;
  $("name-first").focus();
}

export function closeNameForm() {
  $("name-form").hidden = true;
}

export async function submitName(event) {
  event.preventDefault();
  $("name-form-error").textContent = "";
  await busy($("name-submit"), async () => {
    try {
      const profile = await ipc.renameProfile($("name-first").value, $("name-last").value);
      closeNameForm();
      announce(t("name-changed", { person: `${profile.firstName} ${profile.lastName}` }));
      showHome(profile);
    } catch (failure) {
      $("name-form-error").textContent = messageOf(failure);
    }
  });
}

export async function deleteAccount(button) {
  // The first press asks, the second does it.
  if (button.dataset.armed !== "yes") {
    button.dataset.armed = "yes";
    name(button, "account-delete-confirm");
    return;
  }
  $("account-delete-error").textContent = "";
  await busy(button, async () => {
    try {
      if (await withFreshProof(ipc.deleteAccount) === CANCELLED) return;
      showWelcome(t("account-deleted"));
    } catch (failure) {
      $("account-delete-error").textContent = messageOf(failure);
    }
  });
  button.dataset.armed = "";
  name(button, "account-delete-button");
}

export async function exportAccount(button) {
  $("account-export-error").textContent = "";
  $("account-export-done").textContent = "";
  await busy(button, async () => {
    try {
      const saved = await ipc.exportAccount();
      if (!saved) {
        $("account-export-done").textContent = t("export-nothing-saved");
        return;
      }
      $("account-export-done").textContent = t("export-saved", {
        count: saved.notes,
        html: saved.html,
        json: saved.json,
        opened: saved.notesOpenedHere ? "yes" : "no",
      });
      announce(t("export-saved-announce"));
    } catch (failure) {
      $("account-export-error").textContent = messageOf(failure);
    }
  });
}
