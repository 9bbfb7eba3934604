//! Prometheus metrics, one registry per server instance (several instances
//! can live in one process: tests, the embedding app).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Every label value comes from a closed set, never from the request
/// verbatim: a label set fed by input (a made-up HTTP method, a raw path)
/// would add a series per request and grow memory and `/metrics` forever.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// One of the standard methods, else `other` ([`method_label`]).
    pub method: &'static str,
    /// The route template (`/v1/auth/start`), never the raw path.
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteOnly {
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TransportLabels {
    pub transport: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: String,
}

/// The label of an HTTP method: the standard ones by name, any other (RFC
/// 9110 lets a client make them up) as `other`.
pub fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

pub struct Metrics {
    registry: Registry,
    pub http_requests: Family<RouteLabels, Counter>,
    pub http_duration: Family<RouteOnly, Histogram>,
    pub messages_queued: Family<TransportLabels, Counter>,
    pub messages_sent: Family<TransportLabels, Counter>,
    pub delivery_failures: Family<TransportLabels, Counter>,
    pub messages_parked: Family<TransportLabels, Counter>,
    pub logins: Family<OutcomeLabels, Counter>,
    pub queue_pending: Gauge,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("carekey");
        let http_requests = Family::<RouteLabels, Counter>::default();
        let http_duration = Family::<RouteOnly, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 14))
        });
        let messages_queued = Family::<TransportLabels, Counter>::default();
        let messages_sent = Family::<TransportLabels, Counter>::default();
        let delivery_failures = Family::<TransportLabels, Counter>::default();
        let messages_parked = Family::<TransportLabels, Counter>::default();
        let logins = Family::<OutcomeLabels, Counter>::default();
        let queue_pending = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests answered",
            http_requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            http_duration.clone(),
        );
        registry.register(
            "messages_queued",
            "Messages put on the durable queue",
            messages_queued.clone(),
        );
        registry.register(
            "messages_sent",
            "Messages accepted by their transport",
            messages_sent.clone(),
        );
        registry.register(
            "message_delivery_failures",
            "Delivery attempts that failed and will be retried or parked",
            delivery_failures.clone(),
        );
        registry.register(
            "messages_parked",
            "Messages given up after their last attempt or a permanent refusal",
            messages_parked.clone(),
        );
        registry.register("logins", "Code checks by outcome", logins.clone());
        registry.register(
            "queue_pending_messages",
            "Messages waiting in the queue (all instances), read at scrape",
            queue_pending.clone(),
        );
        Metrics {
            registry,
            http_requests,
            http_duration,
            messages_queued,
            messages_sent,
            delivery_failures,
            messages_parked,
            logins,
            queue_pending,
        }
    }

    pub fn login(&self, outcome: &str) {
        self.logins
            .get_or_create(&OutcomeLabels {
                outcome: outcome.to_owned(),
            })
            .inc();
    }

    pub fn transport(family: &Family<TransportLabels, Counter>, transport: &str) {
        family
            .get_or_create(&TransportLabels {
                transport: transport.to_owned(),
            })
            .inc();
    }

    /// The OpenMetrics text exposition.
    pub fn render(&self) -> String {
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            text.clear();
        }
        text
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn made_up_methods_share_one_label() {
        use axum::http::Method;
        let made_up = Method::from_bytes(&[b'X'; 4096]).unwrap();
        assert_eq!(super::method_label(&made_up), "other");
        assert_eq!(super::method_label(&Method::POST), "POST");
    }
}
