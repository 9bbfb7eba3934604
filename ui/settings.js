// Preferences kept with the account, the server this app talks to, and
// About: the version, the diagnostics for support, the licences.

import * as ipc from "./ipc.js";
import { fillCountries } from "./contact.js";
import { chosen, language, name, offered, t, use } from "./l10n.js";
import { boot } from "./start.js";
import { $, announce, busy, messageOf, state } from "./view.js";

// The language setting: CareKey's languages, each by its own name.
export function fillLanguages() {
  const select = $("ui-language");
  select.replaceChildren();
  for (const { tag, name } of offered) {
    const option = document.createElement("option");
    option.value = tag;
    option.lang = tag;
    option.textContent = name;
    option.selected = tag === language;
    select.append(option);
  }
}

// After the language changed: the catalog, every marked element, and the
// lists the screens build themselves.
export async function applyLanguage(view) {
  await use(view);
  fillLanguages();
  fillCountries().catch((error) => console.error(error));
}

// Chosen in Settings: this device shows it, and the account (when someone
// is logged in) writes its messages in it.
export async function changeLanguage() {
  $("ui-language-error").textContent = "";
  try {
    await applyLanguage(await ipc.setUiLanguage($("ui-language").value, true));
    if (state.homeProfile) state.homeProfile.language = language;
    announce(t("language-saved"));
  } catch (failure) {
    $("ui-language-error").textContent = messageOf(failure);
    fillLanguages();
  }
}

// At login or start-up with a session: a language chosen on this device
// becomes the account's; one that only follows the system gives way to
// the account's own. The pseudo-locale stays on the device.
export async function agreeLanguage(profile) {
  if (profile.guest || language === "en-XA" || profile.language === language) return;
  try {
    if (chosen || !profile.language) {
      await ipc.setUiLanguage(language, true);
      profile.language = language;
    } else if (offered.some(({ tag }) => tag === profile.language)) {
      await applyLanguage(await ipc.setUiLanguage(profile.language, false));
    }
  } catch (failure) {
    console.error("language", failure);
  }
}

export function applyPreferences(values) {
  const theme = values?.theme;
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
  $("pref-theme").value = theme === "light" || theme === "dark" ? theme : "system";
}

export async function loadPreferences() {
  try {
    state.preferences = await ipc.preferences();
    applyPreferences(state.preferences);
  } catch (failure) {
    $("preferences-error").textContent = messageOf(failure);
  }
}

export async function changeTheme() {
  $("preferences-error").textContent = "";
  const values = { ...(state.preferences || {}), theme: $("pref-theme").value };
  try {
    state.preferences = await ipc.savePreferences(values);
    applyPreferences(state.preferences);
    announce(t("appearance-saved"));
  } catch (failure) {
    $("preferences-error").textContent = messageOf(failure);
    applyPreferences(state.preferences);
  }
}

// The message and its arguments that say which server the app uses.
export function serverMessage(server) {
  const id = { embedded: "server-embedded", environment: "server-environment" }[server.source] || "server-chosen";
  return [id, { url: server.url }];
}

export async function openSettings() {
  const dialog = $("settings");
  fillLanguages();
  $("ui-language-error").textContent = "";
  $("settings-error").textContent = "";
  try {
    const server = await ipc.serverSettings();
    name($("settings-current"), ...serverMessage(server));
    $("server-url").value = server.source === "embedded" ? "" : server.url;
    for (const id of ["server-url", "settings-save", "settings-embedded"]) {
      $(id).disabled = server.lockedByEnvironment;
    }
    if (server.lockedByEnvironment) {
      $("settings-error").textContent = t("server-locked");
    }
  } catch (error) {
    $("settings-current").textContent = messageOf(error);
  }
  $("diagnostics-status").textContent = "";
  $("diagnostics-text").hidden = true;
  try {
    const report = await ipc.diagnostics();
    name($("about-version"), "about-version", { version: report.version });
  } catch (error) {
    $("about-version").textContent = messageOf(error);
  }
  dialog.showModal();
}

// The report is shown as well as copied (by the app, not the web view):
// where the clipboard cannot be reached, the person can still select it.
export async function copyDiagnostics(button) {
  const status = $("diagnostics-status");
  status.textContent = "";
  await busy(button, async () => {
    let report;
    try {
      report = await ipc.diagnostics(true);
    } catch (failure) {
      status.textContent = messageOf(failure);
      return;
    }
    const area = $("diagnostics-text");
    area.value = report.text;
    area.hidden = false;
    status.textContent = t(report.copied ? "diagnostics-copied" : "diagnostics-not-copied");
  });
}

// The page is large, and even an empty frame costs the web process memory:
// the frame exists only while the dialog is open.
export function openLicences() {
  const frame = document.createElement("iframe");
  frame.id = "licences-frame";
  frame.title = t("licences-frame");
  frame.src = "licences.html";
  $("licences-holder").replaceChildren(frame);
  $("licences").showModal();
}

export function closeLicences() {
  $("licences").close();
}

export function forgetLicences() {
  $("licences-holder").replaceChildren();
}

export async function chooseServer(url, button) {
  $("settings-error").textContent = "";
  await busy(button, async () => {
    try {
      const server = await ipc.useServer(url);
      $("settings").close();
      announce(t(...serverMessage(server)));
      await boot();
    } catch (failure) {
      $("settings-error").textContent = messageOf(failure);
    }
  });
}

// What the background look for updates found (src-tauri/src/updates/). On
// Linux the system's software updater installs; on Windows and macOS the
// app does, when the person presses "Install and restart".
export async function showUpdate() {
  let status;
  try {
    status = await ipc.updateStatus();
  } catch (failure) {
    console.warn("update status", failure);
    return;
  }
  const text = $("update-notice-text");
  const byApp = status.state === "ready" && status.installer === "app";
  if (status.state === "ready" && byApp) {
    name(text, "update-ready-app", { version: status.version });
  } else if (status.state === "ready") {
    name(text, "update-ready-system", { version: status.version });
  } else if (status.state === "installed") {
    name(text, "update-installed", { version: status.version });
  }
  $("update-install").hidden = !byApp;
  $("update-notice").hidden = status.state !== "ready" && status.state !== "installed";
}

// Refused while a key operation runs or a login, a phone number, a proof or
// a recovery key is unfinished: the error says what to finish first. On
// success the app restarts, so only a failure comes back.
export async function installUpdate(button) {
  const error = $("update-install-error");
  error.textContent = "";
  await busy(button, async () => {
    announce(t("update-downloading"));

    try {
      await ipc.updateInstall();
    } catch (failure) {
      error.textContent = messageOf(failure);
    }
  });
}
