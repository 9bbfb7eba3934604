//! Links that reach the app (opened from SMS, email or WhatsApp, or handed
//! over by the desktop): parsed into a typed value from an allow-list of
//! schemes and hosts, or refused. Nothing else is acted upon.
//!
//! Accepted: `carekey://l/<request id>.<secret>` (a magic link) and
//! `carekey://invite/<invitation id>.<secret>` (a clinician's invitation),
//! and the same paths under `https://<the server's host>/` (App Links and
//! Universal Links on phones); `http` only for a server on this machine
//! (the built-in one), and then only on its own port: another program
//! listening on a loopback port is not our server.

use carekey_api::SecretString;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("this is not a CareKey link")]
    Foreign,
    #[error(
        "this CareKey link is damaged; use the whole link from the message, or ask for a new code"
    )]
    Malformed,
    #[error("this CareKey link is a clinician's invitation, not a login")]
    NotALogin,
}

/// What a link asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppLink {
    /// Complete the login `request_id` with the link's secret.
    Login {
        request_id: String,
        secret: SecretString,
    },
    /// A clinician's invitation: register (or name him) through it.
    Invitation {
        invitation_id: String,
        secret: SecretString,
    },
}

impl AppLink {
    /// The `carekey://` form of the link, which parses back to it.
    pub fn canonical(&self) -> String {
        match self {
            AppLink::Login { request_id, secret } => {
                format!("carekey://l/{request_id}.{}", secret.expose())
            }
            AppLink::Invitation {
                invitation_id,
                secret,
            } => format!("carekey://invite/{invitation_id}.{}", secret.expose()),
        }
    }
}

const SECRET_LEN: usize = 32;

/// `<uuid>.<secret>` as both kinds of link carry it: the id answered
/// hyphenated and lowercase, the secret lowercase.
fn token(token: &str) -> Result<(String, SecretString), LinkError> {
    let (id, secret) = token.split_once('.').ok_or(LinkError::Malformed)?;
    let id = uuid::Uuid::parse_str(id)
        .map_err(|_| LinkError::Malformed)?
        .hyphenated()
        .to_string();
    let secret = secret.to_ascii_lowercase();
    let well_formed = secret.len() == SECRET_LEN
        && secret
            .bytes()
            .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b));
    if !well_formed {
        return Err(LinkError::Malformed);
    }
    Ok((id, SecretString::new(secret)))
}

fn login(part: &str) -> Result<AppLink, LinkError> {
    let (request_id, secret) = token(part)?;
    Ok(AppLink::Login { request_id, secret })
}

