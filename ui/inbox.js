// The Dev inbox: the messages the embedded server would have sent.

import * as ipc from "./ipc.js";
import { locale, name } from "./l10n.js";
import { $, INBOX_POLL_MS, state } from "./view.js";

export async function setUpInbox() {
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

export function setInboxOpen(open) {
  $("inbox").hidden = !open;
  $("inbox-toggle").setAttribute("aria-expanded", String(open));
  if (state.inboxTimer) clearInterval(state.inboxTimer);
  state.inboxTimer = open ? setInterval(pollInbox, INBOX_POLL_MS) : null;
}

export async function pollInbox() {
  try {
    const inbox = await ipc.devInbox();
    if (inbox.available) renderInbox(inbox.messages);
  } catch (error) {
    console.error(error);
  }
}

// Message ids are UUIDv7: their first 48 bits are the time it was queued.
export function sentAt(id) {
  const hex = id.replace(/-/g, "").slice(0, 12);
  const ms = Number.parseInt(hex, 16);
  return Number.isFinite(ms) ? new Date(ms) : null;
}

export function renderInbox(messages) {
  const seen = messages.map((message) => message.id).join(",");
  if (seen === state.inboxSeen) return;
  state.inboxSeen = seen;
  const list = $("inbox-list");
  list.replaceChildren(...messages.map((message) => {
    const item = document.createElement("li");
    item.className = "message";
    // Whom it was for, whatever language the heading is in.
    item.dataset.to = message.to;
    const head = document.createElement("div");
    head.className = "message-head";
    const to = document.createElement("span");
    name(to, "inbox-to", { channel: message.channel === "sms" ? "sms" : "email", to: message.to });
    const when = document.createElement("time");
    const at = sentAt(message.id);
    if (at) {
      when.dateTime = at.toISOString();
      when.textContent = at.toLocaleTimeString(locale());
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
