// Preferences kept with the account, and the server this app talks to.

import * as ipc from "./ipc.js";
import { boot } from "./start.js";
import { $, announce, busy, messageOf, state } from "./view.js";

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
    announce("Appearance saved.");
  } catch (failure) {
    $("preferences-error").textContent = messageOf(failure);
    applyPreferences(state.preferences);
  }
}

export function describeServer(server) {
  if (server.source === "embedded") return `Using the built-in server at ${server.url}.`;
  if (server.source === "environment") return `Using ${server.url}, set by CAREKEY_SERVER_URL.`;
  return `Using ${server.url}.`;
}

export async function openSettings() {
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

export async function chooseServer(url, button) {
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
