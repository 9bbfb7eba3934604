// CareKey's screens. Talks to the app only through ipc.js; shows only text
// (textContent, never HTML built from data).

import * as ipc from "./ipc.js";

const $ = (id) => document.getElementById(id);
const SCREENS = ["loading", "error", "welcome", "contact", "code", "keys", "home"];
const INBOX_POLL_MS = 1500;

const state = {
  mode: "register", // or "login"
  sent: null, // the code on its way: {login, expiresAt, resendAfter, codeLength}
  ticker: null,
  busy: false,
  inboxTimer: null,
  inboxSeen: "",
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
    if (session.state === "loggedIn") {
      showHome(session.profile);
    } else {
      showWelcome(session.reason);
    }
  } catch (error) {
    $("fatal-message").textContent = messageOf(error);
    show("error");
  }
}

// ---------- welcome and contact ----------

function showWelcome(reason) {
  stopTicker();
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

async function submitContact(event) {
  event.preventDefault();
  const error = $("contact-error");
  error.textContent = "";
  const phone = { phone: $("phone").value, country: $("country").value || null };
  const email = { email: $("email").value };
  const contact = state.mode === "register"
    ? { ...email, ...phone }
    : (via() === "phone" ? phone : email);
  let account = null;
  if (state.mode === "register") {
    account = {
      firstName: $("first-name").value,
      lastName: $("last-name").value,
      role: role(),
      responsibleClinicianId: role() === "patient" ? $("clinician-id").value : null,
    };
  }
  await busy($("contact-submit"), async () => {
    try {
      state.sent = await ipc.startLogin(contact, account);
      showCode(true);
    } catch (failure) {
      error.textContent = failure.code === "rate_limited" && failure.retryAfter
        ? `${messageOf(failure)} Try again in ${failure.retryAfter} seconds.`
        : messageOf(failure);
      const field = FIELD_OF_ERROR[failure.code];
      if (field) $(field).focus();
    }
  });
}

// ---------- code ----------

function showCode(first) {
  const sent = state.sent;
  $("code-sent-to").textContent =
    `We sent a ${sent.codeLength}-digit code to ${sent.login}. It works until ${timeOf(sent.expiresAt)}.`;
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
      stopTicker();
      state.sent = null;
      if (!done.profile.keyFingerprint && done.isNewUser) {
        makeKey(done.profile);
      } else {
        showHome(done.profile);
      }
    } catch (failure) {
      if (failure.code === "invalid_code") {
        const left = failure.attemptsLeft;
        error.textContent = left === 1
          ? "That code is not right. 1 try left."
          : `That code is not right. ${left} tries left.`;
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
    const key = await ipc.createKey((step) => {
      const text = (STEP_TEXT[step.stage] || (() => ""))(step);
      $("keys-step").textContent = text;
      progress.setAttribute("aria-valuetext", text);
    });
    showHome({ ...profile, keyFingerprint: key.fingerprint });
    announce("Your encryption key is ready.");
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
  $("home-title").textContent = `Hello, ${profile.firstName} ${profile.lastName}`;
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
  $("home-phone").textContent = !profile.phone
    ? "None"
    : (profile.phoneVerified ? profile.phone : `${profile.phone} (not verified yet)`);
  $("phone-open").textContent = profile.phoneVerified ? "Change" : (profile.phone ? "Verify it" : "Add a mobile number");
  closePhoneForm();
  $("home-no-key").hidden = Boolean(profile.keyFingerprint);
  show("home");
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
      showWelcome(null);
      announce("You are logged out.");
    } catch (failure) {
      announce(messageOf(failure));
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
        const sent = await ipc.addPhone($("phone-new").value, $("phone-country").value || null);
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
        error.textContent = `That code is not right. ${failure.attemptsLeft} ${failure.attemptsLeft === 1 ? "try" : "tries"} left.`;
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
  $("choose-register").addEventListener("click", () => showContact("register"));
  $("choose-login").addEventListener("click", () => showContact("login"));
  for (const input of document.querySelectorAll('input[name="via"], input[name="role"]')) {
    input.addEventListener("change", updateContactFields);
  }
  $("contact-form").addEventListener("submit", submitContact);
  document.querySelector("#contact-form .back").addEventListener("click", () => showWelcome(null));
  $("code-form").addEventListener("submit", submitCode);
  $("code").addEventListener("input", onCodeInput);
  $("resend").addEventListener("click", resend);
  $("code-restart").addEventListener("click", restart);
  $("home-id-copy").addEventListener("click", copyId);
  $("home-make-key").addEventListener("click", () => makeKey(homeProfile));
  $("log-out").addEventListener("click", logOut);
  $("phone-open").addEventListener("click", openPhoneForm);
  $("phone-cancel").addEventListener("click", closePhoneForm);
  $("phone-form").addEventListener("submit", submitPhone);
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
