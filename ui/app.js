// CareKey's screens. One ES module per screen or domain; ipc.js is the
// only one that talks to the app (Tauri). Every module shows only text
// (textContent, never HTML built from data). This one wires the page's
// controls to the screens and starts.

import { closeClinicianForm, openClinicianForm, stopSharing, submitClinician } from "./care.js";
import { onCodeInput, resend, restart, submitCode } from "./code.js";
import { showContact, showWelcome, submitContact, updateContactFields } from "./contact.js";
import { startGuest } from "./guest.js";
import { copyId, logOut, showHome } from "./home.js";
import { acceptInvitation, closeInvitation, copyInvitation, dismissInvitation, dropInvitation, makeInvitation, revokeInvitation } from "./invitations.js";
import { setInboxOpen } from "./inbox.js";
import { endOtherSessions, refreshSessions } from "./devices.js";
import { confirmRecovery, onBackupPasswordInput, refreshAccountKeys, showBackup, showRecovery, skipBackup, submitBackup } from "./keys.js";
import { submitNote } from "./notes.js";
import { emailForm, phoneForm } from "./contacts.js";
import { closeNameForm, deleteAccount, exportAccount, openNameForm, submitName } from "./profile.js";
import { showRestore, submitRestore, updateRestoreFields } from "./restore.js";
import { changeLanguage, changeTheme, chooseServer, closeLicences, copyDiagnostics, forgetLicences, installUpdate, openLicences, openSettings, showUpdate } from "./settings.js";
import { boot, clearLinkNotice } from "./start.js";
import { closeExport, closeTransfer, copyTransfer, offerTransfer, openExport, submitExport } from "./transfer.js";
import { t } from "./l10n.js";
import { $, announce, state } from "./view.js";
import { confirmWhatsappSender, denyWhatsappSender, leaveWhatsapp, startWhatsapp } from "./whatsapp.js";

