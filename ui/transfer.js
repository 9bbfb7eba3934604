// Sending the key to a new device, and exporting it to a file.

import * as ipc from "./ipc.js";
import { name, plain, t } from "./l10n.js";
import { refreshActivity } from "./home.js";
import { nameBackupStep, showQr } from "./keys.js";
import { $, announce, busy, messageOf, secondsUntil } from "./view.js";

let transferTimer = null;

export function closeTransfer() {
  if (transferTimer) clearInterval(transferTimer);
  transferTimer = null;
  $("transfer-text").textContent = "";
  $("transfer-qr").replaceChildren();
  $("transfer-panel").hidden = true;
}

export async function offerTransfer() {
  closeExport();
  await busy($("home-transfer"), async () => {
    try {
      const offer = await ipc.offerTransfer();
      $("transfer-text").textContent = offer.code.text;
      showQr($("transfer-qr"), offer.code.qrSvg);
      $("transfer-panel").hidden = false;
      const tick = () => {
        const left = secondsUntil(offer.expiresAt);
        if (left <= 0) {
          closeTransfer();
          announce(t("transfer-expired"));
          return;
        }
        name($("transfer-intro"), "transfer-intro", { left: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}` });
      };
      tick();
      transferTimer = setInterval(tick, 1000);
      $("transfer-copy").focus();
      refreshActivity();
    } catch (failure) {
      announce(messageOf(failure));
      plain($("home-backup-status"), messageOf(failure));
    }
  });
}

export async function copyTransfer() {
  try {
    await navigator.clipboard.writeText($("transfer-text").textContent);
    announce(t("transfer-copied"));
  } catch {
    const range = document.createRange();
    range.selectNodeContents($("transfer-text"));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    announce(t("transfer-selected"));
  }
}

export function openExport() {
  closeTransfer();
  for (const id of ["export-password", "export-confirm"]) $(id).value = "";
  plain($("export-step"), "");
  $("export-error").textContent = "";
  $("export-form").hidden = false;
  $("export-password").focus();
}

export function closeExport() {
  for (const id of ["export-password", "export-confirm"]) $(id).value = "";
  $("export-form").hidden = true;
}

export async function submitExport(event) {
  event.preventDefault();
  $("export-error").textContent = "";
  await busy($("export-submit"), async () => {
    try {
      const saved = await ipc.exportBackup($("export-password").value, $("export-confirm").value, (step) => {
        nameBackupStep($("export-step"), step);
      });
      for (const id of ["export-password", "export-confirm"]) $(id).value = "";
      name($("export-step"), "export-saved-to", { path: saved.path });
      announce(t("export-file-saved", { path: saved.path }));
    } catch (failure) {
      plain($("export-step"), "");

      $("export-error").textContent = messageOf(failure);
    }
  });
}
