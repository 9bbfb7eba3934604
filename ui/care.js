// Care: a patient and the clinician she named, and a clinician's patients.

import * as ipc from "./ipc.js";
import { noteHintFor, showHome } from "./home.js";
import { refreshNotes } from "./notes.js";
import { $, announce, busy, messageOf, state, dateOf } from "./view.js";

export const CARE_STATUS_TEXT = {
  pending: "(waiting for them to accept you)",
  accepted: "(accepted you)",
  declined: "(declined)",
};

let careTimer = null;
// How often a waiting patient's home asks whether her clinician answered.
export const CARE_POLL_MS = 20000;

// Where the patient stands with the clinician she named, and what her
// device just shared with them. A status this app does not know reads as
// "not accepted": nothing is shared until the server says accepted.
export function showCare(status, shared) {
  const patient = state.homeProfile && state.homeProfile.role === "patient" && !state.homeProfile.guest;
  const alone = patient && !state.homeProfile.responsibleClinicianId;
  $("home-care-status").textContent = !patient ? "" : (alone ? "None: your notes are yours alone." : (CARE_STATUS_TEXT[status] || ""));
  let text = "";
  if (patient && status === "pending") {
    text = "Your clinician has not accepted you yet. Until they do, your notes are kept for you alone; once they accept, CareKey shares them with your clinician.";
  } else if (patient && status === "declined") {
    text = "Your clinician declined to follow you in CareKey. Your notes are kept for you alone. If this is a mistake, ask them to accept you.";
  } else if (patient && status === "accepted" && shared > 0) {
    const notes = shared === 1 ? "1 earlier note is" : `${shared} earlier notes are`;
    text = `Your clinician accepted you: ${notes} now shared with them.`;
  } else if (patient && status && status !== "accepted") {
    text = "Your clinician has not accepted you yet: your notes are kept for you alone.";
  }
  $("home-care").textContent = text;
  $("home-care").hidden = !text;
  if (patient) $("note-hint").textContent = noteHintFor({ ...state.homeProfile, careStatus: status });
}

// Asks the server where the patient stands; once accepted, her device
// shares the notes she wrote before. While she waits, it asks again now and
// then, so the home screen changes when her clinician answers.
export async function refreshCare() {
  clearTimeout(careTimer);
  careTimer = null;
  const profile = state.homeProfile;
  if (!profile || profile.role !== "patient" || profile.guest || $("screen-home").hidden) return;
  try {
    const care = await ipc.shareEarlierNotes();
    if (state.homeProfile !== profile) return;
    profile.careStatus = care.careStatus;
    showCare(care.careStatus, care.shared);
    if (care.shared > 0) await refreshNotes();
  } catch (failure) {
    // The next look tries again; the notes stay safe on the server meanwhile.
    console.warn("care status", failure && failure.code);
  }
  if (state.homeProfile === profile && profile.careStatus !== "accepted") {
    careTimer = setTimeout(refreshCare, CARE_POLL_MS);
  }
}

export async function refreshPatients() {
  $("patients-error").textContent = "";
  try {
    renderPatients(await ipc.patients());
  } catch (failure) {
    $("patients-error").textContent = messageOf(failure);
  }
}

