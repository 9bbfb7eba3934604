// Shared by every screen: the screen switch, announcements, the busy
// state of a button, error sentences and times, and the state the screens
// share (what is being asked, the profiles the screens were opened for).

import * as ipc from "./ipc.js";
import { has, t } from "./l10n.js";

export { dateOf, timeOf } from "./l10n.js";

export const $ = (id) => document.getElementById(id);
export const SCREENS = ["loading", "error", "welcome", "contact", "whatsapp", "code", "keys", "backup", "recovery",
  "restore", "home"];
export const INBOX_POLL_MS = 1500;

export const state = {
  mode: "register", // or "login"
  sent: null, // the code on its way: {login, expiresAt, resendAfter, codeLength}
  ticker: null,
  busy: false,
  inboxTimer: null,
  inboxSeen: "",
  watchingLinks: false,
  // The profiles the home, backup, recovery and restore screens were
  // opened for.
  homeProfile: null,
  backupProfile: null,
  recoveryProfile: null,
  restoreProfile: null,
  // Who invites, when a clinician's invitation was opened (its secret
  // stays in the backend).
  invitation: null,
};

export function show(name) {
  for (const screen of SCREENS) {
    $(`screen-${screen}`).hidden = screen !== name;
  }
  const heading = document.querySelector(`#screen-${name} h1`);
  if (heading) heading.focus();
}

export function announce(text) {
  const status = $("status");
  status.textContent = "";
  // A change after a pause is what screen readers pick up reliably.
  setTimeout(() => { status.textContent = text; }, 60);
}

// The sentence for an error: the catalog's for its code, in the page's
// language; for a code this app does not know (a newer server's), the
// server's own sentence.
export function messageOf(error) {
  if (error instanceof ipc.AppError) {
    const id = `error-${error.code}`;
    if (has(id)) {
      return t(id, {
        attemptsLeft: error.attemptsLeft ?? 0,
        retryAfter: error.retryAfter ?? 0,
        patients: error.patients ?? 0,
      });
    }
    if (error.message) return error.message;
  }
  console.error(error);
  return t("error-internal");
}

export async function busy(button, work) {
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


export function secondsUntil(iso) {
  return Math.ceil((new Date(iso).getTime() - Date.now()) / 1000);
}

export function stopTicker() {
  if (state.ticker) clearInterval(state.ticker);
  state.ticker = null;
}
