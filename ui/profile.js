// The person's own name, changed from home. The server checks it as at
// registration; a refused name changes nothing and says why.

import * as ipc from "./ipc.js";
import { showHome } from "./home.js";
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
      announce(`Your name is now ${profile.firstName} ${profile.lastName}.`);
      showHome(profile);
    } catch (failure) {
      $("name-form-error").textContent = messageOf(failure);
    }
  });
}