fn invitation(part: &str) -> Result<AppLink, LinkError> {
    let (invitation_id, secret) = token(part)?;
    Ok(AppLink::Invitation {
        invitation_id,
        secret,
    })
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Parses `url`; `server` is the base URL of the server the app uses. An
/// https or http link must name that server's host and port; http only when
/// the server itself is on this machine over http.
pub fn parse(url: &str, server: &str) -> Result<AppLink, LinkError> {
    let url = reqwest::Url::parse(url.trim()).map_err(|_| LinkError::Foreign)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(LinkError::Foreign);
    }
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let path = url.path();
    match url.scheme() {
        "carekey" if host == "l" => login(path.trim_start_matches('/')),
        "carekey" if host == "invite" => invitation(path.trim_start_matches('/')),
        "carekey" => Err(LinkError::Malformed),
        "https" | "http" => {
            let server = reqwest::Url::parse(server.trim()).map_err(|_| LinkError::Foreign)?;
            let server_host = server.host_str().unwrap_or_default().to_ascii_lowercase();
            let ours = host == server_host
                && url.port_or_known_default() == server.port_or_known_default()
                && (url.scheme() == server.scheme() || url.scheme() == "https");
            if !ours || (url.scheme() == "http" && !is_loopback(&host)) {
                return Err(LinkError::Foreign);
            }
            if let Some(part) = path.strip_prefix("/invite/") {
                return invitation(part);
            }
            login(path.strip_prefix("/l/").ok_or(LinkError::Foreign)?)
        }
        _ => Err(LinkError::Foreign),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "01a20293-c0c4-7563-a970-fa47c7931bc3";
    const SECRET: &str = "abcdefghijklmnopqrstuvwxyz234567";

    fn login_link() -> AppLink {
        AppLink::Login {
            request_id: ID.into(),
            secret: SecretString::from(SECRET),
        }
    }

    #[test]
    fn the_allowed_forms_parse() {
        for url in [
            format!("carekey://l/{ID}.{SECRET}"),
            format!(
                "carekey://l/{}.{}",
                ID.to_uppercase(),
                SECRET.to_uppercase()
            ),
            format!("https://auth.example.org/l/{ID}.{SECRET}"),
            format!("HTTPS://Auth.Example.org/l/{ID}.{SECRET}"),
            format!("http://127.0.0.1:4317/l/{ID}.{SECRET}"),
            format!("  carekey://l/{ID}.{SECRET}\n"),
        ] {
            let server = if url.contains("127.0.0.1") {
                "http://127.0.0.1:4317"
            } else {
                "https://auth.example.org"
            };
            assert_eq!(parse(&url, server), Ok(login_link()), "{url}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        let host = "https://auth.example.org";
        for (url, error) in [
            (
                format!("https://evil.example/l/{ID}.{SECRET}"),
                LinkError::Foreign,
            ),
            (
                format!("http://auth.example.org/l/{ID}.{SECRET}"),
                LinkError::Foreign,
            ),
            (
                format!("https://user@auth.example.org/l/{ID}.{SECRET}"),
                LinkError::Foreign,
            ),
            (
                format!("https://auth.example.org/x/{ID}.{SECRET}"),
                LinkError::Foreign,
            ),
            (
                format!("javascript:alert(1)//{ID}.{SECRET}"),
                LinkError::Foreign,
            ),
            (format!("file:///l/{ID}.{SECRET}"), LinkError::Foreign),
            ("not a url".to_owned(), LinkError::Foreign),
            (
                format!("carekey://settings/{ID}.{SECRET}"),
                LinkError::Malformed,
            ),
            (format!("carekey://l/{ID}"), LinkError::Malformed),
            (
                format!("carekey://l/not-a-uuid.{SECRET}"),
                LinkError::Malformed,
            ),
            (
                format!("carekey://l/{ID}.{}", &SECRET[..31]),
                LinkError::Malformed,
            ),
            (
                format!("carekey://l/{ID}.{}1", &SECRET[..31]),
                LinkError::Malformed,
            ),
            (
                format!("carekey://l/{ID}.{SECRET}/more"),
                LinkError::Malformed,
            ),
        ] {
            assert_eq!(parse(&url, host), Err(error), "{url}");
        }
    }

    #[test]
    fn invitations_parse_in_both_forms_and_are_not_logins() {
        let invited = AppLink::Invitation {
            invitation_id: ID.into(),
            secret: SecretString::from(SECRET),
        };
        for url in [
            format!("carekey://invite/{ID}.{SECRET}"),
            format!(
                "carekey://INVITE/{}.{}",
                ID.to_uppercase(),
                SECRET.to_uppercase()
            ),
            format!("https://auth.example.org/invite/{ID}.{SECRET}"),
        ] {
            assert_eq!(
                parse(&url, "https://auth.example.org"),
                Ok(invited.clone()),
                "{url}"
            );
        }
        assert_eq!(
            parse(&invited.canonical(), "https://auth.example.org"),
            Ok(invited.clone())
        );
        assert_ne!(invited, login_link());
        for url in [
            format!("carekey://invite/{ID}"),
            format!("carekey://invite/{ID}.{}", &SECRET[..31]),
            format!("https://auth.example.org/invite/{ID}.{SECRET}/more"),
        ] {
            assert_eq!(
                parse(&url, "https://auth.example.org"),
                Err(LinkError::Malformed),
                "{url}"
            );
        }
        assert_eq!(
            parse(
                &format!("https://evil.example/invite/{ID}.{SECRET}"),
                "https://auth.example.org"
            ),
            Err(LinkError::Foreign)
        );
    }

    #[test]
    fn http_links_name_the_built_in_server_port_and_no_other() {
        let built_in = "http://127.0.0.1:4317";
        for url in [
            format!("http://127.0.0.1:4318/l/{ID}.{SECRET}"),
            format!("http://127.0.0.1/l/{ID}.{SECRET}"),
            format!("http://localhost:4317/l/{ID}.{SECRET}"),
            format!("http://[::1]:4317/l/{ID}.{SECRET}"),
            format!("https://auth.example.org/l/{ID}.{SECRET}"),
        ] {
            assert_eq!(parse(&url, built_in), Err(LinkError::Foreign), "{url}");
        }
        assert_eq!(
            parse(
                &format!("https://auth.example.org:8443/l/{ID}.{SECRET}"),
                "https://auth.example.org"
            ),
            Err(LinkError::Foreign)
        );
    }
}
