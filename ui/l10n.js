// The page's words in the person's language. The app hands over the
// Fluent catalog of the language it shows (assets/locales/<tag>/app.ftl;
// the choice is the app's: Settings, else the system's language), and
// @fluent/bundle (vendored, unmodified, in vendor/) formats it here:
// plurals, variables and selections are Fluent's, never strings glued
// together. Elements name their message with data-l10n-id; the screens'
// own sentences come from t().

import * as ipc from "./ipc.js";

let bundle = null;
// The Fluent library, imported when a catalog is first read: not on the
// start's path when the page is English (tests/bench/startup.sh).
let fluent = null;
// An English catalog not read yet: the page's HTML is English already.
let unread = null;
export let language = "en";
export let offered = [];
// Whether the person chose the language on this device (else the system's).
export let chosen = false;

// The pseudo-locale (debug builds): every letter accented and every vowel
// doubled, about 40 % longer than English, between brackets, so that
// text cut off, overflowing or never translated shows at a glance.
const ACCENTED = Object.fromEntries(
  [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"].map((letter, index) =>
    [letter, [..."ȧƀƈḓḗƒɠħīĵķŀḿƞǿƥɋřşŧŭṽẇẋẏẑȦƁƇḒḖƑƓĦĪĴĶĿḾȠǾƤɊŘŞŦŬṼẆẊẎẐ"][index]]),
);

function pseudo(text) {
  const long = text.replace(/[aeiouAEIOU]/g, (vowel) => vowel + vowel);
  return [...long].map((c) => ACCENTED[c] ?? c).join("");
}

// A whole message between brackets in the pseudo-locale (the transform
// sees its pieces one by one).
let bracketed = (text) => text;

// Asks the app which language to show and shows it. Plain English, which
// the page is written in, comes without its catalog and is only noted:
// `settleLanguage` asks for the catalog once the first screen shows.

export async function loadLanguage() {
  const view = await ipc.uiLanguage(true);
  if (view.source === undefined) {
    unread = view;
    note(view);
  } else {
    await use(view);
  }
}

// Reads the noted English catalog, once: what formats a sentence with t()
// (rather than naming an element, which is written again when the catalog
// arrives) awaits this first if it can run before the first screen.
let settling = null;
export function settleLanguage() {
  if (unread) {
    unread = null;
    // A language chosen meanwhile (Settings) has its catalog already.
    settling = ipc.uiLanguage().then((view) => (bundle ? undefined : use(view)));
  }
  return settling ?? Promise.resolve();
}


function note(view) {
  language = view.language;
  offered = view.offered;
  chosen = view.chosen;
  document.documentElement.lang = view.pseudo ? "en" : view.language;
}

// Elements named before any catalog was read (an English start's first
// screen): the English catalog, when it comes, writes only these, since
// the page's HTML says the rest in English already. Writing all 400 marked
// elements again cost 3.6 MiB of the app's memory for nothing (PSS, median
// of 15 in tests/bench/startup.sh: 304.8 MiB, 301.2 MiB without).
let namedEarly = new Set();

// Shows `view` ({language, source, pseudo, offered, chosen}): the catalog
// it brings becomes the page's, and every marked element is written again.
export async function use(view) {
  const englishAlready = !bundle && view.language === "en" && !view.pseudo;
  unread = null;
  fluent ??= await import("./vendor/fluent-bundle/index.js");
  const { FluentBundle, FluentResource } = fluent;
  const next = new FluentBundle(view.pseudo ? "en" : view.language, {
    useIsolating: false,
    transform: view.pseudo ? pseudo : (text) => text,
  });
  const errors = next.addResource(new FluentResource(view.source));
  if (errors.length) console.error("catalog", view.language, errors);
  bundle = next;
  bracketed = view.pseudo ? (text) => `[${text}]` : (text) => text;
  note(view);
  const early = namedEarly;
  namedEarly = new Set();
  if (englishAlready) {
    for (const element of early) write(element);
  } else {
    localise(document);
  }
}

// Message `id` with `args`; a message the catalog lacks (a programming
// error: src-tauri's language tests check every id the page uses) shows as
// its id, as does any before the catalog is read (the first moments of an
// English start, before any screen that asks).
export function t(id, args) {
  const message = bundle?.getMessage(id);
  if (!message?.value) return id;
  return bracketed(bundle.formatPattern(message.value, args));
}

export function has(id) {
  return Boolean(bundle?.hasMessage(id));
}

// Writes every element under `root` that names a message: its text (an
// element whose message has no value keeps its own) and its attributes
// (a message's .aria-label, .placeholder…).
export function localise(root) {
  for (const element of root.querySelectorAll("[data-l10n-id]")) write(element);
}

function write(element) {
  if (!bundle) {
    namedEarly.add(element);
    return;
  }
  const message = bundle.getMessage(element.dataset.l10nId);
  if (!message) return;

  const args = element.dataset.l10nArgs ? JSON.parse(element.dataset.l10nArgs) : undefined;
  if (message.value) element.textContent = bracketed(bundle.formatPattern(message.value, args));
  for (const [attribute, pattern] of Object.entries(message.attributes)) {
    element.setAttribute(attribute, bracketed(bundle.formatPattern(pattern, args)));
  }
}

// Names `element`'s message (and its arguments) and writes it now; it is
// written again, in the new language, when the language changes.
export function name(element, id, args) {
  element.dataset.l10nId = id;
  if (args) element.dataset.l10nArgs = JSON.stringify(args);
  else delete element.dataset.l10nArgs;
  write(element);
}

// Writes `text`, which is not a message (a person's words, an error's
// sentence, or nothing), into an element that may have named one: a new
// language then leaves it alone.
export function plain(element, text) {
  delete element.dataset.l10nId;
  delete element.dataset.l10nArgs;
  element.textContent = text;
}

// Writes message `id` into `element`, or empties it when there is none.
export function nameOrClear(element, id, args) {
  if (id) name(element, id, args);
  else plain(element, "");
}

// A time of day and a date, as the page's language writes them.

export function timeOf(iso) {
  return new Date(iso).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" });
}

export function dateOf(iso) {
  return new Date(iso).toLocaleString(locale(), { dateStyle: "medium", timeStyle: "short" });
}

// Compares names as the page's language sorts them.
export function collator() {
  return new Intl.Collator(locale());
}

// The tag Intl formats with: the pseudo-locale writes as English.
export function locale() {
  return language === "en-XA" ? "en" : language;
}
