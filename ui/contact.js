// The welcome screen, the contact form (register or log in), and the
// captcha a server may ask for first.

import * as ipc from "./ipc.js";
import { showCode } from "./code.js";
import { showInvitedFields } from "./invitations.js";
import { collator, locale, name, t } from "./l10n.js";
import { applyPreferences } from "./settings.js";
import { $, announce, busy, messageOf, show, state, stopTicker } from "./view.js";

export function showWelcome(reason) {
  stopTicker();
  applyPreferences(null);
  const notice = $("welcome-reason");
  notice.textContent = reason || "";
  notice.hidden = !reason;
  show("welcome");
}

export async function showContact(mode) {
  state.mode = mode;
  const registering = mode === "register";
  name($("contact-title"), registering ? "contact-title-register" : "contact-title-login");
  $("register-fields").hidden = !registering;
  $("contact-whatsapp").hidden = !state.channels?.whatsapp;
  name($("contact-whatsapp"), registering ? "whatsapp-register" : "whatsapp-login");
  $("contact-error").textContent = "";
  showInvitedFields();
  updateContactFields();
  // Before the screen shows: its country list is there when it does.
  await fillCountries().catch((error) => console.error(error));
  show("contact");
}

export function via() {
  return document.querySelector('input[name="via"]:checked').value;
}

export function role() {
  return document.querySelector('input[name="role"]:checked').value;
}

// Registering asks for an email, a phone or both; logging in for the one
// the code should go to.
export function updateContactFields() {
  const registering = state.mode === "register";
  const byPhone = via() === "phone";
  $("via-field").hidden = registering;
  $("email-field").hidden = !registering && byPhone;
  $("phone-field").hidden = !registering && !byPhone;
  $("both-hint").hidden = !registering;
  name($("phone-label"), registering ? "phone-label-optional" : "phone-label");
  $("clinician-field").hidden = !registering || role() !== "patient";
}

let countryList = null;
// The language the pickers were filled in (none: not yet).
let countriesIn = null;

// The country pickers, each country named and sorted in the page's
// language (Intl), the one chosen kept. Filled when a screen that has one
// first shows (not at start: naming and sorting every country costs the
// start time and memory), and again when the language changes.
export async function fillCountries() {
  if (countriesIn === locale()) return;
  countryList ??= await ipc.countries();
  countriesIn = locale();
  const names = new Intl.DisplayNames([locale()], { type: "region" });
  const named = countryList.map((country) => ({ ...country, name: names.of(country.code) || country.name }));
  named.sort((a, b) => collator().compare(a.name, b.name));
  const region = (navigator.language || "").split("-")[1];
  for (const select of [$("country"), $("phone-country")]) {
    const chosen = select.options.length ? select.value : region;
    select.replaceChildren();
    for (const country of named) {
      const option = document.createElement("option");
      option.value = country.code;
      option.textContent = `${country.name} (${country.dial})`;
      if (country.code === chosen) option.selected = true;
      select.append(option);
    }
    const other = document.createElement("option");
    other.value = "";
    name(other, "country-other");
    if (chosen === "") other.selected = true;
    select.append(other);
  }
}

export const FIELD_OF_ERROR = {
  invalid_phone: "phone",
  invalid_email: "email",
};
const NAME_ERRORS = new Set(["name_needed", "invalid_name"]);

// The new account's details from the form, when registering.
export function accountInput() {
  if (state.mode !== "register") return null;
  return {
    firstName: $("first-name").value,
    lastName: $("last-name").value,
    role: role(),
    responsibleClinicianId: role() === "patient" ? $("clinician-id").value : null,
    throughInvitation: role() === "patient" && Boolean(state.invitation),
  };
}

export function showContactError(failure) {
  $("contact-error").textContent = messageOf(failure);
  const field = FIELD_OF_ERROR[failure.code];
  if (field) $(field).focus();
  else if (NAME_ERRORS.has(failure.code)) $("first-name").focus();
}

export async function submitContact(event) {
  event.preventDefault();
  $("contact-error").textContent = "";
  const phone = { phone: $("phone").value, country: $("country").value || null };
  const email = { email: $("email").value };
  const contact = state.mode === "register"
    ? { ...email, ...phone }
    : (via() === "phone" ? phone : email);
  await busy($("contact-submit"), async () => {
    try {
      await captchaFirst();
      state.sent = await ipc.startLogin(contact, accountInput());
      showCode(true);
    } catch (failure) {
      showContactError(failure);
    }
  });
}

// A server with captcha on wants, before it sends a code or opens an
// account, proof that a person asks: its own page shows the provider's
// check in a window of its own, whose token the backend keeps for the
// request that follows. Without captcha, nothing happens here.
export async function captchaFirst() {
  if (!state.channels?.captcha) return;
  announce(t("captcha-opens"));
  await ipc.solveCaptcha();
}
