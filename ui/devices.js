// Where the account is logged in: each session's device (the name it gave
// itself), when it logged in and was last seen, roughly where its login
// came from (if the server knows), this device marked; the
// others can be logged out one at a time or all at once.

import * as ipc from "./ipc.js";
import { name, t } from "./l10n.js";
import { $, announce, busy, dateOf, messageOf } from "./view.js";

export async function refreshSessions() {
  $("account-sessions-error").textContent = "";
  try {
    renderSessions(await ipc.accountSessions());
  } catch (failure) {
    $("account-sessions-error").textContent = messageOf(failure);
  }
}

function renderSessions(sessions) {
  $("account-sessions-list").replaceChildren(...sessions.map((session) => {
    const item = document.createElement("li");
    item.dataset.sessionId = session.id;
    // What the device called itself: shown as text, never as markup.
    const device = document.createElement("strong");
    device.textContent = session.deviceName;
    const facts = document.createElement("p");
    facts.className = "hint";
    // Where the login came from, when the server has a places database.
    name(facts, "session-facts", {
      created: dateOf(session.createdAt),
      seen: dateOf(session.lastSeenAt),
      place: session.place || "none",
      here: session.thisDevice ? "yes" : "no",
    });
    item.append(device, facts);
    if (!session.thisDevice) {
      const end = document.createElement("button");
      end.type = "button";
      end.className = "secondary";
      name(end, "log-out");
      end.addEventListener("click", () => endSession(end, session));
      item.append(end);
    }
    return item;
  }));
  $("sessions-end-others").hidden = !sessions.some((session) => !session.thisDevice);
}

async function endSession(button, session) {
  // The first press asks, the second does it.
  if (button.dataset.armed !== "yes") {
    button.dataset.armed = "yes";
    name(button, "session-end-confirm", { device: session.deviceName });
    return;
  }
  $("account-sessions-error").textContent = "";
  await busy(button, async () => {
    try {
      await ipc.endSession(session.id);
      announce(t("session-ended"));
      await refreshSessions();
    } catch (failure) {
      $("account-sessions-error").textContent = messageOf(failure);
    }
  });
}

export async function endOtherSessions(button) {
  if (button.dataset.armed !== "yes") {
    button.dataset.armed = "yes";
    name(button, "sessions-end-others-confirm");
    return;
  }
  $("account-sessions-error").textContent = "";
  await busy(button, async () => {
    try {
      const ended = await ipc.endOtherSessions();
      announce(t("sessions-ended", { count: ended }));
      await refreshSessions();
    } catch (failure) {
      $("account-sessions-error").textContent = messageOf(failure);
    }
  });
  button.dataset.armed = "";
  name(button, "sessions-end-others");
}