export function renderPatients(patients) {
  $("patients-list").replaceChildren(...patients.map((patient) => {
    const item = document.createElement("li");
    item.className = "patient";
    item.dataset.patientId = patient.userId;
    const head = document.createElement("div");
    head.className = "note-head";
    const who = document.createElement("strong");
    who.textContent = `${patient.firstName} ${patient.lastName}`;
    const status = document.createElement("span");
    status.className = "care-status";
    status.textContent = {
      pending: "Waiting for your answer",
      accepted: "Accepted",
      declined: "Declined",
    }[patient.careStatus] || "";
    head.append(who, status);
    const facts = document.createElement("p");
    facts.className = "hint";
    const contact = patient.email || patient.phone || "no contact given";
    const notes = patient.notesShared === 1 ? "1 note shared" : `${patient.notesShared || "no"} notes shared`;
    facts.textContent = `${contact} · named you ${dateOf(patient.namedAt)} · ${notes}`;
    const actions = document.createElement("div");
    actions.className = "actions";
    const answer = (accept, label, secondary) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.dataset.answer = accept ? "accept" : "decline";
      if (secondary) button.className = "secondary";
      button.addEventListener("click", () => answerPatient(button, patient, accept));
      return button;
    };
    // The patient made a new key and cannot open these; this device can.
    const lost = document.createElement("p");
    lost.className = "notice";
    lost.hidden = !(patient.notesToReshare > 0);
    if (patient.notesToReshare > 0) {
      const count = patient.notesToReshare === 1 ? "1 of their notes" : `${patient.notesToReshare} of their notes`;
      lost.textContent = `${patient.firstName} ${patient.lastName} made a new key and cannot open ${count}. Your device can give them back.`;
      const give = document.createElement("button");
      give.type = "button";
      give.dataset.reshare = "yes";
      give.textContent = "Give the notes back";
      give.addEventListener("click", () => reshareTo(give, patient));
      actions.append(give);
    }
    if (patient.careStatus !== "accepted") actions.append(answer(true, "Accept", false));
    if (patient.careStatus !== "declined") {
      actions.append(answer(false, patient.careStatus === "accepted" ? "Stop following" : "Decline", true));
    }
    item.append(head, facts, lost, actions);
    return item;
  }));
  $("patients-empty").hidden = patients.length > 0;
}

// Wraps her notes' keys for the key she made since (care-team recovery).
export async function reshareTo(button, patient) {
  $("patients-error").textContent = "";
  await busy(button, async () => {
    try {
      const sent = await ipc.reshareToPatient(patient.userId);
      announce(`${patient.firstName} ${patient.lastName} can open ${sent === 1 ? "1 note" : `${sent} notes`} again.`);
      await refreshPatients();
    } catch (failure) {
      $("patients-error").textContent = messageOf(failure);
    }
  });
}

export async function answerPatient(button, patient, accept) {
  $("patients-error").textContent = "";
  await busy(button, async () => {
    try {
      const answered = await ipc.answerPatient(patient.userId, accept);
      announce(accept
        ? `${answered.firstName} ${answered.lastName} is now your patient: their notes will be shared with you.`
        : `${answered.firstName} ${answered.lastName}: nothing new will be shared with you.`);
      await refreshPatients();
      await refreshNotes();
    } catch (failure) {
      $("patients-error").textContent = messageOf(failure);
    }
  });
}

// A patient names another clinician, or stops sharing. Both answer her
// profile; home then asks again whether her (new) clinician accepted her.
export function openClinicianForm() {
  $("care-clinician-id").value = "";
  $("clinician-form-error").textContent = "";
  $("clinician-form").hidden = false;
  $("clinician-title").focus();
}

export function closeClinicianForm() {
  $("clinician-form").hidden = true;
}

export async function submitClinician(event) {
  event.preventDefault();
  $("clinician-form-error").textContent = "";
  const id = $("care-clinician-id").value.trim();
  if (!id) {
    $("clinician-form-error").textContent = "Type your clinician's CareKey ID.";
    return;
  }
  await busy($("clinician-submit"), async () => {
    try {
      const profile = await ipc.setClinician(id);
      announce("Your clinician is changed. They see your notes once they accept you.");
      showHome(profile);
    } catch (failure) {
      $("clinician-form-error").textContent = messageOf(failure);
    }
  });
}

export async function stopSharing(button) {
  // The first press asks, the second does it.
  if (button.dataset.armed !== "yes") {
    button.dataset.armed = "yes";
    button.textContent = "Stop sharing new notes with my clinician";
    return;
  }
  $("clinician-stop-error").textContent = "";
  await busy(button, async () => {
    try {
      const profile = await ipc.setClinician(null);
      announce("You no longer share with a clinician. What you write from now on is yours alone.");
      showHome(profile);
    } catch (failure) {
      $("clinician-stop-error").textContent = messageOf(failure);
    }
  });
  button.dataset.armed = "";
  button.textContent = "Stop sharing";
}
