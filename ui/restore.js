// Restoring the key on a new device (backup password, recovery key, a
// transfer or an exported file).

import * as ipc from "./ipc.js";
import { name, nameOrClear, t } from "./l10n.js";
import { showHome } from "./home.js";
import { makeKey, nameBackupStep } from "./keys.js";
import { $, announce, busy, messageOf, show, state } from "./view.js";


export function restoreHow() {
  return document.querySelector('input[name="restore-how"]:checked').value;
}

export function updateRestoreFields() {
  const how = restoreHow();
  for (const part of document.querySelectorAll("#restore-form [data-how]")) {
    part.hidden = !part.dataset.how.split(" ").includes(how);
  }
  name($("restore-submit"), how === "new" ? "restore-make-new" : "restore-submit");
  $("restore-error").textContent = "";
}

// How many tries the server still allows the password backup's password
// (a format 2 backup's; none is said for an older one or none at all).
function showTries(tries) {
  const known = Number.isInteger(tries);
  nameOrClear($("restore-tries"), known ? "restore-tries" : null, { tries });
}

export function showRestore(profile) {
  state.restoreProfile = profile;
  for (const id of ["restore-password", "restore-recovery", "restore-transfer", "restore-file"]) $(id).value = "";
  $("restore-new-understood").checked = false;
  $("restore-working").hidden = true;
  showTries(null);
  updateRestoreFields();
  show("restore");
  ipc.backupStatus()
    .then((status) => showTries(status.backups.find((backup) => backup.kind === "password")?.triesLeft))
    .catch(() => showTries(null));
}

export function readFileBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(new ipc.AppError("storage_failed", t("file-unreadable")));
    reader.readAsDataURL(file);
  });
}

export async function submitRestore(event) {
  event.preventDefault();
  const how = restoreHow();
  const error = $("restore-error");
  error.textContent = "";
  if (how === "new") {
    if (!$("restore-new-understood").checked) {
      error.textContent = t("restore-new-tick");
      $("restore-new-understood").focus();
      return;
    }
    makeKey(state.restoreProfile);
    return;
  }
  const onStep = (step) => nameBackupStep($("restore-step"), step);
  await busy($("restore-submit"), async () => {
    try {
      $("restore-working").hidden = false;
      name($("restore-step"), "keys-step");
      let key;
      if (how === "password") {
        key = await ipc.restoreWithPassword($("restore-password").value, onStep);
      } else if (how === "recovery") {
        key = await ipc.restoreWithRecoveryKey($("restore-recovery").value);
      } else if (how === "transfer") {
        key = await ipc.takeTransfer($("restore-transfer").value);
      } else {
        const file = $("restore-file").files[0];
        if (!file) throw new ipc.AppError("file_needed", t("restore-choose-file"));
        key = await ipc.restoreFromFile(await readFileBase64(file), $("restore-password").value, onStep);
      }
      for (const id of ["restore-password", "restore-recovery", "restore-transfer"]) $(id).value = "";
      announce(t("restore-done"));

      showHome({ ...state.restoreProfile, keyFingerprint: key.fingerprint });
    } catch (failure) {
      $("restore-working").hidden = true;
      error.textContent = messageOf(failure);
      // These errors say the tries left themselves: the hint would say
      // them a second time (and a screen reader read both).
      if (failure.code === "wrong_backup_password" || failure.code === "backup_locked") showTries(null);
    }
  });
}
