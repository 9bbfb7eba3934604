// CareKey's screens. Talks to the app only through ipc.js; shows only text
// (textContent, never HTML built from data).

import * as ipc from "./ipc.js";

const $ = (id) => document.getElementById(id);
const SCREENS = ["loading", "error", "welcome", "contact", "whatsapp", "code", "keys", "backup", "recovery",
  "restore", "home"];
const INBOX_POLL_MS = 1500;

const state = {
  mode: "register", // or "login"
  sent: null, // the code on its way: {login, expiresAt, resendAfter, codeLength}
  ticker: null,
  busy: false,
  inboxTimer: null,
  inboxSeen: "",
  watchingLinks: false,
};

// ---------- small helpers ----------

function show(name) {
  for (const screen of SCREENS) {
    $(`screen-${screen}`).hidden = screen !== name;
  }
  const heading = document.querySelector(`#screen-${name} h1`);
  if (heading) heading.focus();
}

function announce(text) {
  const status = $("status");
  status.textContent = "";
  // A change after a pause is what screen readers pick up reliably.
  setTimeout(() => { status.textContent = text; }, 60);
}

function messageOf(error) {
  if (error instanceof ipc.AppError && error.message) return error.message;
  console.error(error);
  return "Something went wrong inside CareKey. Please try again.";
}

async function busy(button, work) {
  if (state.busy) return;
  state.busy = true;
  button.disabled = true;
  try {
    await work();
  } finally {
    state.busy = false;
    button.disabled = false;
  }
}

