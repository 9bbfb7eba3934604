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
import { name, plain, t } from "./l10n.js";
import { $, announce, busy, messageOf, show, state, dateOf } from "./view.js";


export function showHome(profile) {
  state.homeProfile = profile;
  agreeLanguage(profile);
  // Marked offline only as the start-up (or a check) found it.
  $("home-offline").hidden = !state.offline;
  watchHomeIn(state.offline ? OFFLINE_RETRY_MS : HOME_CHECK_MS);
  state.offline = false;
  if (profile.guest) name($("home-title"), "home-title-guest");
  else name($("home-title"), "home-title-named", { person: `${profile.firstName} ${profile.lastName}` });
  $("home-guest").hidden = !profile.guest;
  for (const id of ["home-facts", "home-backup", "log-out"]) $(id).hidden = profile.guest;
  const carried = state.carriedOver;
  state.carriedOver = null;
  $("home-carried").hidden = !carried;
  if (carried) {
    name($("home-carried"), "home-carried", { count: carried.notes });
  }
  $("home-name").textContent = `${profile.firstName} ${profile.lastName}`;
  name($("home-role"), profile.role === "clinician" ? "role-is-clinician" : "role-is-patient");
  $("home-contact").textContent = profile.contact;
  $("home-id").textContent = profile.userId;
  name($("home-id-label"), profile.role === "clinician" ? "home-id-label-clinician" : "home-id-label");
  if (profile.keyFingerprint) {
    plain($("home-fingerprint"), profile.keyFingerprint);
  } else {
    name($("home-fingerprint"), "none");
  }
  const clinician = profile.responsibleClinicianId;
  const patient = profile.role === "patient" && !profile.guest;
  $("home-clinician").textContent = clinician || "";
  $("home-clinician-label").hidden = !patient;
  $("home-clinician-value").hidden = !patient;
  name($("clinician-open"), clinician ? "change" : "clinician-choose");
  $("clinician-stop").hidden = !clinician;
  $("clinician-form").hidden = true;
  $("clinician-stop-error").textContent = "";
  showCare(profile.careStatus, 0);
  showInvitationOnHome();
  $("home-patients").hidden = profile.role !== "clinician";
  if (!profile.phone) {
    name($("home-phone"), "none");
  } else if (profile.phoneVerified) {
    plain($("home-phone"), profile.phone);
  } else {
    name($("home-phone"), "phone-not-verified", { phone: profile.phone });
  }
  name($("phone-open"), profile.phoneVerified ? "change" : (profile.phone ? "phone-verify" : "phone-open"));
  name($("email-open"), profile.email ? "change" : "email-add");
  phoneForm.close();
  emailForm.close();
  $("name-form").hidden = true;
  $("home-no-key").hidden = Boolean(profile.keyFingerprint);
  const hasKey = Boolean(profile.keyFingerprint);
  for (const id of ["home-backup-change", "home-recovery-new", "home-transfer", "home-export", "note-submit"]) {
    $(id).disabled = !hasKey;
  }
  const isClinician = profile.role === "clinician";
  name($("notes-title"), isClinician ? "notes-title-clinician" : "notes-title");
  name($("note-hint"), isClinician ? "note-hint-clinician" : noteHintFor(profile));
  closeTransfer();
  closeExport();
  show("home");
  refreshHome();
}

// The message that says who can read a new note.
export function noteHintFor(profile) {
  if (profile.guest || !profile.responsibleClinicianId) return "note-hint-alone";
  if (profile.careStatus === "accepted") return "note-hint";
  return "note-hint-until-accepted";
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
    name($("home-backup-status"), "backup-status", {
      password: password ? dateOf(password.updatedAt) : "none",
      recovery: recovery ? dateOf(recovery.updatedAt) : "none",
    });
    name($("home-backup-change"), password ? "home-backup-change-again" : "home-backup-change");
  } catch (failure) {
    plain($("home-backup-status"), messageOf(failure));
  }
  if (profile.keyFingerprint) {
    await refreshNotes();
  } else {
    $("notes-list").replaceChildren();
    name($("notes-empty"), "notes-need-key");
    $("notes-empty").hidden = false;
  }
  await refreshActivity();
  if (!profile.guest && $("account-keys").open) await refreshAccountKeys();
  if (!profile.guest && $("account-sessions").open) await refreshSessions();
}

export async function refreshActivity() {
  try {
    const log = await ipc.auditLog();
    $("activity-list").replaceChildren(...log.events.map((event) => {
      const item = document.createElement("li");
      // A backup's events say which backup; an action this app does not
      // know shows as the server names it.
      const backup = event.action.startsWith("backup_");
      const action = backup ? `${event.action}-${event.detail === "recovery" ? "recovery" : "password"}` : event.action;
      name(item, "activity-item", { at: dateOf(event.at), action, raw: event.action, ip: event.ip });
      return item;
    }));
  } catch (failure) {
    console.error(failure);
  }
}

export async function copyId() {
  try {
    await navigator.clipboard.writeText(state.homeProfile.userId);
    announce(t("id-copied"));
  } catch {
    const range = document.createRange();
    range.selectNodeContents($("home-id"));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    announce(t("id-selected"));
  }
}

export async function logOut() {
  await busy($("log-out"), async () => {
    try {
      await ipc.logOut();
      closeTransfer();
      closeExport();
      showWelcome(null);
      announce(t("logged-out"));
    } catch (failure) {
      announce(messageOf(failure));
    }
  });
}