function wire() {
  $("link-notice-close").addEventListener("click", clearLinkNotice);
  $("choose-register").addEventListener("click", () => showContact("register"));
  $("choose-login").addEventListener("click", () => showContact("login"));
  $("choose-guest").addEventListener("click", startGuest);
  $("guest-register").addEventListener("click", () => showContact("register"));
  $("guest-login").addEventListener("click", () => showContact("login"));
  $("pref-theme").addEventListener("change", changeTheme);
  $("ui-language").addEventListener("change", changeLanguage);
  for (const input of document.querySelectorAll('input[name="via"], input[name="role"]')) {
    input.addEventListener("change", updateContactFields);
  }
  $("contact-form").addEventListener("submit", submitContact);
  $("contact-whatsapp").addEventListener("click", startWhatsapp);
  $("whatsapp-back").addEventListener("click", leaveWhatsapp);
  $("whatsapp-sender-yes").addEventListener("click", confirmWhatsappSender);
  $("whatsapp-sender-no").addEventListener("click", denyWhatsappSender);
  // A guest going back returns to their notes, not to a new guest.
  document.querySelector("#contact-form .back").addEventListener("click", () => {
    if (state.homeProfile?.guest) showHome(state.homeProfile);
    else showWelcome(null);
  });
  $("code-form").addEventListener("submit", submitCode);
  $("code").addEventListener("input", onCodeInput);
  $("resend").addEventListener("click", resend);
  $("code-restart").addEventListener("click", restart);
  $("home-id-copy").addEventListener("click", copyId);
  $("clinician-open").addEventListener("click", openClinicianForm);
  $("clinician-cancel").addEventListener("click", closeClinicianForm);
  $("clinician-form").addEventListener("submit", submitClinician);
  $("clinician-stop").addEventListener("click", () => stopSharing($("clinician-stop")));
  $("invite-form").addEventListener("submit", makeInvitation);
  $("invite-copy").addEventListener("click", () => copyInvitation("https"));
  $("invite-copy-app").addEventListener("click", () => copyInvitation("app"));
  $("invite-close").addEventListener("click", closeInvitation);
  $("invite-withdraw").addEventListener("click", () =>
    revokeInvitation($("invite-withdraw"), $("invite-shown").dataset.invitationId));
  $("invitation-accept").addEventListener("click", acceptInvitation);
  $("invitation-dismiss").addEventListener("click", dismissInvitation);
  $("clinician-invited-drop").addEventListener("click", dropInvitation);
  $("home-restore").addEventListener("click", () => showRestore(state.homeProfile));
  $("home-backup-change").addEventListener("click", () => showBackup(state.homeProfile, false));
  $("home-recovery-new").addEventListener("click", () => showRecovery(state.homeProfile));
  $("home-transfer").addEventListener("click", offerTransfer);
  $("transfer-copy").addEventListener("click", copyTransfer);
  $("transfer-close").addEventListener("click", closeTransfer);
  $("home-export").addEventListener("click", openExport);
  $("export-cancel").addEventListener("click", closeExport);
  $("export-form").addEventListener("submit", submitExport);
  $("note-form").addEventListener("submit", submitNote);
  $("backup-form").addEventListener("submit", submitBackup);
  $("backup-password").addEventListener("input", onBackupPasswordInput);
  $("backup-skip").addEventListener("click", skipBackup);
  $("backup-skip-cancel").addEventListener("click", () => {
    $("backup-skip-warning").hidden = true;
    $("backup-password").focus();
  });
  $("backup-skip-confirm").addEventListener("click", () => {
    announce(t("backup-skipped"));
    showHome(state.backupProfile);
  });
  $("recovery-saved").addEventListener("change", () => {
    $("recovery-confirm").disabled = !$("recovery-saved").checked;
  });
  $("recovery-confirm").addEventListener("click", confirmRecovery);
  $("recovery-skip").addEventListener("click", () => showHome(state.recoveryProfile));
  for (const input of document.querySelectorAll('input[name="restore-how"]')) {
    input.addEventListener("change", updateRestoreFields);
  }
  $("restore-form").addEventListener("submit", submitRestore);
  $("restore-later").addEventListener("click", () => showHome(state.restoreProfile));
  $("log-out").addEventListener("click", logOut);
  $("name-open").addEventListener("click", openNameForm);
  $("name-cancel").addEventListener("click", closeNameForm);
  $("name-form").addEventListener("submit", submitName);
  for (const [name, form] of [["phone", phoneForm], ["email", emailForm]]) {
    $(`${name}-open`).addEventListener("click", form.open);
    $(`${name}-cancel`).addEventListener("click", form.close);
    $(`${name}-form`).addEventListener("submit", form.submit);
  }
  // Opened later, it shows the keys as they are now (another device may
  // have added one since home was drawn).
  $("account-keys").addEventListener("toggle", () => {
    if ($("account-keys").open) refreshAccountKeys();
  });
  $("account-sessions").addEventListener("toggle", () => {
    if ($("account-sessions").open) refreshSessions();
  });
  $("sessions-end-others").addEventListener("click", (event) => endOtherSessions(event.currentTarget));
  $("account-delete-button").addEventListener("click", (event) => deleteAccount(event.currentTarget));
  $("account-export-button").addEventListener("click", (event) => exportAccount(event.currentTarget));
  $("fatal-retry").addEventListener("click", boot);
  $("inbox-toggle").addEventListener("click", () => {
    $("inbox-toggle").dataset.touched = "yes";
    setInboxOpen($("inbox").hidden);
  });
  $("settings-open").addEventListener("click", openSettings);
  $("settings-close").addEventListener("click", () => $("settings").close());
  $("settings-form").addEventListener("submit", (event) => {
    event.preventDefault();
    chooseServer($("server-url").value, $("settings-save"));
  });
  $("settings-embedded").addEventListener("click", () => chooseServer(null, $("settings-embedded")));
  $("diagnostics-copy").addEventListener("click", () => copyDiagnostics($("diagnostics-copy")));
  $("licences-open").addEventListener("click", openLicences);
  $("licences-close").addEventListener("click", closeLicences);
  $("licences").addEventListener("close", forgetLicences);
  $("update-install").addEventListener("click", (event) => installUpdate(event.currentTarget));
}

wire();
// The first screen first; the country list is needed only on a later one.
boot().catch((error) => console.error(error));
// The app's own look for updates runs in the background; this reads its
// latest answer.
setInterval(showUpdate, 15000);
showUpdate();
