//! A clinician's answer to the patients who named him. Until he accepts a
//! patient, her device shares nothing with him (the server refuses it and
//! hands out none of his keys); this module is how his device lists them and
//! answers, and how hers learns whether to wrap her notes for him.

use crate::error::CoreError;
use carekey_api::{CareStatus, Patient, Profile};

/// Whether a patient's notes go to her responsible clinician: only once he
/// has accepted her. A status this client does not know counts as not yet.
pub fn shares_with_clinician(profile: &Profile) -> bool {
    profile.responsible_clinician_id.is_some() && profile.care_status == Some(CareStatus::Accepted)
}

impl crate::Client {
    /// The patients who named this clinician, those waiting first.
    pub async fn patients(&self) -> Result<Vec<Patient>, CoreError> {
        let patients = self
            .sessions
            .with_token(|token| async move { self.api.patients(&token).await })
            .await?;
        Ok(patients.patients)
    }

    /// Accepts (`true`) or declines (`false`) a patient who named this
    /// clinician; answers her as she now stands.
    pub async fn answer_patient(
        &self,
        patient_id: &str,
        accept: bool,
    ) -> Result<Patient, CoreError> {
        let answer = if accept { "accept" } else { "decline" };
        self.sessions
            .with_token(
                |token| async move { self.api.answer_patient(&token, patient_id, answer).await },
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use carekey_api::Role;

    #[test]
    fn only_an_accepted_patient_shares_with_her_clinician() {
        let profile = |status: Option<CareStatus>| Profile {
            user_id: "p".into(),
            group_id: "g".into(),
            role: Role::Patient,
            first_name: "P".into(),
            last_name: "Q".into(),
            email: None,
            phone: None,
            phone_verified: false,
            responsible_clinician_id: Some("doc".into()),
            care_status: status,
            guest: false,
        };
        assert!(shares_with_clinician(&profile(Some(CareStatus::Accepted))));
        for status in [
            None,
            Some(CareStatus::Pending),
            Some(CareStatus::Declined),
            Some(CareStatus::Unknown),
        ] {
            assert!(!shares_with_clinician(&profile(status)));
        }
        // A status from a newer server reads as unknown, not as an error.
        let parsed: CareStatus = serde_json::from_str("\"on_hold\"").unwrap();
        assert_eq!(parsed, CareStatus::Unknown);
    }
}
