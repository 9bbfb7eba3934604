// Start-up, the session check while home shows, and links opened from
// a message.

import * as ipc from "./ipc.js";
import { showWelcome } from "./contact.js";
import { showHome } from "./home.js";
import { afterLogin, invitationOpened } from "./invitations.js";
import { has, loadLanguage, settleLanguage, t } from "./l10n.js";
import { setUpInbox } from "./inbox.js";
import { makeKey } from "./keys.js";
import { showRestore } from "./restore.js";
import { $, announce, messageOf, show, state, stopTicker } from "./view.js";

// The spinner shows only when the start takes longer than this: a
// spinner that flashes for a fifth of a second (a usual start here) is
// noise, and its animation alone keeps WebKit compositing the page, about
// 3 MiB more memory for the rest of the run (tests/bench/startup.sh).
const SPINNER_AFTER_MS = 600;

export async function boot() {
  stopTicker();
  show("loading");
  const slow = setTimeout(() => $("screen-loading").classList.add("slow"), SPINNER_AFTER_MS);
  try {
    // The catalog is read and parsed while the session is looked up.
    const [, session] = await Promise.all([loadLanguage(), ipc.resumeSession()]);
    await setUpInbox();
    // Which ways in the server offers; without an answer, email and SMS.
    state.channels = await ipc.authChannels().catch(() => null);
    showSession(session);
    settleLanguage().catch((error) => console.error(error));
    if (!state.watchingLinks) {
      state.watchingLinks = true;
      await ipc.watchLinks(onLinkArrived);
    }
  } catch (error) {
    await settleLanguage().catch((failure) => console.error(failure));
    $("fatal-message").textContent = messageOf(error);
    show("error");
  } finally {
    clearTimeout(slow);
  }
}

let homeWatch = null;
// How often home asks the server how the session stands: online, and while
// the server is out of reach.
export const HOME_CHECK_MS = 15000;
export const OFFLINE_RETRY_MS = 10000;

// The saved session as the start-up (or a check) found it. Offline (the
// server out of reach), home shows what this device last knew and says so.
export function showSession(session) {
  state.offline = session.state === "offline";
  if (session.state === "loggedIn" || session.state === "offline") {
    showHome(session.profile);
  } else {
    // A reason the catalog has is said in the page's language.
    const said = session.reasonCode && has(`error-${session.reasonCode}`) ? t(`error-${session.reasonCode}`) : session.reason;
    showWelcome(said);
  }
}

export function watchHomeIn(delay) {
  clearTimeout(homeWatch);
  homeWatch = setTimeout(checkHome, delay);
}

// While home shows, it asks now and then how the session stands: a server
// gone away marks home offline (and is asked again every few seconds), a
// server back clears the mark and brings home up to date, a session ended
// elsewhere leads to the welcome screen with the reason. Nothing the
// person is typing is redrawn while all is well.
export async function checkHome() {
  homeWatch = null;
  if ($("screen-home").hidden) return;
  const offline = !$("home-offline").hidden;
  try {
    const session = await ipc.resumeSession();
    if ($("screen-home").hidden) return;
    if (session.state === "offline") {
      if (!offline) {
        $("home-offline").hidden = false;
        announce(t("server-lost"));
      }
      watchHomeIn(OFFLINE_RETRY_MS);
    } else if (session.state === "loggedIn" && offline) {
      // What the server offers could not be asked while it was away.
      state.channels = await ipc.authChannels().catch(() => state.channels);
      announce(t("server-back"));
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

export function showLinkNotice(text) {
  $("link-notice-text").textContent = text;
  $("link-notice").hidden = !text;
}

// The person chose what they were doing next: an old notice would mislead.
export function clearLinkNotice() {
  showLinkNotice("");
}

// Where a fresh session leads: home, the first key, or restoring the key.
export function enter(done) {
  stopTicker();
  state.sent = null;
  afterLogin(done.isNewUser);
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
// the backend checks and uses it; this shows where it led (home after a
// login, or who invites).
export async function onLinkArrived() {
  if (consumingLinks) return;
  consumingLinks = true;
  try {
    // A link that came with the launch arrives with the first screen.
    await settleLanguage().catch((failure) => console.error(failure));

    for (;;) {
      let done;
      try {
        done = await ipc.consumeLink();
      } catch (failure) {
        showLinkNotice(`${t("link-unusable")} ${messageOf(failure)}`);
        continue;
      }
      if (!done) break;
      clearLinkNotice();
      if (done.invitedBy) {
        invitationOpened(done.invitedBy);
        continue;
      }
      announce(t("link-logged-in"));

      enter(done.loggedIn);
    }
  } finally {
    consumingLinks = false;
  }
}
