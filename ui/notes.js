// Notes: written on this device, encrypted for the patient and her clinician.

import * as ipc from "./ipc.js";
import { $, announce, busy, messageOf, state, dateOf } from "./view.js";


export async function refreshNotes() {
  try {
    renderNotes(await ipc.samples());
  } catch (failure) {
    $("notes-empty").textContent = messageOf(failure);
    $("notes-empty").hidden = false;
  }
}

export function renderNotes(notes) {
  const own = state.homeProfile && state.homeProfile.userId;
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

export async function submitNote(event) {
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
