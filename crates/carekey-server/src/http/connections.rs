//! Accepting client connections with bounds, so that slow or numerous
//! clients cannot exhaust the server.
//!
//! Invariants: at most `max_connections` client connections are open at
//! once, and at most `max_connections_per_address` from one requester (an
//! IPv4 address, or an IPv6 /64, as the send limits count them); a
//! connection over either bound is closed as soon as it is accepted, before
//! a byte is read, so it never holds a descriptor. A connection that has not
//! sent a whole request head within the header timeout, or that sits idle
//! that long between requests, is closed (half-sent requests once stayed
//! open forever, and a thousand of them stopped a server with the usual
//! 1,024-descriptor limit). HTTP/2 connections carry a bounded number of
//! streams and of resets. The request timeout (a body sent too slowly) is
//! applied per request by the router (`http::observe`).

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

/// The bounds on connections (from settings).
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    pub total: usize,
    pub per_address: usize,
    pub header_timeout: Duration,
}

/// Streams one HTTP/2 connection may have open at once.
const HTTP2_STREAMS: u32 = 64;
/// Streams a client may reset before they are answered (the "rapid reset"
/// attack, CVE-2023-44487) before its connection is closed.
const HTTP2_PENDING_RESETS: usize = 16;
/// The largest HTTP/2 header list accepted.
const HTTP2_HEADER_LIST: u32 = 32 * 1024;
/// How long open connections get to finish when the server stops.
const DRAIN: Duration = Duration::from_secs(5);

/// Open connections per requester; a slot is given back when its guard drops.
#[derive(Default)]
struct PerAddress {
    open: Mutex<HashMap<String, usize>>,
}

struct AddressSlot {
    table: Arc<PerAddress>,
    key: String,
}

impl PerAddress {
    fn take(table: &Arc<PerAddress>, key: String, most: usize) -> Option<AddressSlot> {
        let mut open = table
            .open
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let count = open.entry(key.clone()).or_insert(0);
        if *count >= most {
            return None;
        }
        *count += 1;
        Some(AddressSlot {
            table: table.clone(),
            key,
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self
            .table
            .open
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if let Some(count) = open.get_mut(&self.key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

fn builder(limits: &ConnectionLimits) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(HTTP2_STREAMS)
        .max_pending_accept_reset_streams(HTTP2_PENDING_RESETS)
        .max_header_list_size(HTTP2_HEADER_LIST);
    builder
}

/// Returns once `stop` turns true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    // The guard `wait_for` answers is not `Send`: drop it here.
    let _ = stop.wait_for(|stop| *stop).await.map(|_| ());
}

/// Serves `app` on `listener` until `stop` turns true, then gives open
/// connections a few seconds to finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    mut stop: watch::Receiver<bool>,
) {
    let builder = builder(&limits);
    let total = Arc::new(Semaphore::new(limits.total.max(1)));
    let per_address = Arc::new(PerAddress::default());
    let graceful = GracefulShutdown::new();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of descriptors, or a connection reset before it
                    // was accepted: wait a moment rather than spin.
                    tracing::warn!(error = %error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = stopped(&mut stop) => break,
        };
        let Ok(overall) = total.clone().try_acquire_owned() else {
            tracing::warn!("connection refused: the server holds max_connections");
            drop(stream);
            continue;
        };
        let key = crate::limits::requester(peer.ip());
        let Some(slot) = PerAddress::take(&per_address, key, limits.per_address) else {
            tracing::warn!("connection refused: max_connections_per_address from one address");
            drop(stream);
            continue;
        };
        let router = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer));
            tower::ServiceExt::oneshot(router.clone(), request)
        });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // Errors here are the client's (a reset, a timeout, bad HTTP).
            let _ = connection.await;
            drop(slot);
            drop(overall);
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the drain time were dropped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_gets_its_share_and_gives_it_back() {
        let table = Arc::new(PerAddress::default());
        let one = PerAddress::take(&table, "a".into(), 2).unwrap();
        let two = PerAddress::take(&table, "a".into(), 2).unwrap();
        assert!(PerAddress::take(&table, "a".into(), 2).is_none());
        assert!(PerAddress::take(&table, "b".into(), 2).is_some());
        drop(one);
        let three = PerAddress::take(&table, "a".into(), 2).unwrap();
        drop((two, three));
        assert!(table.open.lock().unwrap().is_empty());
    }
}
