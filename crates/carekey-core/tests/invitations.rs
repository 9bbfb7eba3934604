//! A clinician's invitation, end to end through the client against a real
//! server on port 0 (issue 16): he makes one (its links and QR code), the
//! link a patient's device receives parses as an invitation, tells her who
//! invites, and she registers through it as his patient at once; a patient
//! with an account names him through another; a withdrawn one admits
//! nobody, and a login link is never taken for an invitation.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use carekey_api::{CareStatus, Role};
use carekey_core::Client;
use carekey_core::links::{self, AppLink};
use carekey_core::{NewAccount, invitations};
use common::{Server, email_contact, memory, server, unique};

/// A new clinician on a device of his own, and his id.
async fn clinician_on(server: &Server, prefix: &str) -> (Client, String) {
    let (client, _) = server.logged_in_clinician(&memory(), prefix).await;
    let id = client.profile().await.unwrap().user_id;
    (client, id)
}

fn patient(invitation: Option<carekey_api::SecretString>) -> NewAccount {
    NewAccount {
        first_name: "Lisa".into(),
        last_name: "Cuddy".into(),
        role: Role::Patient,
        responsible_clinician_id: None,
        invitation,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_registers_through_a_clinicians_invitation_and_is_his_patient_at_once() {
    let server = server(|_| {}).await;
    let (house, house_id) = clinician_on(&server, "house").await;
    let shown = house.invite(None, None).await.unwrap();
    assert!(shown.qr_svg.starts_with("<?xml") || shown.qr_svg.contains("<svg"));
    assert_eq!(shown.invitation.uses_left, 1);
    assert_eq!(house.invitations().await.unwrap().len(), 1);

    // Her device gets the https link (scanned) and the app link: both are
    // the same invitation, and neither a login.
    let device = server.client(&memory());
    let from_qr = links::parse(shown.link.expose(), device.server()).unwrap();
    let from_app = links::parse(shown.app_link.expose(), device.server()).unwrap();
    assert_eq!(from_qr, from_app);
    assert!(matches!(from_qr, AppLink::Invitation { .. }));
    assert_eq!(
        device
            .complete_with_link(&from_qr)
            .await
            .unwrap_err()
            .code(),
        "not_a_login_link"
    );
    let token = invitations::token_of(&from_qr).unwrap();
    let invited_by = device.open_invitation(&token).await.unwrap();
    assert_eq!(invited_by.clinician_id, house_id);
    assert_eq!(invited_by.last_name, "House");

    let email = unique("lisa");
    device
        .start(&email_contact(&email), Some(&patient(Some(token.clone()))))
        .await
        .unwrap();
    let code = server.code(&email, 1).await;
    let done = device.complete(&code).await.unwrap();
    assert!(done.is_new_user);
    assert_eq!(
        done.profile.responsible_clinician_id.as_deref(),
        Some(house_id.as_str())
    );
    assert_eq!(done.profile.care_status, Some(CareStatus::Accepted));
    // It admitted its one patient.
    assert!(house.invitations().await.unwrap().is_empty());
    let again = device.open_invitation(&token).await.unwrap_err();
    assert_eq!(again.code(), "invitation_ended", "{again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_with_an_account_accepts_an_invitation_and_a_withdrawn_one_admits_nobody() {
    let server = server(|_| {}).await;
    let (house, house_id) = clinician_on(&server, "house").await;
    let (wilson, wilson_id) = clinician_on(&server, "wilson").await;
    let device = server.client(&memory());
    let email = unique("rachel");
    let account = NewAccount {
        responsible_clinician_id: Some(house_id.clone()),
        ..patient(None)
    };
    device
        .start(&email_contact(&email), Some(&account))
        .await
        .unwrap();
    device
        .complete(&server.code(&email, 1).await)
        .await
        .unwrap();

    let shown = wilson.invite(Some(2), Some(15)).await.unwrap();
    let link = links::parse(shown.app_link.expose(), device.server()).unwrap();
    let token = invitations::token_of(&link).unwrap();
    let profile = device.accept_invitation(&token).await.unwrap();
    assert_eq!(
        profile.responsible_clinician_id.as_deref(),
        Some(wilson_id.as_str())
    );
    assert_eq!(profile.care_status, Some(CareStatus::Accepted));
    let listed = wilson.invitations().await.unwrap();
    assert_eq!(listed[0].uses_left, 1);

    // Withdrawn: the next patient cannot use it, and another clinician
    // cannot withdraw it.
    let other = house
        .revoke_invitation(&shown.invitation.invitation_id)
        .await
        .unwrap_err();
    assert_eq!(other.code(), "not_found", "{other}");
    wilson
        .revoke_invitation(&shown.invitation.invitation_id)
        .await
        .unwrap();
    let ended = device.accept_invitation(&token).await.unwrap_err();
    assert_eq!(ended.code(), "invitation_ended", "{ended}");
}
