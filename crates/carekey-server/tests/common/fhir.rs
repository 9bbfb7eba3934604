//! The test FHIR R4 server (Medplum's router, tests/support/fhir) and the
//! calls the suites make to it as the clinic's other systems would.

use super::SupportServer;
use serde_json::{Value, json};

pub const FHIR_TOKEN: &str = "fhir-test-token";
/// The identifier system of CareKey user ids, for a server whose public URL
/// is `https://auth.carekey.test` (the tests' own).
pub const SYSTEM: &str = "https://auth.carekey.test/users";

pub struct Fhir {
    pub server: SupportServer,
    http: reqwest::Client,
}

impl Fhir {
    pub async fn start() -> Self {
        Fhir {
            server: SupportServer::fhir(FHIR_TOKEN).await,
            http: reqwest::Client::new(),
        }
    }

    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .http
            .request(method, format!("{}/{path}", self.server.url()))
            .bearer_auth(FHIR_TOKEN)
            .header("content-type", "application/fhir+json");
        if let Some(body) = body {
            request = request.body(body.to_string());
        }
        let response = request.send().await.unwrap();
        response.json().await.unwrap_or(Value::Null)
    }

    /// A Patient the clinic already had, with an identifier of its own.
    pub async fn existing_patient(&self, phone: &str) -> String {
        let created = self
            .call(
                reqwest::Method::POST,
                "Patient",
                Some(json!({
                    "resourceType": "Patient",
                    "identifier": [{"system": "https://clinic.example/mrn", "value": "MRN-1"}],
                    "name": [{"family": "Known", "given": ["Already"]}],
                    "telecom": [{"system": "phone", "value": phone}],
                })),
            )
            .await;
        created["id"].as_str().unwrap().to_owned()
    }

    pub async fn patients_with_our_id(&self, user_id: &str) -> Vec<Value> {
        let bundle = self
            .call(
                reqwest::Method::GET,
                &format!("Patient?identifier={SYSTEM}%7C{user_id}"),
                None,
            )
            .await;
        bundle["entry"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|entry| entry["resource"].clone())
            .collect()
    }

    pub async fn hook(&self, name: &str) {
        self.http
            .post(format!("{}/__test__/{name}", self.server.url()))
            .send()
            .await
            .unwrap();
    }
}
