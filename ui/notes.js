// Notes: written on this device, encrypted for the patient and her clinician.

import * as ipc from "./ipc.js";
import { name, t } from "./l10n.js";
import { $, announce, busy, messageOf, state, dateOf } from "./view.js";


export async function refreshNotes() {
  try {
    renderNotes(await ipc.samples());
  } catch (failure) {
    $("notes-empty").textContent = messageOf(failure);
    $("notes-empty").hidden = false;
  }
}

// A clinician reads many patients' notes: they come grouped by patient
// (the one who wrote most recently first, each group newest first), under
// the patient's name and how many notes they shared. A patient's own list
// stays one list.
export function renderNotes(notes) {
  const own = state.homeProfile && state.homeProfile.userId;
  const grouped = state.homeProfile && state.homeProfile.role === "clinician";
  const who = (note) => (note.ownerId === own ? "you" : note.ownerName);
  if (!grouped) {
    $("notes-list").replaceChildren(...notes.map((note) => noteItem(note, who(note))));
  } else {
    // The server answers newest first, so a Map keeps the groups in the
    // order of their latest note.
    const groups = new Map();
    for (const note of notes) {
      if (!groups.has(note.ownerId)) groups.set(note.ownerId, []);
      groups.get(note.ownerId).push(note);
    }
    $("notes-list").replaceChildren(...[...groups.values()].map((group) => {
      const item = document.createElement("li");
      item.className = "note-group";
      const heading = document.createElement("h3");
      name(heading, "notes-group", { author: who(group[0]), count: group.length });
      const list = document.createElement("ol");
      list.className = "notes";
      list.append(...group.map((note) => noteItem(note, null)));
      item.append(heading, list);
      return item;
    }));
  }
  name($("notes-empty"), "notes-empty");
  $("notes-empty").hidden = notes.length > 0;
}

function noteItem(note, author) {
  const item = document.createElement("li");
  item.className = "note";
  const head = document.createElement("div");
  head.className = "note-head";
  // Who wrote it ("you", or the author's name), unless its group says so.
  const by = document.createElement("span");
  if (author) name(by, "note-author", { author });
  const when = document.createElement("time");
  when.dateTime = note.createdAt;
  when.textContent = dateOf(note.createdAt);
  head.append(by, when);
  const text = document.createElement("p");
  text.className = note.text === null ? "note-text unreadable" : "note-text";
  if (note.text === null) name(text, "note-unreadable");
  else text.textContent = note.text;
  item.append(head, text);
  return item;
}

export async function submitNote(event) {
  event.preventDefault();
  const error = $("note-error");
  error.textContent = "";
  const text = $("note-text").value;
  if (!text.trim()) {
    error.textContent = t("note-empty");
    $("note-text").focus();
    return;
  }
  await busy($("note-submit"), async () => {
    try {
      await ipc.writeSample(text);
      $("note-text").value = "";
      announce(t("note-saved"));

      await refreshNotes();
    } catch (failure) {
      error.textContent = messageOf(failure);
    }
  });
}
