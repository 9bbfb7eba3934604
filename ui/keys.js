// The device key: making it, its backup password and recovery key, and
// the account's other keys.

import * as ipc from "./ipc.js";
import { refreshActivity, showHome } from "./home.js";
import { CANCELLED, withFreshProof } from "./proof.js";
import { $, announce, busy, messageOf, show, state, dateOf } from "./view.js";

export const STEP_TEXT = {
  searchingPrimes: (step) =>
    `Looking for two large primes (${(step.elapsedMs / 1000).toFixed(1)} s)…`,
  storing: () => "Saving the private key in this computer's keychain…",
  registering: () => "Sending your public key to the server…",
  done: () => "Your key is ready.",
};

export async function makeKey(profile) {
  show("keys");
  $("keys-error").textContent = "";
  $("keys-retry").hidden = true;
  $("keys-step").textContent = "Starting…";
  const progress = $("keys-progress");
  try {
    // Long after the login (a key made later from home), the server asks
    // the account's own contact to confirm before a new key is trusted.
    const key = await withFreshProof(() => ipc.createKey((step) => {
      const text = (STEP_TEXT[step.stage] || (() => ""))(step);
      $("keys-step").textContent = text;
      progress.setAttribute("aria-valuetext", text);
    }));
    if (key === CANCELLED) {
      $("keys-error").textContent = "Your key is not registered yet: confirm it's you to finish.";
      $("keys-retry").hidden = false;
      $("keys-retry").onclick = () => makeKey(profile);
      return;
    }
    announce("Your encryption key is ready.");
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

export const STRENGTH_WORDS = ["Very weak", "Weak", "Fair", "Almost strong enough", "Very strong"];

export function backupStepText(step) {
  switch (step.stage) {
    case "fetching": return "Fetching your backup…";
    case "deriving": return `Working through your password (it is made slow on purpose): ${(step.elapsedMs / 1000).toFixed(1)} s`;
    case "storing": return "Saving…";
    case "done": return "Done.";
    default: return "";
  }
}

export function showBackup(profile, first) {
  state.backupProfile = profile;
  backupFirst = first;
  for (const id of ["backup-password", "backup-confirm"]) $(id).value = "";
  $("backup-meter").value = 0;
  $("backup-strength").textContent = "Use four or more unrelated words, or a long phrase only you would think of.";
  $("backup-error").textContent = "";
  $("backup-working").hidden = true;
  $("backup-skip-warning").hidden = true;
  $("backup-skip").textContent = first ? "Skip for now" : "Cancel";
  $("backup-title").textContent = first
    ? "Protect your key with a backup password"
    : "Change your backup password";
  show("backup");
}

export function onBackupPasswordInput() {
  if (strengthTimer) clearTimeout(strengthTimer);
  strengthTimer = setTimeout(async () => {
    const password = $("backup-password").value;
    try {
      const strength = await ipc.passwordStrength(password);
      $("backup-meter").value = password ? strength.score + 0.5 : 0;
      const advice = [strength.warning, ...(strength.suggestions || [])].filter(Boolean).join(" ");
      $("backup-strength").textContent = !password
        ? "Use four or more unrelated words, or a long phrase only you would think of."
        : `${STRENGTH_WORDS[strength.score]}${strength.acceptable ? "" : ": too easy to guess."} ${advice}`.trim();
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
  $("backup-step").textContent = "Starting…";
  await busy($("backup-submit"), async () => {
    try {
      await ipc.setBackupPassword($("backup-password").value, $("backup-confirm").value, (step) => {
        $("backup-step").textContent = backupStepText(step);
      });
      for (const id of ["backup-password", "backup-confirm"]) $(id).value = "";
      announce("Your backup is saved.");
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
      announce("Your recovery key is set.");
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
    const made = `Made ${dateOf(key.createdAt)}`;
    facts.textContent = key.revokedAt
      ? `${made} · revoked ${dateOf(key.revokedAt)}`
      : key.thisDevice ? `${made} · this device` : made;
    item.append(fingerprint, facts);
    if (!key.revokedAt && !key.thisDevice) {
      const revoke = document.createElement("button");
      revoke.type = "button";
      revoke.className = "secondary";
      revoke.textContent = "Revoke";
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
    button.textContent = "Revoke this key for good";
    return;
  }
  $("account-keys-error").textContent = "";
  await busy(button, async () => {
    try {
      const done = await withFreshProof(() => ipc.revokeKey(key.keyId));
      if (done === CANCELLED) return;
      announce("The key is revoked: nothing new is encrypted for it.");
      await refreshAccountKeys();
      await refreshActivity();
    } catch (failure) {
      $("account-keys-error").textContent = messageOf(failure);
    }
  });
}
