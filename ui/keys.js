// The device key: making it, its backup password and recovery key, and
// the account's other keys.

import * as ipc from "./ipc.js";
import { refreshActivity, showHome } from "./home.js";
import { CANCELLED, withFreshProof } from "./proof.js";
import { has, name, t } from "./l10n.js";
import { $, announce, busy, messageOf, show, state, dateOf } from "./view.js";

// The steps of making a key, as the keys screen names them.
export const KEY_STEPS = {
  searchingPrimes: "key-step-primes",
  storing: "key-step-storing",
  registering: "key-step-registering",
  done: "key-step-done",
};

const seconds = (step) => (step.elapsedMs / 1000).toFixed(1);

export async function makeKey(profile) {
  show("keys");
  $("keys-error").textContent = "";
  $("keys-retry").hidden = true;
  name($("keys-step"), "keys-step");
  const progress = $("keys-progress");
  try {
    // Long after the login (a key made later from home), the server asks
    // the account's own contact to confirm before a new key is trusted.
    const key = await withFreshProof(() => ipc.createKey((step) => {
      const id = KEY_STEPS[step.stage];
      if (!id) return;
      name($("keys-step"), id, { seconds: seconds(step) });
      progress.setAttribute("aria-valuetext", $("keys-step").textContent);
    }));
    if (key === CANCELLED) {
      $("keys-error").textContent = t("key-not-registered");
      $("keys-retry").hidden = false;
      $("keys-retry").onclick = () => makeKey(profile);
      return;
    }
    announce(t("key-ready"));
    const withKey = { ...profile, keyFingerprint: key.fingerprint };
    // A guest sets a backup once they have an account to keep it with.
    if (profile.guest) showHome(withKey);
    else showBackup(withKey, true);
  } catch (failure) {
    $("keys-error").textContent = messageOf(failure);
    $("keys-retry").hidden = false;
    $("keys-retry").onclick = () => makeKey(profile);
  }
}

let backupFirst = false;
let strengthTimer = null;

// The steps of sealing or opening a backup, written into `element`.
const BACKUP_STEPS = {
  fetching: "backup-step-fetching",
  deriving: "backup-step-deriving",
  storing: "backup-step-storing",
  done: "backup-step-done",
};

export function nameBackupStep(element, step) {
  const id = BACKUP_STEPS[step.stage];
  if (id) name(element, id, { seconds: seconds(step) });
}

// zxcvbn's advice, in the page's language where the catalog has it (by
// the advice's name), else as zxcvbn words it (English).
function adviceOf(strength) {
  const said = (code, text) => (code && has(`strength-${code}`) ? t(`strength-${code}`) : text);
  const warning = said(strength.warningCode, strength.warning);
  const suggestions = (strength.suggestions || []).map((text, at) => said(strength.suggestionCodes?.[at], text));
  return [warning, ...suggestions].filter(Boolean).join(" ");
}

export function showBackup(profile, first) {
  state.backupProfile = profile;
  backupFirst = first;
  for (const id of ["backup-password", "backup-confirm"]) $(id).value = "";
  $("backup-meter").value = 0;
  name($("backup-strength"), "backup-strength");
  $("backup-error").textContent = "";
  $("backup-working").hidden = true;
  $("backup-skip-warning").hidden = true;
  name($("backup-skip"), first ? "backup-skip" : "cancel");
  name($("backup-title"), first ? "backup-title" : "backup-title-change");
  show("backup");
}

export function onBackupPasswordInput() {
  if (strengthTimer) clearTimeout(strengthTimer);
  strengthTimer = setTimeout(async () => {
    const password = $("backup-password").value;
    try {
      const strength = await ipc.passwordStrength(password);
      $("backup-meter").value = password ? strength.score + 0.5 : 0;
      if (!password) {
        name($("backup-strength"), "backup-strength");
        return;
      }
      name($("backup-strength"), "strength-said", {
        score: strength.score,
        acceptable: strength.acceptable ? "yes" : "no",
        advice: adviceOf(strength),
      });
    } catch (failure) {
      console.error(failure);
    }
  }, 150);
}

