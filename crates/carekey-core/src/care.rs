//! A clinician's answer to the patients who named him. Until he accepts a
//! patient, her device shares nothing with him (the server refuses it and
//! hands out none of his keys); this module is how his device lists them and
//! answers, how hers learns whether to wrap her notes for him, and how she
//! names another clinician or stops sharing.

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

    /// Names another responsible clinician (he must accept her before
    /// anything is shared with him; her device then shares her earlier
    /// notes, [`Client::share_earlier_notes`](crate::Client::share_earlier_notes)),
    /// or none to stop sharing. Answers the profile, kept with the session.
    pub async fn set_clinician(&self, clinician_id: Option<&str>) -> Result<Profile, CoreError> {
        self.name_clinician(carekey_api::ClinicianRequest {
            clinician_id: clinician_id.map(str::to_owned),
            invitation: None,
        })
        .await
    }

    /// `PUT /v1/me/clinician` with `request`; the profile it answers is
    /// kept with the session.
    pub(crate) async fn name_clinician(
        &self,
        request: carekey_api::ClinicianRequest,
    ) -> Result<Profile, CoreError> {
        let profile = self
            .sessions
            .with_token(|token| {
                let request = request.clone();
                async move { self.api.set_clinician(&token, &request).await }
            })
            .await?;
        self.sessions.keep_profile(profile).await
    }

    /// Gives a patient back the notes she can no longer open (she had to
    /// make a new key): each of her notes this clinician's device opens has
    /// its content key wrapped for every key she registered; the server
    /// keeps those she lacks and refuses any other recipient. A note that
    /// does not open here is not handed on, so nothing unchecked reaches
    /// her. Answers how many notes were sent.
    pub async fn reshare_to_patient(&self, patient_id: &str) -> Result<usize, CoreError> {
        let (_, pair) = self.device_key().await?;
        let hers = self.registered_keys(patient_id).await?;
        let recipients: Vec<&crate::samples::RecipientKey> = hers.iter().collect();
        if recipients.is_empty() {
            return Ok(0);
        }
        let samples = self.sealed_samples().await?;
        let mut sent = 0;
        for sample in samples
            .iter()
            .filter(|sample| sample.owner_id == patient_id)
        {
            let pairs = std::slice::from_ref(&pair);
            if crate::samples::open(sample, pairs).is_err() {
                tracing::info!("a note this device cannot open is not re-shared");
                continue;
            }
            let keys = crate::samples::rewrap(sample, pairs, &recipients)?;
            self.add_sample_keys(&sample.id, keys).await?;
            sent += 1;
        }
        tracing::info!(sent, "notes given back to a patient's new key");
        Ok(sent)
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
            language: None,
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
