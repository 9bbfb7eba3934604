// Trying CareKey as a guest, before any account.

import * as ipc from "./ipc.js";
import { captchaFirst } from "./contact.js";
import { makeKey } from "./keys.js";
import { $, busy, messageOf } from "./view.js";

export async function startGuest() {
  $("guest-error").textContent = "";
  await busy($("choose-guest"), async () => {
    try {
      await captchaFirst();
      const profile = await ipc.startGuest();
      makeKey(profile);
    } catch (failure) {
      $("guest-error").textContent = messageOf(failure);
    }
  });
}
