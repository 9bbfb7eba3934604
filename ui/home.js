// The home screen: the account, its backups, key activity, and logging out.

import * as ipc from "./ipc.js";
import { refreshCare, refreshPatients, showCare } from "./care.js";
import { refreshInvitations, showInvitationOnHome } from "./invitations.js";
import { showWelcome } from "./contact.js";
import { refreshSessions } from "./devices.js";
import { refreshAccountKeys } from "./keys.js";
import { refreshNotes } from "./notes.js";
import { emailForm, phoneForm } from "./contacts.js";
import { agreeLanguage, loadPreferences } from "./settings.js";
import { HOME_CHECK_MS, OFFLINE_RETRY_MS, watchHomeIn } from "./start.js";
import { closeExport, closeTransfer } from "./transfer.js";
import { $, announce, busy, messageOf, show, state, dateOf } from "./view.js";


export function showHome(profile) {
  state.homeProfile = profile;
  agreeLanguage(profile);
  // Marked offline only as the start-up (or a check) found it.
  $("home-offline").hidden = !state.offline;
  watchHomeIn(state.offline ? OFFLINE_RETRY_MS : HOME_CHECK_MS);
  state.offline = false;
  $("home-title").textContent = profile.guest
    ? "Hello, guest"
    : `Hello, ${profile.firstName} ${profile.lastName}`;
  $("home-guest").hidden = !profile.guest;
  for (const id of ["home-facts", "home-backup", "log-out"]) $(id).hidden = profile.guest;
  const carried = state.carriedOver;
  state.carriedOver = null;
  $("home-carried").hidden = !carried;
  if (carried) {
    const notes = carried.notes === 1 ? "1 note" : `${carried.notes} notes`;
    $("home-carried").textContent =
      `What you did as a guest is now in your account: ${notes} and your preferences.`;
  }
  $("home-name").textContent = `${profile.firstName} ${profile.lastName}`;
  $("home-role").textContent = profile.role === "clinician" ? "Clinician" : "Patient";
  $("home-contact").textContent = profile.contact;
  $("home-id").textContent = profile.userId;
  $("home-id-label").textContent = profile.role === "clinician"
    ? "Your CareKey ID (give it to your patients)"
    : "Your CareKey ID";
  $("home-fingerprint").textContent = profile.keyFingerprint || "None";
  const clinician = profile.responsibleClinicianId;
  const patient = profile.role === "patient" && !profile.guest;
  $("home-clinician").textContent = clinician || "";
  $("home-clinician-label").hidden = !patient;
  $("home-clinician-value").hidden = !patient;
  $("clinician-open").textContent = clinician ? "Change" : "Choose a clinician";
  $("clinician-stop").hidden = !clinician;
  $("clinician-form").hidden = true;
  $("clinician-stop-error").textContent = "";
  showCare(profile.careStatus, 0);
  showInvitationOnHome();
  $("home-patients").hidden = profile.role !== "clinician";
  $("home-phone").textContent = !profile.phone
    ? "None"
    : (profile.phoneVerified ? profile.phone : `${profile.phone} (not verified yet)`);
  $("phone-open").textContent = profile.phoneVerified ? "Change" : (profile.phone ? "Verify it" : "Add a mobile number");
  $("email-open").textContent = profile.email ? "Change" : "Add an email address";
  phoneForm.close();
  emailForm.close();
  $("name-form").hidden = true;
  $("home-no-key").hidden = Boolean(profile.keyFingerprint);
  const hasKey = Boolean(profile.keyFingerprint);
  for (const id of ["home-backup-change", "home-recovery-new", "home-transfer", "home-export", "note-submit"]) {
    $(id).disabled = !hasKey;
  }
  const isClinician = profile.role === "clinician";
  $("notes-title").textContent = isClinician ? "Notes, yours and your patients'" : "Notes";
  $("note-hint").textContent = isClinician
    ? "Encrypted on this device for you alone. Your patients' notes shared with you are listed below."
    : noteHintFor(profile);
  closeTransfer();
  closeExport();
  show("home");
  refreshHome();
}

export function noteHintFor(profile) {
  if (profile.guest || !profile.responsibleClinicianId) {
    return "Encrypted on this device for you alone. The server stores it unreadable.";
  }
  if (profile.careStatus === "accepted") {
    return "Encrypted on this device for you and your clinician. The server stores it unreadable.";
  }
  return "Encrypted on this device for you alone until your clinician accepts you; then they can read it too. The server stores it unreadable.";
}

// The parts of home that need the server: backups, notes, key activity.
export async function refreshHome() {
  loadPreferences();
  const profile = state.homeProfile;
  if (profile.role === "clinician") {
    refreshPatients();
    refreshInvitations();
  }
  else if (!profile.guest && profile.keyFingerprint) refreshCare();
  try {
    const status = await ipc.backupStatus();
    const password = status.backups.find((backup) => backup.kind === "password");
    const recovery = status.backups.find((backup) => backup.kind === "recovery");
    const parts = [password
      ? `Password backup saved ${dateOf(password.updatedAt)}.`
      : "No backup password yet: if this device is lost, so is your key."];
    parts.push(recovery ? `Recovery key made ${dateOf(recovery.updatedAt)}.` : "No recovery key yet.");
    $("home-backup-status").textContent = parts.join(" ");
    $("home-backup-change").textContent = password ? "Change backup password" : "Set backup password";
  } catch (failure) {
    $("home-backup-status").textContent = messageOf(failure);
  }
  if (profile.keyFingerprint) {
    await refreshNotes();
  } else {
    $("notes-list").replaceChildren();
    $("notes-empty").textContent = "Restore your key on this device to read your notes.";
    $("notes-empty").hidden = false;
  }
  await refreshActivity();
  if (!profile.guest && $("account-keys").open) await refreshAccountKeys();
  if (!profile.guest && $("account-sessions").open) await refreshSessions();
}

export const ACTION_TEXT = {
  backup_stored: (detail) => detail === "recovery" ? "Recovery key backup saved" : "Password backup saved",
  backup_fetched: (detail) => detail === "recovery" ? "Recovery key backup downloaded" : "Password backup downloaded",
  transfer_offered: () => "Key offered to a new device",
  transfer_taken: () => "Key taken by a new device",
  key_registered: () => "New key registered",
  key_revoked: () => "Key revoked",
};

export async function refreshActivity() {
  try {
    const log = await ipc.auditLog();
    $("activity-list").replaceChildren(...log.events.map((event) => {
      const item = document.createElement("li");
      const describe = ACTION_TEXT[event.action] || (() => event.action);
      item.textContent = `${dateOf(event.at)}: ${describe(event.detail)} (from ${event.ip})`;
      return item;
    }));
  } catch (failure) {
    console.error(failure);
  }
}

export async function copyId() {
  try {
    await navigator.clipboard.writeText(state.homeProfile.userId);
    announce("Your CareKey ID was copied.");
  } catch {
    const range = document.createRange();
    range.selectNodeContents($("home-id"));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    announce("Your CareKey ID is selected: copy it with Ctrl+C.");
  }
}

export async function logOut() {
  await busy($("log-out"), async () => {
    try {
      await ipc.logOut();
      closeTransfer();
      closeExport();
      showWelcome(null);
      announce("You are logged out.");
    } catch (failure) {
      announce(messageOf(failure));
    }
  });
}
