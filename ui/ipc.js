// The one module that talks to Tauri. Every other module calls these
// functions and gets plain data, or an AppError with a code and a sentence.

export class AppError extends Error {
  constructor(code, message, extra = {}) {
    super(message);
    this.code = code;
    this.attemptsLeft = extra.attemptsLeft;
    this.retryAfter = extra.retryAfter;
    this.patients = extra.patients;
  }
}

function tauri() {
  const api = window.__TAURI__;
  if (!api || !api.core) {
    throw new AppError("no_backend", "CareKey's window is open outside the app.");
  }
  return api.core;
}

async function call(command, args = {}) {
  try {
    return await tauri().invoke(command, args);
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error && typeof error === "object" && typeof error.code === "string") {
      throw new AppError(error.code, error.message, error);
    }
    // Tauri's own failures are strings meant for developers: keep them in
    // the console, show a sentence.
    console.error(command, error);
    throw new AppError("internal", "Something went wrong inside CareKey. Please try again.");
  }
}

export const resumeSession = () => call("session_resume");
export const startLogin = (contact, account) => call("login_start", { contact, account });
export const resendCode = () => call("login_resend");
export const completeLogin = (code) => call("login_complete", { code });
export const abandonLogin = () => call("login_abandon");
// Long waits: `onProgress` gets {state: "waiting"} after each hold of the
// server, {state: "reconnecting", retryInSeconds} while it is out of reach.
export const waitForApproval = (onProgress) => withProgress("login_wait_approval", {}, onProgress);
export const authChannels = () => call("auth_channels");
export const solveCaptcha = () => call("captcha_solve");
export const startGuest = () => call("guest_start");
export const preferences = () => call("preferences_get");
export const savePreferences = (values) => call("preferences_set", { values });
export const startWhatsapp = (account) => call("login_whatsapp_start", { account });
export const waitForWhatsapp = (onProgress) => withProgress("login_whatsapp_wait", {}, onProgress);
export const confirmWhatsapp = () => call("login_whatsapp_confirm");
export const startProof = () => call("proof_start");
export const verifyProof = (code) => call("proof_verify", { code });
export const logOut = () => call("log_out");
export const addPhone = (phone, country) => call("phone_add", { phone, country });
export const verifyPhone = (code) => call("phone_verify", { code });
export const changeEmail = (email) => call("email_change", { email });
export const deleteAccount = () => call("account_delete");
export const exportAccount = () => call("account_export");
export const verifyEmail = (code) => call("email_verify", { code });
export const devInbox = () => call("dev_inbox");
export const countries = () => call("countries");
export const serverSettings = () => call("settings_get");
export const useServer = (url) => call("settings_set_server", { url });
export const diagnostics = (copy = false) => call("diagnostics_get", { copy });
export const uiLanguage = (deferEnglish = false) => call("ui_language_get", { deferEnglish });
export const setUiLanguage = (tag, account) => call("ui_language_set", { tag, account });
export const updateStatus = () => call("update_status");
export const updateInstall = () => call("update_install");

// Makes the device keypair; `onProgress` gets each step as it happens.
export const createKey = (onProgress) => withProgress("key_create", {}, onProgress);

function withProgress(command, args, onProgress) {
  const channel = new (tauri().Channel)();
  channel.onmessage = onProgress;
  return call(command, { ...args, onProgress: channel });
}

// `onLink` is called (with nothing) each time a link reaches the app; the
// link itself stays in the backend: `consumeLink` uses the next one.
export function watchLinks(onLink) {
  const channel = new (tauri().Channel)();
  channel.onmessage = onLink;
  return call("links_watch", { onLink: channel });
}
export const consumeLink = () => call("link_consume");

export const backupStatus = () => call("backup_status");
export const passwordStrength = (password) => call("password_strength", { password });
export const setBackupPassword = (password, confirmation, onProgress) =>
  withProgress("backup_set_password", { password, confirmation }, onProgress);
export const prepareRecoveryKey = () => call("recovery_key_prepare");
export const confirmRecoveryKey = () => call("recovery_key_confirm");
export const restoreWithPassword = (password, onProgress) =>
  withProgress("restore_password", { password }, onProgress);
export const restoreWithRecoveryKey = (recoveryKey) => call("restore_recovery_key", { recoveryKey });
export const offerTransfer = () => call("transfer_offer");
export const takeTransfer = (code) => call("transfer_take", { code });
export const exportBackup = (password, confirmation, onProgress) =>
  withProgress("backup_export", { password, confirmation }, onProgress);
export const restoreFromFile = (contents, password, onProgress) =>
  withProgress("restore_file", { contents, password }, onProgress);
export const auditLog = () => call("audit_log");
export const accountKeys = () => call("keys_list");
export const revokeKey = (keyId) => call("key_revoke", { keyId });
export const accountSessions = () => call("sessions_list");
export const renameProfile = (firstName, lastName) => call("profile_rename", { firstName, lastName });
export const endSession = (sessionId) => call("session_end", { sessionId });
export const endOtherSessions = () => call("sessions_end_others");
export const samples = () => call("samples_list");
export const writeSample = (text) => call("sample_write", { text });
export const shareEarlierNotes = () => call("notes_share");
export const patients = () => call("patients_list");
export const answerPatient = (patientId, accept) => call("patient_answer", { patientId, accept });
export const setClinician = (clinicianId) => call("care_set_clinician", { clinicianId });
export const reshareToPatient = (patientId) => call("patient_reshare", { patientId });
export const makeInvitation = (uses, validMinutes) => call("invitation_make", { uses, validMinutes });
export const invitations = () => call("invitations_list");
export const revokeInvitation = (invitationId) => call("invitation_revoke", { invitationId });
export const acceptInvitation = () => call("invitation_accept");
export const forgetInvitation = () => call("invitation_forget");
