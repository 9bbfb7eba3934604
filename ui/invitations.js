// Invitations: a clinician makes one (QR code and links), lists and
// withdraws them; a patient who opened one registers through it, or names
// the clinician through it from home. The invitation's secret never comes
// to this page on the patient's side: the backend keeps what was opened,
// and the page learns only who invites (state.invitation).

import * as ipc from "./ipc.js";
import { showContact } from "./contact.js";
import { showHome } from "./home.js";
import { showQr } from "./keys.js";
import { name, t } from "./l10n.js";
import { $, announce, busy, dateOf, messageOf, state, timeOf } from "./view.js";

// -- The clinician's side --

let shownLinks = null;

export function closeInvitation() {
  shownLinks = null;
  $("invite-qr").replaceChildren();
  $("invite-link").textContent = "";
  $("invite-shown").hidden = true;
}

export async function makeInvitation(event) {
  event.preventDefault();
  $("invite-error").textContent = "";
  await busy($("invite-submit"), async () => {
    try {
      const made = await ipc.makeInvitation(Number($("invite-uses").value), Number($("invite-minutes").value));
      shownLinks = made;
      showQr($("invite-qr"), made.qrSvg);
      $("invite-link").textContent = made.link;
      name($("invite-facts"), "invitation-facts", factsOf(made.invitation));
      $("invite-shown").hidden = false;
      $("invite-shown").dataset.invitationId = made.invitation.invitationId;
      announce(t("invitation-ready"));
      $("invite-copy").focus();
      await refreshInvitations();
    } catch (failure) {
      $("invite-error").textContent = messageOf(failure);
    }
  });
}

// The arguments of the messages that say how long an invitation works.
function factsOf(invitation) {
  return { count: invitation.usesLeft, until: dateOf(invitation.expiresAt) };
}

export async function copyInvitation(which) {
  if (!shownLinks) return;
  const text = which === "app" ? shownLinks.appLink : shownLinks.link;
  try {
    await navigator.clipboard.writeText(text);
    announce(t("invitation-copied"));
  } catch {
    const range = document.createRange();
    range.selectNodeContents($("invite-link"));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    announce(t("invitation-selected"));
  }
}

export async function refreshInvitations() {
  try {
    renderInvitations(await ipc.invitations());
  } catch (failure) {
    $("invite-error").textContent = messageOf(failure);
  }
}

function renderInvitations(invitations) {
  $("invitations-list").replaceChildren(...invitations.map((invitation) => {
    const item = document.createElement("li");
    item.dataset.invitationId = invitation.invitationId;
    const text = document.createElement("span");
    name(text, "invitation-listed", { made: timeOf(invitation.createdAt), ...factsOf(invitation) });
    const withdraw = document.createElement("button");
    withdraw.type = "button";
    withdraw.className = "link";
    withdraw.dataset.withdraw = "yes";
    name(withdraw, "invite-withdraw");
    withdraw.addEventListener("click", () => revokeInvitation(withdraw, invitation.invitationId));
    item.append(text, " ", withdraw);
    return item;
  }));
  $("invitations-title").hidden = invitations.length === 0;
}

export async function revokeInvitation(button, invitationId) {
  $("invite-error").textContent = "";
  await busy(button, async () => {
    try {
      await ipc.revokeInvitation(invitationId);
      if ($("invite-shown").dataset.invitationId === invitationId) closeInvitation();
      announce(t("invitation-withdrawn"));
      await refreshInvitations();
    } catch (failure) {
      $("invite-error").textContent = messageOf(failure);
    }
  });
}

// -- The patient's side --

function nameOf(invitedBy) {
  return `${invitedBy.firstName} ${invitedBy.lastName}`;
}

// An invitation was opened (a link from the clinician): logged out, the
// registration form opens with him chosen; a patient at home is asked
// whether to make him her clinician.
export function invitationOpened(invitedBy) {
  state.invitation = invitedBy;
  const profile = state.homeProfile;
  if (profile && !profile.guest && !$("screen-home").hidden) {
    showInvitationOnHome();
    return;
  }
  showContact("register");
  announce(t("invited-register", { clinician: nameOf(invitedBy) }));
}

// The registration form through an invitation: a patient's, the
// clinician chosen and his ID not to be typed.
export function showInvitedFields() {
  const invited = state.mode === "register" ? state.invitation : null;
  $("clinician-invited").hidden = !invited;
  $("clinician-id").readOnly = Boolean(invited);
  if (!invited) return;
  const patientRole = document.querySelector('input[name="role"][value="patient"]');
  patientRole.checked = true;
  $("clinician-id").value = invited.clinicianId;
  name($("clinician-invited-text"), "invited-follows", { clinician: nameOf(invited) });
}

export function dropInvitation() {
  state.invitation = null;
  ipc.forgetInvitation().catch(() => {});
  $("clinician-id").value = "";
  $("clinician-invited").hidden = true;
  $("clinician-id").readOnly = false;
  $("home-invitation").hidden = true;
  $("clinician-id").focus();
}

// After a login: a new account was made through it (the server used it),
// or an existing account logged in, which may still accept it from home.
export function afterLogin(isNewUser) {
  if (!state.invitation) return;
  if (isNewUser) {
    state.invitation = null;
    ipc.forgetInvitation().catch(() => {});
  }
}

export function showInvitationOnHome() {
  const invited = state.invitation;
  const profile = state.homeProfile;
  const box = $("home-invitation");
  if (!invited || !profile || profile.guest) {
    box.hidden = true;
    return;
  }
  $("invitation-error").textContent = "";
  const patient = profile.role === "patient";
  $("invitation-accept").hidden = !patient;
  name($("home-invitation-text"), patient ? "invitation-for-you" : "invitation-for-patients", {
    clinician: nameOf(invited),
  });
  box.hidden = false;
}

export async function acceptInvitation() {
  $("invitation-error").textContent = "";
  await busy($("invitation-accept"), async () => {
    try {
      const profile = await ipc.acceptInvitation();
      const clinician = nameOf(state.invitation);
      state.invitation = null;
      $("home-invitation").hidden = true;
      announce(t("invitation-accepted", { clinician }));
      showHome(profile);
    } catch (failure) {
      $("invitation-error").textContent = messageOf(failure);
    }
  });
}

export function dismissInvitation() {
  state.invitation = null;
  ipc.forgetInvitation().catch(() => {});
  $("home-invitation").hidden = true;
  announce(t("invitation-set-aside"));
}
