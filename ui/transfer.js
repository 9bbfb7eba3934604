// Sending the key to a new device, and exporting it to a file.

import * as ipc from "./ipc.js";
import { refreshActivity } from "./home.js";
import { backupStepText, showQr } from "./keys.js";
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
          announce("The transfer code expired. Make a new one if you still need it.");
          return;
        }
        $("transfer-intro").textContent =
          `On your new device, log in, choose “My other device, which has the key”, and paste this code (or scan it). It works once, for ${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")} more.`;
      };
      tick();
      transferTimer = setInterval(tick, 1000);
      $("transfer-copy").focus();
      refreshActivity();
    } catch (failure) {
      announce(messageOf(failure));
      $("home-backup-status").textContent = messageOf(failure);
    }
  });
}

export async function copyTransfer() {
  try {
    await navigator.clipboard.writeText($("transfer-text").textContent);
    announce("The transfer code was copied.");
  } catch {
    const range = document.createRange();
    range.selectNodeContents($("transfer-text"));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    announce("The transfer code is selected: copy it with Ctrl+C.");
  }
}

export function openExport() {
  closeTransfer();
  for (const id of ["export-password", "export-confirm"]) $(id).value = "";
  $("export-step").textContent = "";
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
        $("export-step").textContent = backupStepText(step);
      });
      for (const id of ["export-password", "export-confirm"]) $(id).value = "";
      $("export-step").textContent = `Saved to ${saved.path}`;
      announce(`Your backup file is saved to ${saved.path}.`);
    } catch (failure) {
      $("export-step").textContent = "";
      $("export-error").textContent = messageOf(failure);
    }
  });
}