function timeOf(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function secondsUntil(iso) {
  return Math.ceil((new Date(iso).getTime() - Date.now()) / 1000);
}

function stopTicker() {
  if (state.ticker) clearInterval(state.ticker);
  state.ticker = null;
}

// ---------- start-up ----------

async function boot() {
  stopTicker();
  show("loading");
  try {
    const session = await ipc.resumeSession();
    await setUpInbox();
    // Which ways in the server offers; without an answer, email and SMS.
    state.channels = await ipc.authChannels().catch(() => null);
    showSession(session);
    if (!state.watchingLinks) {
      state.watchingLinks = true;
      await ipc.watchLinks(onLinkArrived);
    }
  } catch (error) {
    $("fatal-message").textContent = messageOf(error);
    show("error");
  }
}

let homeWatch = null;
// How often home asks the server how the session stands: online, and while
// the server is out of reach.
const HOME_CHECK_MS = 15000;
const OFFLINE_RETRY_MS = 10000;

// The saved session as the start-up (or a check) found it. Offline (the
// server out of reach), home shows what this device last knew and says so.
function showSession(session) {
  state.offline = session.state === "offline";
  if (session.state === "loggedIn" || session.state === "offline") {
    showHome(session.profile);
  } else {
    showWelcome(session.reason);
  }
}

function watchHomeIn(delay) {
  clearTimeout(homeWatch);
  homeWatch = setTimeout(checkHome, delay);
}

// While home shows, it asks now and then how the session stands: a server
// gone away marks home offline (and is asked again every few seconds), a
// server back clears the mark and brings home up to date, a session ended
// elsewhere leads to the welcome screen with the reason. Nothing the
// person is typing is redrawn while all is well.
async function checkHome() {
  homeWatch = null;
  if ($("screen-home").hidden) return;
  const offline = !$("home-offline").hidden;
  try {
    const session = await ipc.resumeSession();
    if ($("screen-home").hidden) return;
    if (session.state === "offline") {
      if (!offline) {
        $("home-offline").hidden = false;
        announce("CareKey cannot reach the server right now. It keeps trying.");
      }
      watchHomeIn(OFFLINE_RETRY_MS);
    } else if (session.state === "loggedIn" && offline) {
      // What the server offers could not be asked while it was away.
      state.channels = await ipc.authChannels().catch(() => state.channels);
      announce("CareKey reaches the server again.");
      showSession(session);
    } else if (session.state === "loggedIn") {
      watchHomeIn(HOME_CHECK_MS);
    } else {
      showSession(session);
    }
  } catch (failure) {
    console.warn("home check", failure && failure.code);
    watchHomeIn(offline ? OFFLINE_RETRY_MS : HOME_CHECK_MS);
  }
}

// ---------- links opened from a message ----------

function showLinkNotice(text) {
  $("link-notice-text").textContent = text;
  $("link-notice").hidden = !text;
}

// The person chose what they were doing next: an old notice would mislead.
function clearLinkNotice() {
  showLinkNotice("");
}

// Where a fresh session leads: home, the first key, or restoring the key.
function enter(done) {
  stopTicker();
  state.sent = null;
  state.carriedOver = done.carriedOver || null;
  if (done.profile.keyFingerprint) {
    showHome(done.profile);
  } else if (done.isNewUser) {
    makeKey(done.profile);
  } else {
    showRestore(done.profile);
  }
}

let consumingLinks = false;

// A link reached the app (from a message, a browser, or the desktop):
// the backend checks and uses it; this shows where it led.
async function onLinkArrived() {
  if (consumingLinks) return;
  consumingLinks = true;
  try {
    for (;;) {
      let done;
      try {
        done = await ipc.consumeLink();
      } catch (failure) {
        showLinkNotice(`This link could not be used. ${messageOf(failure)}`);
        continue;
      }
      if (!done) break;
      clearLinkNotice();
      announce("You are logged in with the link from your message.");
      enter(done);
    }
  } finally {
    consumingLinks = false;
  }
}

// ---------- welcome and contact ----------

function showWelcome(reason) {
  stopTicker();
  applyPreferences(null);
  const notice = $("welcome-reason");
  notice.textContent = reason || "";
  notice.hidden = !reason;
  show("welcome");
}

function showContact(mode) {
  state.mode = mode;
  const registering = mode === "register";
  $("contact-title").textContent = registering ? "Create your account" : "Log in";
  $("register-fields").hidden = !registering;
  $("contact-whatsapp").hidden = !state.channels?.whatsapp;
  $("contact-whatsapp").textContent = registering ? "Register with WhatsApp" : "Log in with WhatsApp";
  $("contact-error").textContent = "";
  updateContactFields();
  show("contact");
}

function via() {
  return document.querySelector('input[name="via"]:checked').value;
}

function role() {
  return document.querySelector('input[name="role"]:checked').value;
}

// Registering asks for an email, a phone or both; logging in for the one
// the code should go to.
function updateContactFields() {
  const registering = state.mode === "register";
  const byPhone = via() === "phone";
  $("via-field").hidden = registering;
  $("email-field").hidden = !registering && byPhone;
  $("phone-field").hidden = !registering && !byPhone;
  $("both-hint").hidden = !registering;
  $("phone-label").textContent = registering ? "Mobile number (optional if you give an email)" : "Mobile number";
  $("clinician-field").hidden = !registering || role() !== "patient";
}

async function fillCountries() {
  const list = await ipc.countries();
  const region = (navigator.language || "").split("-")[1];
  for (const select of [$("country"), $("phone-country")]) {
    for (const country of list) {
      const option = document.createElement("option");
      option.value = country.code;
      option.textContent = `${country.name} (${country.dial})`;
      if (country.code === region) option.selected = true;
      select.append(option);
    }
    const other = document.createElement("option");
    other.value = "";
    other.textContent = "Other (type the number with +)";
    select.append(other);
  }
}

const FIELD_OF_ERROR = {
  invalid_phone: "phone",
  invalid_email: "email",
  invalid_request: null,
};

// The new account's details from the form, when registering.
function accountInput() {
  if (state.mode !== "register") return null;
  return {
    firstName: $("first-name").value,
    lastName: $("last-name").value,
    role: role(),
    responsibleClinicianId: role() === "patient" ? $("clinician-id").value : null,
  };
}

function showContactError(failure) {
  $("contact-error").textContent = failure.code === "rate_limited" && failure.retryAfter
    ? `${messageOf(failure)} Try again in ${failure.retryAfter} seconds.`
    : messageOf(failure);
  const field = FIELD_OF_ERROR[failure.code];
  if (field) $(field).focus();
}

async function submitContact(event) {
  event.preventDefault();
  $("contact-error").textContent = "";
  const phone = { phone: $("phone").value, country: $("country").value || null };
  const email = { email: $("email").value };
  const contact = state.mode === "register"
    ? { ...email, ...phone }
    : (via() === "phone" ? phone : email);
  await busy($("contact-submit"), async () => {
    try {
      await captchaFirst();
      state.sent = await ipc.startLogin(contact, accountInput());
      showCode(true);
    } catch (failure) {
      showContactError(failure);
    }
  });
}

// ---------- captcha ----------

// A server with captcha on wants, before it sends a code or opens an
// account, proof that a person asks: its own page shows the provider's
// check in a window of its own, whose token the backend keeps for the
// request that follows. Without captcha, nothing happens here.
async function captchaFirst() {
  if (!state.channels?.captcha) return;
  announce("A quick check that a person is asking opens in a new window.");
  await ipc.solveCaptcha();
}

// ---------- WhatsApp ----------

// The person sends the prepared message from their phone; the server's bot
// answers there with the link, and this device learns its login.
async function startWhatsapp() {
  $("contact-error").textContent = "";
  await busy($("contact-whatsapp"), async () => {
    let message;
    try {
      await captchaFirst();
      message = await ipc.startWhatsapp(accountInput());
    } catch (failure) {
      showContactError(failure);
      return;
    }
    showQr($("whatsapp-qr"), message.qrSvg);
    $("whatsapp-number").textContent = message.botNumber;
    $("whatsapp-text").textContent = message.text;
    $("whatsapp-link").textContent = message.waLink;
    $("whatsapp-expiry").textContent = `The message works until ${timeOf(message.expiresAt)}.`;
    state.whatsappExpiresAt = message.expiresAt;
    $("whatsapp-status").textContent = "Waiting for your message…";
    $("whatsapp-sender").hidden = true;
    $("whatsapp-error").textContent = "";
    show("whatsapp");
    awaitWhatsapp();
  });
}

async function awaitWhatsapp() {
  const status = $("whatsapp-status");
  status.classList.add("waiting", "alive");
  try {
    state.sent = await ipc.waitForWhatsapp((progress) => {
      if ($("screen-whatsapp").hidden) return;
      showWaitProgress(status, progress, "Waiting for your message…");
      // The server out of reach past the message's life: it cannot work
      // any more, whatever the server says when it is back.
      if (progress.state === "reconnecting" && secondsUntil(state.whatsappExpiresAt) <= 0) {
        status.textContent = "";
        $("whatsapp-error").textContent = "The message was not sent in time. Go back and start again.";
        ipc.abandonLogin().catch((error) => console.error(error));
      }
    });
  } catch (failure) {
    if (failure.code === "no_pending_login" || $("screen-whatsapp").hidden) return;
    $("whatsapp-status").textContent = "";
    $("whatsapp-error").textContent = failure.code === "unknown_request"
      ? "The message was not sent in time. Go back and start again."
      : messageOf(failure);
    return;
  } finally {
    status.classList.remove("alive", "offline");
  }
  if ($("screen-whatsapp").hidden) return;
  // Anyone can send this device's message from their own WhatsApp: the
  // person confirms the number is theirs before anything can log in.
  $("whatsapp-status").textContent = "";
  $("whatsapp-sender-text").textContent =
    `Your message arrived from the WhatsApp number ${state.sent.login}. Is that your number?`;
  $("whatsapp-sender").hidden = false;
  announce(`Message received from ${state.sent.login}. Confirm it is your number.`);
  $("whatsapp-sender-yes").focus();
}

async function confirmWhatsappSender() {
  await busy($("whatsapp-sender-yes"), async () => {
    try {
      await ipc.confirmWhatsapp();
    } catch (failure) {
      $("whatsapp-error").textContent = messageOf(failure);
      return;
    }
    $("whatsapp-sender").hidden = true;
    showCode(true);
    $("code-sent-to").textContent =
      `We replied on WhatsApp (${state.sent.login}). Tap the link there, or type the ${state.sent.codeLength}-digit code here. It works until ${timeOf(state.sent.expiresAt)}.`;
  });
}

async function denyWhatsappSender() {
  $("whatsapp-sender").hidden = true;
  await leaveWhatsapp();
  $("contact-error").textContent =
    "The message came from a number that is not yours, so nothing was logged in. Start again, and send the message from your own WhatsApp.";
}

async function leaveWhatsapp() {
  try {
    await ipc.abandonLogin();
  } catch (error) {
    console.error(error);
  }
  showContact(state.mode);
}

// ---------- code ----------

let awaitingApproval = false;

// While the code screen shows, the login may be approved from another
// device (the message opened there): then it simply goes on.
async function awaitApproval() {
  if (awaitingApproval) return;
  awaitingApproval = true;
  const status = $("code-waiting");
  status.classList.add("alive");
  status.textContent = "";
  try {
    const done = await ipc.waitForApproval((progress) => {
      if (!$("screen-code").hidden) {
        showWaitProgress(status, progress, "Still listening for an approval from your other device.");
      }
    });
    if (!$("screen-code").hidden) {
      clearLinkNotice();
      announce("Approved from your other device. You are logged in.");
      enter(done);
    }
  } catch (failure) {
    // The login ended another way (a code, a link, going back) or ran out;
    // the code screen says so itself (its countdown, its errors).
    if (failure.code !== "no_pending_login") console.error(failure);
  } finally {
    awaitingApproval = false;
    status.classList.remove("alive", "offline");
    status.textContent = "";
  }
}

// Shows how a long wait goes: alive while the server holds it, and a
// plain sentence while the server cannot be reached (the wait goes on by
// itself; nothing the person did is lost).
function showWaitProgress(element, progress, waitingText) {
  if (progress.state === "reconnecting") {
    element.classList.add("offline");
    element.textContent = `Cannot reach the server right now. Trying again in ${progress.retryInSeconds} s; nothing is lost meanwhile.`;
  } else {
    element.classList.remove("offline");
    element.textContent = waitingText;
  }
}

function showCode(first) {
  awaitApproval();
  const sent = state.sent;
  $("code-sent-to").textContent =
    `We sent a ${sent.codeLength}-digit code to ${sent.login}. It works until ${timeOf(sent.expiresAt)}.`;
  $("code-match").hidden = sent.matchNumber == null;
  $("code-match-number").textContent = sent.matchNumber ?? "";
  $("code").value = "";
  $("code").setAttribute("aria-label", `${sent.codeLength}-digit code`);
  $("code-error").textContent = "";
  $("code-submit").disabled = false;
  $("code").disabled = false;
  if (first) show("code");
  $("code").focus();
  startTicker();
}

function startTicker() {
  stopTicker();
  tick();
  state.ticker = setInterval(tick, 1000);
}

// Once a second: the resend countdown and the code's expiry.
function tick() {
  const sent = state.sent;
  if (!sent) return;
  const resend = $("resend");
  const wait = secondsUntil(sent.resendAfter);
  if (wait > 0) {
    resend.disabled = true;
    resend.textContent = `Resend code in ${wait} s`;
  } else if (resend.disabled && !state.busy) {
    resend.disabled = false;
    resend.textContent = "Resend code";
  }
  const left = secondsUntil(sent.expiresAt);
  if (left <= 0) {
    expired("This code has expired. Start again to get a new one.");
  } else if (left <= 60) {
    $("code-expiry").textContent = `The code expires in ${left} s.`;
  } else {
    $("code-expiry").textContent = "";
  }
}

// The login cannot go on: say why and offer to start again.
function expired(sentence) {
  stopTicker();
  $("code-error").textContent = sentence;
  $("code-expiry").textContent = "";
  $("code").disabled = true;
  $("code-submit").disabled = true;
  $("resend").disabled = true;
  $("resend").textContent = "Resend code";
  $("code-restart").textContent = "Start again";
  $("code-restart").focus();
}

const ENDED = new Set(["code_expired", "too_many_attempts", "code_used", "unknown_request",
  "verifier_mismatch", "no_pending_login"]);

function onCodeInput() {
  const digits = $("code").value.replace(/\D/g, "");
  if (state.sent && digits.length === state.sent.codeLength && !state.busy) {
    $("code-form").requestSubmit();
  }
}

async function submitCode(event) {
  event.preventDefault();
  const input = $("code");
  const error = $("code-error");
  const digits = input.value.replace(/\D/g, "");
  if (digits.length !== state.sent.codeLength) {
    error.textContent = `Type the ${state.sent.codeLength} digits of the code.`;
    input.focus();
    return;
  }
  error.textContent = "";
  await busy($("code-submit"), async () => {
    try {
      const done = await ipc.completeLogin(digits);
      clearLinkNotice();
      enter(done);
    } catch (failure) {
      if (failure.code === "invalid_code") {
        error.textContent = triesLeft(failure);
        input.value = "";
        input.focus();
      } else if (ENDED.has(failure.code)) {
        expired(`${messageOf(failure)} Start again to get a new code.`);
      } else {
        error.textContent = messageOf(failure);
      }
    }
  });
  // busy() re-enabled the button; an ended login keeps it off.
  if (input.disabled) $("code-submit").disabled = true;
}

async function resend() {
  const error = $("code-error");
  error.textContent = "";
  await busy($("resend"), async () => {
    try {
      await captchaFirst();
      state.sent = await ipc.resendCode();
      showCode(false);
      announce(`A new code was sent to ${state.sent.login}. The previous one no longer works.`);
    } catch (failure) {
      if (ENDED.has(failure.code)) {
        expired(`${messageOf(failure)} Start again to get a new code.`);
      } else {
        error.textContent = failure.retryAfter
          ? `${messageOf(failure)} Try again in ${failure.retryAfter} seconds.`
          : messageOf(failure);
      }
    }
  });
  tick();
}

async function restart() {
  stopTicker();
  state.sent = null;
  $("code-restart").textContent = "Use another email or phone";
  try {
    await ipc.abandonLogin();
  } catch (error) {
    console.error(error);
  }
  showContact(state.mode);
}

// ---------- keys ----------

const STEP_TEXT = {
  searchingPrimes: (step) =>
    `Looking for two large primes: ${step.candidates} candidates tried (${(step.elapsedMs / 1000).toFixed(1)} s).`,
  storing: () => "Saving the private key in this computer's keychain…",
  registering: () => "Sending your public key to the server…",
  done: () => "Your key is ready.",
};

async function makeKey(profile) {
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

// ---------- home ----------

let homeProfile = null;

function showHome(profile) {
  homeProfile = profile;
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
  $("home-role").textContent = profile.role === "clinician" ? "Clinician" : "Patient";
  $("home-contact").textContent = profile.contact;
  $("home-id").textContent = profile.userId;
  $("home-id-label").textContent = profile.role === "clinician"
    ? "Your CareKey ID (give it to your patients)"
    : "Your CareKey ID";
  $("home-fingerprint").textContent = profile.keyFingerprint || "None";
  const clinician = profile.responsibleClinicianId;
  $("home-clinician").textContent = clinician || "";
  $("home-clinician-label").hidden = !clinician;
  $("home-clinician-value").hidden = !clinician;
  showCare(profile.careStatus, 0);
  $("home-patients").hidden = profile.role !== "clinician";
  $("home-phone").textContent = !profile.phone
    ? "None"
    : (profile.phoneVerified ? profile.phone : `${profile.phone} (not verified yet)`);
  $("phone-open").textContent = profile.phoneVerified ? "Change" : (profile.phone ? "Verify it" : "Add a mobile number");
  closePhoneForm();
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

function noteHintFor(profile) {
  if (profile.guest) return "Encrypted on this device for you alone. The server stores it unreadable.";
  if (profile.careStatus === "accepted") {
    return "Encrypted on this device for you and your clinician. The server stores it unreadable.";
  }
  return "Encrypted on this device for you alone until your clinician accepts you; then they can read it too. The server stores it unreadable.";
}

// ---------- care: a patient and the clinician she named ----------

const CARE_STATUS_TEXT = {
  pending: "(waiting for them to accept you)",
  accepted: "(accepted you)",
  declined: "(declined)",
};

let careTimer = null;
// How often a waiting patient's home asks whether her clinician answered.
const CARE_POLL_MS = 20000;

// Where the patient stands with the clinician she named, and what her
// device just shared with them. A status this app does not know reads as
// "not accepted": nothing is shared until the server says accepted.
function showCare(status, shared) {
  const patient = homeProfile && homeProfile.role === "patient" && !homeProfile.guest;
  $("home-care-status").textContent = patient ? (CARE_STATUS_TEXT[status] || "") : "";
  let text = "";
  if (patient && status === "pending") {
    text = "Your clinician has not accepted you yet. Until they do, your notes are kept for you alone; once they accept, CareKey shares them with your clinician.";
  } else if (patient && status === "declined") {
    text = "Your clinician declined to follow you in CareKey. Your notes are kept for you alone. If this is a mistake, ask them to accept you.";
  } else if (patient && status === "accepted" && shared > 0) {
    const notes = shared === 1 ? "1 earlier note is" : `${shared} earlier notes are`;
    text = `Your clinician accepted you: ${notes} now shared with them.`;
  } else if (patient && status && status !== "accepted") {
    text = "Your clinician has not accepted you yet: your notes are kept for you alone.";
  }
  $("home-care").textContent = text;
  $("home-care").hidden = !text;
  if (patient) $("note-hint").textContent = noteHintFor({ ...homeProfile, careStatus: status });
}

// Asks the server where the patient stands; once accepted, her device
// shares the notes she wrote before. While she waits, it asks again now and
// then, so the home screen changes when her clinician answers.
async function refreshCare() {
  clearTimeout(careTimer);
  careTimer = null;
  const profile = homeProfile;
  if (!profile || profile.role !== "patient" || profile.guest || $("screen-home").hidden) return;
  try {
    const care = await ipc.shareEarlierNotes();
    if (homeProfile !== profile) return;
    profile.careStatus = care.careStatus;
    showCare(care.careStatus, care.shared);
    if (care.shared > 0) await refreshNotes();
  } catch (failure) {
    // The next look tries again; the notes stay safe on the server meanwhile.
    console.warn("care status", failure && failure.code);
  }
  if (homeProfile === profile && profile.careStatus !== "accepted") {
    careTimer = setTimeout(refreshCare, CARE_POLL_MS);
  }
}

async function refreshPatients() {
  $("patients-error").textContent = "";
  try {
    renderPatients(await ipc.patients());
  } catch (failure) {
    $("patients-error").textContent = messageOf(failure);
  }
}

function renderPatients(patients) {
  $("patients-list").replaceChildren(...patients.map((patient) => {
    const item = document.createElement("li");
    item.className = "patient";
    item.dataset.patientId = patient.userId;
    const head = document.createElement("div");
    head.className = "note-head";
    const who = document.createElement("strong");
    who.textContent = `${patient.firstName} ${patient.lastName}`;
    const status = document.createElement("span");
    status.className = "care-status";
    status.textContent = {
      pending: "Waiting for your answer",
      accepted: "Accepted",
      declined: "Declined",
    }[patient.careStatus] || "";
    head.append(who, status);
    const facts = document.createElement("p");
    facts.className = "hint";
    const contact = patient.email || patient.phone || "no contact given";
    facts.textContent = `${contact} · named you ${dateOf(patient.namedAt)}`;
    const actions = document.createElement("div");
    actions.className = "actions";
    const answer = (accept, label, secondary) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.dataset.answer = accept ? "accept" : "decline";
      if (secondary) button.className = "secondary";
      button.addEventListener("click", () => answerPatient(button, patient, accept));
      return button;
    };
    if (patient.careStatus !== "accepted") actions.append(answer(true, "Accept", false));
    if (patient.careStatus !== "declined") {
      actions.append(answer(false, patient.careStatus === "accepted" ? "Stop following" : "Decline", true));
    }
    item.append(head, facts, actions);
    return item;
  }));
  $("patients-empty").hidden = patients.length > 0;
}

async function answerPatient(button, patient, accept) {
  $("patients-error").textContent = "";
  await busy(button, async () => {
    try {
      const answered = await ipc.answerPatient(patient.userId, accept);
      announce(accept
        ? `${answered.firstName} ${answered.lastName} is now your patient: their notes will be shared with you.`
        : `${answered.firstName} ${answered.lastName}: nothing new will be shared with you.`);
      await refreshPatients();
      await refreshNotes();
    } catch (failure) {
      $("patients-error").textContent = messageOf(failure);
    }
  });
}

// ---------- preferences ----------

function applyPreferences(values) {
  const theme = values?.theme;
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
  $("pref-theme").value = theme === "light" || theme === "dark" ? theme : "system";
}

async function loadPreferences() {
  try {
    state.preferences = await ipc.preferences();
    applyPreferences(state.preferences);
  } catch (failure) {
    $("preferences-error").textContent = messageOf(failure);
  }
}

async function changeTheme() {
  $("preferences-error").textContent = "";
  const values = { ...(state.preferences || {}), theme: $("pref-theme").value };
  try {
    state.preferences = await ipc.savePreferences(values);
    applyPreferences(state.preferences);
    announce("Appearance saved.");
  } catch (failure) {
    $("preferences-error").textContent = messageOf(failure);
    applyPreferences(state.preferences);
  }
}

async function startGuest() {
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

// The parts of home that need the server: backups, notes, key activity.
async function refreshHome() {
  loadPreferences();
  const profile = homeProfile;
  if (profile.role === "clinician") refreshPatients();
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
}

function dateOf(iso) {
  return new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

async function refreshNotes() {
  try {
    renderNotes(await ipc.samples());
  } catch (failure) {
    $("notes-empty").textContent = messageOf(failure);
    $("notes-empty").hidden = false;
  }
}

function renderNotes(notes) {
  const own = homeProfile && homeProfile.userId;
  $("notes-list").replaceChildren(...notes.map((note) => {
    const item = document.createElement("li");
    item.className = "note";
    const head = document.createElement("div");
    head.className = "note-head";
    const who = document.createElement("span");
    who.textContent = note.ownerId === own ? "You" : `From ${note.ownerName}`;
    const when = document.createElement("time");
    when.dateTime = note.createdAt;
    when.textContent = dateOf(note.createdAt);
    head.append(who, when);
    const text = document.createElement("p");
    text.className = note.text === null ? "note-text unreadable" : "note-text";
    text.textContent = note.text === null
      ? "Encrypted for a key this device does not have."
      : note.text;
    item.append(head, text);
    return item;
  }));
  $("notes-empty").textContent = "No notes yet.";
  $("notes-empty").hidden = notes.length > 0;
}

async function submitNote(event) {
  event.preventDefault();
  const error = $("note-error");
  error.textContent = "";
  const text = $("note-text").value;
  if (!text.trim()) {
    error.textContent = "Write something first.";
    $("note-text").focus();
    return;
  }
  await busy($("note-submit"), async () => {
    try {
      await ipc.writeSample(text);
      $("note-text").value = "";
      announce("Your note is saved, encrypted.");
      await refreshNotes();
    } catch (failure) {
      error.textContent = messageOf(failure);
    }
  });
}

const ACTION_TEXT = {
  backup_stored: (detail) => detail === "recovery" ? "Recovery key backup saved" : "Password backup saved",
  backup_fetched: (detail) => detail === "recovery" ? "Recovery key backup downloaded" : "Password backup downloaded",
  transfer_offered: () => "Key offered to a new device",
  transfer_taken: () => "Key taken by a new device",
  key_registered: () => "New key registered",
  key_revoked: () => "Key revoked",
};

async function refreshActivity() {
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

// ---------- backup password and recovery key ----------

let backupProfile = null;
let backupFirst = false;
let strengthTimer = null;

const STRENGTH_WORDS = ["Very weak", "Weak", "Fair", "Almost strong enough", "Very strong"];

function backupStepText(step) {
  switch (step.stage) {
    case "fetching": return "Fetching your backup…";
    case "deriving": return `Working through your password (it is made slow on purpose): ${(step.elapsedMs / 1000).toFixed(1)} s`;
    case "storing": return "Saving…";
    case "done": return "Done.";
    default: return "";
  }
}

function showBackup(profile, first) {
  backupProfile = profile;
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

function onBackupPasswordInput() {
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

async function submitBackup(event) {
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
        showRecovery(backupProfile);
      } else {
        showHome(backupProfile);
      }
    } catch (failure) {
      $("backup-working").hidden = true;
      error.textContent = messageOf(failure);
      $(failure.code === "passwords_differ" ? "backup-confirm" : "backup-password").focus();
    }
  });
}

function skipBackup() {
  if (!backupFirst) {
    showHome(backupProfile);
    return;
  }
  $("backup-skip-warning").hidden = false;
  $("backup-skip-confirm").focus();
}

// Only markup made by the app's own QR encoder reaches here; it is parsed
// as SVG (which runs no script) and refused if it holds anything active.
function showQr(container, svgText) {
  const parsed = new DOMParser().parseFromString(svgText, "image/svg+xml");
  const svg = parsed.documentElement;
  if (svg.nodeName !== "svg" || parsed.querySelector("script, foreignObject")) {
    container.replaceChildren();
    return;
  }
  container.replaceChildren(document.importNode(svg, true));
}

let recoveryProfile = null;

async function showRecovery(profile) {
  recoveryProfile = profile;
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

async function confirmRecovery() {
  $("recovery-error").textContent = "";
  await busy($("recovery-confirm"), async () => {
    try {
      await ipc.confirmRecoveryKey();
      $("recovery-text").textContent = "";
      $("recovery-qr").replaceChildren();
      announce("Your recovery key is set.");
      showHome(recoveryProfile);
    } catch (failure) {
      $("recovery-error").textContent = messageOf(failure);
    }
  });
  $("recovery-confirm").disabled = !$("recovery-saved").checked;
}

// ---------- restoring the key on a new device ----------

let restoreProfile = null;

function restoreHow() {
  return document.querySelector('input[name="restore-how"]:checked').value;
}

function updateRestoreFields() {
  const how = restoreHow();
  for (const part of document.querySelectorAll("#restore-form [data-how]")) {
    part.hidden = !part.dataset.how.split(" ").includes(how);
  }
  $("restore-submit").textContent = how === "new" ? "Make a new key" : "Restore my key";
  $("restore-error").textContent = "";
}

function showRestore(profile) {
  restoreProfile = profile;
  for (const id of ["restore-password", "restore-recovery", "restore-transfer", "restore-file"]) $(id).value = "";
  $("restore-new-understood").checked = false;
  $("restore-working").hidden = true;
  updateRestoreFields();
  show("restore");
}

function readFileBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(new ipc.AppError("storage_failed", "The file could not be read."));
    reader.readAsDataURL(file);
  });
}

async function submitRestore(event) {
  event.preventDefault();
  const how = restoreHow();
  const error = $("restore-error");
  error.textContent = "";
  if (how === "new") {
    if (!$("restore-new-understood").checked) {
      error.textContent = "Tick “I understand” first: a new key cannot read what was encrypted for the old one.";
      $("restore-new-understood").focus();
      return;
    }
    makeKey(restoreProfile);
    return;
  }
  const onStep = (step) => { $("restore-step").textContent = backupStepText(step); };
  await busy($("restore-submit"), async () => {
    try {
      $("restore-working").hidden = false;
      $("restore-step").textContent = "Starting…";
      let key;
      if (how === "password") {
        key = await ipc.restoreWithPassword($("restore-password").value, onStep);
      } else if (how === "recovery") {
        key = await ipc.restoreWithRecoveryKey($("restore-recovery").value);
      } else if (how === "transfer") {
        key = await ipc.takeTransfer($("restore-transfer").value);
      } else {
        const file = $("restore-file").files[0];
        if (!file) throw new ipc.AppError("invalid_request", "Choose the backup file first.");
        key = await ipc.restoreFromFile(await readFileBase64(file), $("restore-password").value, onStep);
      }
      for (const id of ["restore-password", "restore-recovery", "restore-transfer"]) $(id).value = "";
      announce("Your key is restored on this device.");
      showHome({ ...restoreProfile, keyFingerprint: key.fingerprint });
    } catch (failure) {
      $("restore-working").hidden = true;
      error.textContent = messageOf(failure);
    }
  });
}

// ---------- sending the key to a new device, exporting it ----------

let transferTimer = null;

function closeTransfer() {
  if (transferTimer) clearInterval(transferTimer);
  transferTimer = null;
  $("transfer-text").textContent = "";
  $("transfer-qr").replaceChildren();
  $("transfer-panel").hidden = true;
}

async function offerTransfer() {
  closeExport();
  await busy($("home-transfer"), async () => {
    try {
      const offer = await ipc.offerTransfer();
      $("transfer-text").textContent = offer.code.text;
      showQr($("transfer-qr"), offer.code.qrSvg);
      $("transfer-panel").hidden = false;
      const tick = () => {
        const left = secondsUntil(offer.expiresAt);
        if (left <= 0) {
          closeTransfer();
          announce("The transfer code expired. Make a new one if you still need it.");
          return;
        }
        $("transfer-intro").textContent =
          `On your new device, log in, choose “My other device, which has the key”, and paste this code (or scan it). It works once, for ${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")} more.`;
      };
      tick();
      transferTimer = setInterval(tick, 1000);
      $("transfer-copy").focus();
      refreshActivity();
    } catch (failure) {
      announce(messageOf(failure));
      $("home-backup-status").textContent = messageOf(failure);
    }
  });
}

async function copyTransfer() {
  try {
    await navigator.clipboard.writeText($("transfer-text").textContent);
    announce("The transfer code was copied.");
  } catch {
    const range = document.createRange();
    range.selectNodeContents($("transfer-text"));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    announce("The transfer code is selected: copy it with Ctrl+C.");
  }
}

function openExport() {
  closeTransfer();
  for (const id of ["export-password", "export-confirm"]) $(id).value = "";
  $("export-step").textContent = "";
  $("export-error").textContent = "";
  $("export-form").hidden = false;
  $("export-password").focus();
}

function closeExport() {
  for (const id of ["export-password", "export-confirm"]) $(id).value = "";
  $("export-form").hidden = true;
}

async function submitExport(event) {
  event.preventDefault();
  $("export-error").textContent = "";
  await busy($("export-submit"), async () => {
    try {
      const saved = await ipc.exportBackup($("export-password").value, $("export-confirm").value, (step) => {
        $("export-step").textContent = backupStepText(step);
      });
      for (const id of ["export-password", "export-confirm"]) $(id).value = "";
      $("export-step").textContent = `Saved to ${saved.path}`;
      announce(`Your backup file is saved to ${saved.path}.`);
    } catch (failure) {
      $("export-step").textContent = "";
      $("export-error").textContent = messageOf(failure);
    }
  });
}

async function copyId() {
  try {
    await navigator.clipboard.writeText(homeProfile.userId);
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

async function logOut() {
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

// ---------- fresh proof ----------

function triesLeft(failure) {
  return `That code is not right. ${failure.attemptsLeft} ${failure.attemptsLeft === 1 ? "try" : "tries"} left.`;
}

// Asks for a code sent to the account's own contact, in a dialog over the
// screen; resolves true once it is proven, false if the person cancels.
function askForProof() {
  return new Promise((resolve) => {
    const dialog = $("proof");
    let checking = false;
    const finish = (proven) => {
      $("proof-form").onsubmit = null;
      $("proof-cancel").onclick = null;
      dialog.oncancel = null;
      if (dialog.open) dialog.close();
      resolve(proven);
    };
    const send = async () => {
      $("proof-sent-to").textContent = "Sending a code to your account's own email or phone…";
      const proof = await ipc.startProof();
      $("proof-sent-to").textContent =
        `To keep your account safe, confirm it's you first: we sent a ${proof.codeLength}-digit code to ${proof.login}.`;
      $("proof-code").value = "";
      $("proof-code").focus();
    };
    $("proof-form").onsubmit = async (event) => {
      event.preventDefault();
      if (checking) return;
      checking = true;
      $("proof-submit").disabled = true;
      $("proof-error").textContent = "";
      try {
        await ipc.verifyProof($("proof-code").value);
        finish(true);
      } catch (failure) {
        if (failure.code === "invalid_code") {
          $("proof-error").textContent = triesLeft(failure);
          $("proof-code").value = "";
          $("proof-code").focus();
        } else if (ENDED.has(failure.code)) {
          $("proof-error").textContent = `${messageOf(failure)} Here is a new code.`;
          await send().catch((again) => { $("proof-error").textContent = messageOf(again); });
        } else {
          $("proof-error").textContent = messageOf(failure);
        }
      } finally {
        checking = false;
        $("proof-submit").disabled = false;
      }
    };
    $("proof-cancel").onclick = () => finish(false);
    dialog.oncancel = (event) => {
      event.preventDefault();
      finish(false);
    };
    $("proof-error").textContent = "";
    dialog.showModal();
    send().catch((failure) => { $("proof-error").textContent = messageOf(failure); });
  });
}

// Runs `action`; if the server wants a fresh proof first (a change to how
// the account logs in or who can read its data, long after the login),
// asks for one and runs it again. Answers CANCELLED when the person
// cancels (an action may itself answer null).
const CANCELLED = Symbol("cancelled");

async function withFreshProof(action) {
  try {
    return await action();
  } catch (failure) {
    if (failure.code !== "fresh_proof_required") throw failure;
  }
  if (!(await askForProof())) return CANCELLED;
  return await action();
}

// ---------- the account's keys ----------

async function refreshAccountKeys() {
  $("account-keys-error").textContent = "";
  try {
    renderAccountKeys(await ipc.accountKeys());
  } catch (failure) {
    $("account-keys-error").textContent = messageOf(failure);
  }
}

function renderAccountKeys(keys) {
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

async function revokeKey(button, key) {
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

// ---------- adding a mobile number ----------

let phoneStep = "number";

function openPhoneForm() {
  phoneStep = "number";
  $("phone-step-number").hidden = false;
  $("phone-step-code").hidden = true;
  $("phone-submit").textContent = "Send code";
  $("phone-form-error").textContent = "";
  $("phone-new").value = "";
  $("phone-form").hidden = false;
  $("phone-new").focus();
}

function closePhoneForm() {
  $("phone-form").hidden = true;
}

async function submitPhone(event) {
  event.preventDefault();
  const error = $("phone-form-error");
  error.textContent = "";
  await busy($("phone-submit"), async () => {
    try {
      if (phoneStep === "number") {
        // A login that is no longer recent confirms it is the account's
        // owner (a code to its own contact) before the number changes.
        const sent = await withFreshProof(() => ipc.addPhone($("phone-new").value, $("phone-country").value || null));
        if (sent === CANCELLED) return;
        phoneStep = "code";
        $("phone-step-number").hidden = true;
        $("phone-step-code").hidden = false;
        $("phone-sent-to").textContent = `We sent a ${sent.codeLength}-digit code to ${sent.login}. It works until ${timeOf(sent.expiresAt)}.`;
        $("phone-submit").textContent = "Verify";
        $("phone-code").value = "";
        $("phone-code").focus();
      } else {
        const profile = await ipc.verifyPhone($("phone-code").value);
        showHome(profile);
        announce("Your mobile number is verified: you can now log in by SMS.");
      }
    } catch (failure) {
      if (failure.code === "invalid_code") {
        error.textContent = triesLeft(failure);
        $("phone-code").value = "";
        $("phone-code").focus();
      } else if (ENDED.has(failure.code)) {
        error.textContent = `${messageOf(failure)} Send a new code.`;
        openPhoneForm();
        $("phone-form-error").textContent = error.textContent;
      } else {
        error.textContent = messageOf(failure);
        if (failure.code === "invalid_phone") $("phone-new").focus();
      }
    }
  });
}

// ---------- Dev inbox ----------

async function setUpInbox() {
  let inbox;
  try {
    inbox = await ipc.devInbox();
  } catch (error) {
    console.error(error);
    return;
  }
  const toggle = $("inbox-toggle");
  toggle.hidden = !inbox.available;
  if (!inbox.available) {
    setInboxOpen(false);
    return;
  }
  // A newcomer on the built-in server needs it at once: open by default.
  if (toggle.dataset.touched !== "yes") setInboxOpen(true);
  renderInbox(inbox.messages);
}

function setInboxOpen(open) {
  $("inbox").hidden = !open;
  $("inbox-toggle").setAttribute("aria-expanded", String(open));
  if (state.inboxTimer) clearInterval(state.inboxTimer);
  state.inboxTimer = open ? setInterval(pollInbox, INBOX_POLL_MS) : null;
}

async function pollInbox() {
  try {
    const inbox = await ipc.devInbox();
    if (inbox.available) renderInbox(inbox.messages);
  } catch (error) {
    console.error(error);
  }
}

// Message ids are UUIDv7: their first 48 bits are the time it was queued.
function sentAt(id) {
  const hex = id.replace(/-/g, "").slice(0, 12);
  const ms = Number.parseInt(hex, 16);
  return Number.isFinite(ms) ? new Date(ms) : null;
}

function renderInbox(messages) {
  const seen = messages.map((message) => message.id).join(",");
  if (seen === state.inboxSeen) return;
  state.inboxSeen = seen;
  const list = $("inbox-list");
  list.replaceChildren(...messages.map((message) => {
    const item = document.createElement("li");
    item.className = "message";
    const head = document.createElement("div");
    head.className = "message-head";
    const to = document.createElement("span");
    to.textContent = `${message.channel === "sms" ? "SMS" : "Email"} to ${message.to}`;
    const when = document.createElement("time");
    const at = sentAt(message.id);
    if (at) {
      when.dateTime = at.toISOString();
      when.textContent = at.toLocaleTimeString();
    }
    head.append(to, when);
    item.append(head);
    if (message.subject) {
      const subject = document.createElement("p");
      subject.className = "message-subject";
      subject.textContent = message.subject;
      item.append(subject);
    }
    const body = document.createElement("pre");
    body.className = "message-body";
    body.textContent = message.body;
    item.append(body);
    return item;
  }));
  $("inbox-empty").hidden = messages.length > 0;
}

// ---------- settings ----------

function describeServer(server) {
  if (server.source === "embedded") return `Using the built-in server at ${server.url}.`;
  if (server.source === "environment") return `Using ${server.url}, set by CAREKEY_SERVER_URL.`;
  return `Using ${server.url}.`;
}

async function openSettings() {
  const dialog = $("settings");
  $("settings-error").textContent = "";
  try {
    const server = await ipc.serverSettings();
    $("settings-current").textContent = describeServer(server);
    $("server-url").value = server.source === "embedded" ? "" : server.url;
    for (const id of ["server-url", "settings-save", "settings-embedded"]) {
      $(id).disabled = server.lockedByEnvironment;
    }
    if (server.lockedByEnvironment) {
      $("settings-error").textContent = "Unset CAREKEY_SERVER_URL to choose the server here.";
    }
  } catch (error) {
    $("settings-current").textContent = messageOf(error);
  }
  dialog.showModal();
}

async function chooseServer(url, button) {
  $("settings-error").textContent = "";
  await busy(button, async () => {
    try {
      const server = await ipc.useServer(url);
      $("settings").close();
      announce(describeServer(server));
      await boot();
    } catch (failure) {
      $("settings-error").textContent = messageOf(failure);
    }
  });
}

// ---------- wiring ----------

function wire() {
  $("link-notice-close").addEventListener("click", clearLinkNotice);
  $("choose-register").addEventListener("click", () => showContact("register"));
  $("choose-login").addEventListener("click", () => showContact("login"));
  $("choose-guest").addEventListener("click", startGuest);
  $("guest-register").addEventListener("click", () => showContact("register"));
  $("guest-login").addEventListener("click", () => showContact("login"));
  $("pref-theme").addEventListener("change", changeTheme);
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
    if (homeProfile?.guest) showHome(homeProfile);
    else showWelcome(null);
  });
  $("code-form").addEventListener("submit", submitCode);
  $("code").addEventListener("input", onCodeInput);
  $("resend").addEventListener("click", resend);
  $("code-restart").addEventListener("click", restart);
  $("home-id-copy").addEventListener("click", copyId);
  $("home-restore").addEventListener("click", () => showRestore(homeProfile));
  $("home-backup-change").addEventListener("click", () => showBackup(homeProfile, false));
  $("home-recovery-new").addEventListener("click", () => showRecovery(homeProfile));
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
    announce("No backup set. You can set one from the home screen.");
    showHome(backupProfile);
  });
  $("recovery-saved").addEventListener("change", () => {
    $("recovery-confirm").disabled = !$("recovery-saved").checked;
  });
  $("recovery-confirm").addEventListener("click", confirmRecovery);
  $("recovery-skip").addEventListener("click", () => showHome(recoveryProfile));
  for (const input of document.querySelectorAll('input[name="restore-how"]')) {
    input.addEventListener("change", updateRestoreFields);
  }
  $("restore-form").addEventListener("submit", submitRestore);
  $("restore-later").addEventListener("click", () => showHome(restoreProfile));
  $("log-out").addEventListener("click", logOut);
  $("phone-open").addEventListener("click", openPhoneForm);
  $("phone-cancel").addEventListener("click", closePhoneForm);
  $("phone-form").addEventListener("submit", submitPhone);
  // Opened later, it shows the keys as they are now (another device may
  // have added one since home was drawn).
  $("account-keys").addEventListener("toggle", () => {
    if ($("account-keys").open) refreshAccountKeys();
  });
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
}

wire();
// The first screen first; the country list is needed only on a later one.
boot().then(() => fillCountries()).catch((error) => console.error(error));
