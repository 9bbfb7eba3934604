//! Which apps open this server's https links: the Digital Asset Links
//! (Android) and apple-app-site-association (iOS) documents, from settings.
//!
//! Invariant: with no app configured the documents name none, so no app
//! can claim this host's links by default.

use crate::settings::Settings;
use serde_json::json;

/// Which apps may open this server's https links (from settings).
#[derive(Debug, Clone, Default)]
pub struct AppLinks {
    android_package: Option<String>,
    android_fingerprints: Vec<String>,
    apple_app_ids: Vec<String>,
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

impl AppLinks {
    pub fn from_settings(settings: &Settings) -> Self {
        AppLinks {
            android_package: settings
                .android_package
                .as_deref()
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .map(str::to_owned),
            android_fingerprints: list(&settings.android_cert_fingerprints),
            apple_app_ids: list(&settings.apple_app_ids),
        }
    }

    /// Digital Asset Links: the Android app may handle every https link of
    /// this host. Empty when no app is configured.
    pub fn assetlinks(&self) -> serde_json::Value {
        match &self.android_package {
            Some(package) if !self.android_fingerprints.is_empty() => json!([{
                "relation": ["delegate_permission/common.handle_all_urls"],
                "target": {
                    "namespace": "android_app",
                    "package_name": package,
                    "sha256_cert_fingerprints": self.android_fingerprints,
                }
            }]),
            _ => json!([]),
        }
    }

    /// Apple's app-site association: the iOS app opens magic links (`/l/*`)
    /// and clinicians' invitations (`/invite/*`), nothing else.
    pub fn apple_app_site_association(&self) -> serde_json::Value {
        json!({
            "applinks": {
                "details": [{
                    "appIDs": self.apple_app_ids,
                    "components": [
                        {"/": "/l/*", "comment": "CareKey magic links"},
                        {"/": "/invite/*", "comment": "clinicians' invitations"},
                    ],
                }]
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_well_known_documents_follow_settings() {
        let empty = AppLinks::default();
        assert_eq!(empty.assetlinks(), json!([]));
        let links = AppLinks::from_settings(&Settings {
            android_package: Some("app.carekey".into()),
            android_cert_fingerprints: "AA:BB, CC:DD".into(),
            apple_app_ids: "TEAM123.app.carekey".into(),
            ..Settings::default()
        });
        let android = links.assetlinks();
        assert_eq!(android[0]["target"]["package_name"], "app.carekey");
        assert_eq!(android[0]["target"]["sha256_cert_fingerprints"][1], "CC:DD");
        let apple = links.apple_app_site_association();
        assert_eq!(
            apple["applinks"]["details"][0]["appIDs"][0],
            "TEAM123.app.carekey"
        );
        assert_eq!(
            apple["applinks"]["details"][0]["components"][0]["/"],
            "/l/*"
        );
        assert_eq!(
            apple["applinks"]["details"][0]["components"][1]["/"],
            "/invite/*"
        );
    }
}