export async function submitBackup(event) {
  event.preventDefault();
  const error = $("backup-error");
  error.textContent = "";
  $("backup-working").hidden = false;
  name($("backup-step"), "keys-step");
  await busy($("backup-submit"), async () => {
    try {
      await ipc.setBackupPassword($("backup-password").value, $("backup-confirm").value, (step) => {
        nameBackupStep($("backup-step"), step);
      });
      for (const id of ["backup-password", "backup-confirm"]) $(id).value = "";
      announce(t("backup-saved"));
      if (backupFirst) {
        showRecovery(state.backupProfile);
      } else {
        showHome(state.backupProfile);
      }
    } catch (failure) {
      $("backup-working").hidden = true;
      error.textContent = messageOf(failure);
      $(failure.code === "passwords_differ" ? "backup-confirm" : "backup-password").focus();
    }
  });
}

export function skipBackup() {
  if (!backupFirst) {
    showHome(state.backupProfile);
    return;
  }
  $("backup-skip-warning").hidden = false;
  $("backup-skip-confirm").focus();
}

// Only markup made by the app's own QR encoder reaches here; it is parsed
// as SVG (which runs no script) and refused if it holds anything active.
export function showQr(container, svgText) {
  const parsed = new DOMParser().parseFromString(svgText, "image/svg+xml");
  const svg = parsed.documentElement;
  if (svg.nodeName !== "svg" || parsed.querySelector("script, foreignObject")) {
    container.replaceChildren();
    return;
  }
  container.replaceChildren(document.importNode(svg, true));
}


export async function showRecovery(profile) {
  state.recoveryProfile = profile;
  $("recovery-saved").checked = false;
  $("recovery-confirm").disabled = true;
  $("recovery-error").textContent = "";
  $("recovery-text").textContent = "";
  $("recovery-qr").replaceChildren();
  show("recovery");
  try {
    const shown = await ipc.prepareRecoveryKey();
    $("recovery-text").textContent = shown.text;
    showQr($("recovery-qr"), shown.qrSvg);
  } catch (failure) {
    $("recovery-error").textContent = messageOf(failure);
  }
}

export async function confirmRecovery() {
  $("recovery-error").textContent = "";
  await busy($("recovery-confirm"), async () => {
    try {
      await ipc.confirmRecoveryKey();
      $("recovery-text").textContent = "";
      $("recovery-qr").replaceChildren();
      announce(t("recovery-set"));
      showHome(state.recoveryProfile);
    } catch (failure) {
      $("recovery-error").textContent = messageOf(failure);
    }
  });
  $("recovery-confirm").disabled = !$("recovery-saved").checked;
}

export async function refreshAccountKeys() {
  $("account-keys-error").textContent = "";
  try {
    renderAccountKeys(await ipc.accountKeys());
  } catch (failure) {
    $("account-keys-error").textContent = messageOf(failure);
  }
}

export function renderAccountKeys(keys) {
  $("account-keys-list").replaceChildren(...keys.map((key) => {
    const item = document.createElement("li");
    item.dataset.keyId = key.keyId;
    const fingerprint = document.createElement("code");
    fingerprint.textContent = key.fingerprint;
    const facts = document.createElement("p");
    facts.className = "hint";
    name(facts, "key-facts", {
      made: dateOf(key.createdAt),
      revoked: key.revokedAt ? dateOf(key.revokedAt) : "none",
      here: key.thisDevice ? "yes" : "no",
    });
    item.append(fingerprint, facts);
    if (!key.revokedAt && !key.thisDevice) {
      const revoke = document.createElement("button");
      revoke.type = "button";
      revoke.className = "secondary";
      name(revoke, "key-revoke");
      revoke.addEventListener("click", () => revokeKey(revoke, key));
      item.append(revoke);
    }
    return item;
  }));
}

export async function revokeKey(button, key) {
  // Revoking cannot be undone: the first press asks, the second does it.
  if (button.dataset.armed !== "yes") {
    button.dataset.armed = "yes";
    name(button, "key-revoke-confirm");
    return;
  }
  $("account-keys-error").textContent = "";
  await busy(button, async () => {
    try {
      const done = await withFreshProof(() => ipc.revokeKey(key.keyId));
      if (done === CANCELLED) return;
      announce(t("key-revoked"));

      await refreshAccountKeys();
      await refreshActivity();
    } catch (failure) {
      $("account-keys-error").textContent = messageOf(failure);
    }
  });
}
