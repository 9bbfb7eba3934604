// Care: a patient and the clinician she named, and a clinician's patients.

import * as ipc from "./ipc.js";
import { noteHintFor, showHome } from "./home.js";
import { refreshNotes } from "./notes.js";
import { name, nameOrClear, t } from "./l10n.js";
import { $, announce, busy, messageOf, state, dateOf } from "./view.js";

// The clinician's answer as the patient's home shows it.
export const CARE_STATUS_TEXT = {
  pending: "care-status-pending",
  accepted: "care-status-accepted",
  declined: "care-status-declined",
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
  const statusId = !patient ? "" : (alone ? "care-status-none" : (CARE_STATUS_TEXT[status] || ""));
  nameOrClear($("home-care-status"), statusId);
  let id = "";
  let args;
  if (patient && status === "pending") {
    id = "care-pending";
  } else if (patient && status === "declined") {
    id = "care-declined";
  } else if (patient && status === "accepted" && shared > 0) {
    id = "care-accepted-shared";
    args = { count: shared };
  } else if (patient && status && status !== "accepted") {
    id = "care-not-accepted";
  }
  nameOrClear($("home-care"), id, args);
  $("home-care").hidden = !id;
  if (patient) name($("note-hint"), noteHintFor({ ...state.homeProfile, careStatus: status }));
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
    nameOrClear(status, {
      pending: "patient-pending",
      accepted: "patient-accepted",
      declined: "patient-declined",
    }[patient.careStatus] || "");
    head.append(who, status);
    const facts = document.createElement("p");
    facts.className = "hint";
    name(facts, "patient-facts", {
      contact: patient.email || patient.phone || "none",
      named: dateOf(patient.namedAt),
      notes: patient.notesShared || 0,
    });
    const actions = document.createElement("div");
    actions.className = "actions";
    const answer = (accept, label, secondary) => {
      const button = document.createElement("button");
      button.type = "button";
      name(button, label);
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
      name(lost, "patient-new-key", {
        patient: `${patient.firstName} ${patient.lastName}`,
        count: patient.notesToReshare,
      });
      const give = document.createElement("button");
      give.type = "button";
      give.dataset.reshare = "yes";
      name(give, "patient-give-back");
      give.addEventListener("click", () => reshareTo(give, patient));
      actions.append(give);
    }
    if (patient.careStatus !== "accepted") actions.append(answer(true, "patient-accept", false));
    if (patient.careStatus !== "declined") {
      actions.append(answer(false, patient.careStatus === "accepted" ? "patient-stop-following" : "patient-decline", true));
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
      announce(t("patient-given-back", { patient: `${patient.firstName} ${patient.lastName}`, count: sent }));
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
      const patientName = `${answered.firstName} ${answered.lastName}`;
      announce(t(accept ? "patient-accepted-now" : "patient-declined-now", { patient: patientName }));
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
    $("clinician-form-error").textContent = t("clinician-id-needed");
    return;
  }
  await busy($("clinician-submit"), async () => {
    try {
      const profile = await ipc.setClinician(id);
      announce(t("clinician-changed"));
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
    name(button, "clinician-stop-confirm");
    return;
  }
  $("clinician-stop-error").textContent = "";
  await busy(button, async () => {
    try {
      const profile = await ipc.setClinician(null);
      announce(t("clinician-stopped"));
      showHome(profile);
    } catch (failure) {
      $("clinician-stop-error").textContent = messageOf(failure);
    }
  });
  button.dataset.armed = "";
  name(button, "clinician-stop");
}
