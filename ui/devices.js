// Where the account is logged in: each session's device (the name it gave
// itself), when it logged in and was last seen, roughly where its login
// came from (if the server knows), this device marked; the
// others can be logged out one at a time or all at once.

import * as ipc from "./ipc.js";
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
    const name = document.createElement("strong");
    name.textContent = session.deviceName;
    const facts = document.createElement("p");
    facts.className = "hint";
    const dates = `Logged in ${dateOf(session.createdAt)} · last seen ${dateOf(session.lastSeenAt)}`;
    // Where the login came from, when the server has a places database.
    const where = session.place ? ` · logged in near ${session.place}` : "";
    facts.textContent = session.thisDevice ? `${dates}${where} · this device` : `${dates}${where}`;
    item.append(name, facts);
    if (!session.thisDevice) {
      const end = document.createElement("button");
      end.type = "button";
      end.className = "secondary";
      end.textContent = "Log out";
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
    button.textContent = `Log out ${session.deviceName}`;
    return;
  }
  $("account-sessions-error").textContent = "";
  await busy(button, async () => {
    try {
      await ipc.endSession(session.id);
      announce("That device is logged out. It needs a new code to log in again.");
      await refreshSessions();
    } catch (failure) {
      $("account-sessions-error").textContent = messageOf(failure);
    }
  });
}

export async function endOtherSessions(button) {
  if (button.dataset.armed !== "yes") {
    button.dataset.armed = "yes";
    button.textContent = "Log out every other device now";
    return;
  }
  $("account-sessions-error").textContent = "";
  await busy(button, async () => {
    try {
      const ended = await ipc.endOtherSessions();
      announce(ended === 1 ? "1 other device is logged out." : `${ended} other devices are logged out.`);
      await refreshSessions();
    } catch (failure) {
      $("account-sessions-error").textContent = messageOf(failure);
    }
  });
  button.dataset.armed = "";
  button.textContent = "Log out all other devices";
}
