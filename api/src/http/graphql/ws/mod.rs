//! GraphQL over WebSocket at `/graphql/ws`, protocol `graphql-transport-ws` (the graphql-ws
//! library's, which Apollo Client, urql, Relay and GraphiQL speak). Written here rather than
//! taken from async-graphql, whose implementation answers several protocol faults differently
//! from the protocol's text; here each is the close code PROTOCOL.md names:
//!
//! | fault | close |
//! |---|---|
//! | a message that is not JSON, or not a protocol message | 4400 |
//! | `subscribe` before `connection_ack` | 4401 |
//! | a bad, expired or revoked token at `connection_init`; an access token expiring | 4403 |
//! | the client does not offer the `graphql-transport-ws` subprotocol | 4406 |
//! | no `connection_init` within `--ws-init-timeout` | 4408 |
//! | a `subscribe` whose id is already running | 4409 |
//! | a second `connection_init` | 4429 |
//!
//! The caller is known from `connection_init`'s `authorization` (key in any case) or the
//! upgrade request's `Authorization` header; neither is anonymous. Every operation goes through
//! the same checks as over HTTP (document limits, cost budget, read-only tokens, throttles in the
//! services). The server pings every [`KEEP_ALIVE`]; a client `ping` is answered `pong`.
//!
//! Bounds: `--ws-max-connections` per process, `--ws-max-subscriptions` operations per
//! connection (one more is answered with an `error` message), and [`OUTBOX`] messages queued
//! per connection: a client that does not read makes its subscriptions wait, and their events
//! fall behind the shared event buffer, which drops the oldest (see `services::events`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::{OwnedSemaphorePermit, mpsc};
use tokio::task::JoinHandle;

use crate::auth::Caller;
use crate::http::client::ClientAddress;
use crate::http::graphql::GraphqlState;
use crate::services::accounts;
use crate::services::events::EventFeed;
use operation::{Operation, operate};

mod operation;

/// The subprotocol spoken.
const PROTOCOL: &str = "graphql-transport-ws";
/// How often the server pings an idle client.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Messages queued for one connection before its subscriptions wait.
const OUTBOX: usize = 64;

/// What the WebSocket endpoint needs beyond the GraphQL state.
#[derive(Clone)]
pub struct WsLimits {
    pub connections: Arc<tokio::sync::Semaphore>,
    pub max_subscriptions: usize,
    pub init_timeout: Duration,
}

/// `GET /graphql/ws`: upgrades to a WebSocket session.
pub async fn upgrade(
    State(state): State<GraphqlState>,
    client: Option<Extension<ClientAddress>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let Ok(permit) = state.ws.connections.clone().try_acquire_owned() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "too many WebSocket connections; retry shortly",
        )
            .into_response();
    };
    let client = client.map(|Extension(ClientAddress(ip))| ip);
    let authorization = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let ws = ws.protocols([PROTOCOL]);
    let offered = ws.selected_protocol().is_some();
    ws.on_upgrade(move |socket| async move {
        let session = Session {
            state,
            client,
            header: authorization,
            _permit: permit,
        };
        if offered {
            session.run(socket).await;
        } else {
            close(socket, 4406, "Subprotocol not acceptable").await;
        }
    })
}

/// Closes the socket with a code and reason.
async fn close(mut socket: WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

/// What the subscription tasks tell the session.
enum Outgoing {
    /// A protocol message to send.
    Send(Value),
    /// The operation with this id has ended (its `complete` has been queued).
    Done(String),
}

/// Why a session ends early.
struct Fault(u16, &'static str);

struct Session {
    state: GraphqlState,
    client: Option<std::net::IpAddr>,
    /// The upgrade request's `Authorization` header.
    header: Option<String>,
    /// The connection's place among `--ws-max-connections`, held while it lives.
    _permit: OwnedSemaphorePermit,
}

/// The connection's state once `connection_init` has been accepted.
struct Ready {
    caller: Caller,
    /// When the access token the session signed in with expires.
    expires: Option<tokio::time::Instant>,
}

impl Session {
    async fn run(self, mut socket: WebSocket) {
        let (outbox, mut inbox) = mpsc::channel::<Outgoing>(OUTBOX);
        let mut running: HashMap<String, JoinHandle<()>> = HashMap::new();
        let mut ready: Option<Ready> = None;
        let init_deadline = tokio::time::sleep(self.state.ws.init_timeout);
        tokio::pin!(init_deadline);
        let mut keep_alive = tokio::time::interval(KEEP_ALIVE);
        keep_alive.tick().await;
        let fault = loop {
            let expiry = ready.as_ref().and_then(|r| r.expires);
            tokio::select! {
                message = socket.recv() => {
                    let text = match message {
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                        Some(Ok(Message::Binary(_))) => {
                            break Some(Fault(4400, "Binary messages are not supported"));
                        }
                        Some(Ok(Message::Close(_)) | Err(_)) | None => break None,
                    };
                    match self.handle(text.as_str(), &mut ready, &mut running, &outbox).await {
                        Ok(Some(reply)) => {
                            if socket.send(text_message(&reply)).await.is_err() {
                                break None;
                            }
                        }
                        Ok(None) => {}
                        Err(fault) => break Some(fault),
                    }
                }
                Some(outgoing) = inbox.recv() => match outgoing {
                    Outgoing::Send(message) => {
                        if socket.send(text_message(&message)).await.is_err() {
                            break None;
                        }
                    }
                    Outgoing::Done(id) => {
                        running.remove(&id);
                    }
                },
                () = &mut init_deadline, if ready.is_none() => {
                    break Some(Fault(4408, "Connection initialisation timeout"));
                }
                () = sleep_until(expiry), if expiry.is_some() => {
                    break Some(Fault(4403, "Forbidden: the access token has expired"));
                }
                _ = keep_alive.tick() => {
                    if socket.send(text_message(&json!({ "type": "ping" }))).await.is_err() {
                        break None;
                    }
                }
            }
        };
        for (_, task) in running.drain() {
            task.abort();
        }
        if let Some(Fault(code, reason)) = fault {
            close(socket, code, reason).await;
        }
    }

    /// Handles one client message; answers what to send back at once, if anything.
    async fn handle(
        &self,
        text: &str,
        ready: &mut Option<Ready>,
        running: &mut HashMap<String, JoinHandle<()>>,
        outbox: &mpsc::Sender<Outgoing>,
    ) -> Result<Option<Value>, Fault> {
        let invalid = || Fault(4400, "Invalid message");
        let message: Value = serde_json::from_str(text).map_err(|_| invalid())?;
        let kind = message
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(invalid)?;
        match kind {
            "connection_init" => {
                if ready.is_some() {
                    return Err(Fault(4429, "Too many initialisation requests"));
                }
                let payload = message.get("payload").unwrap_or(&Value::Null);
                if !(payload.is_null() || payload.is_object()) {
                    return Err(invalid());
                }
                *ready = Some(self.authenticate(payload).await?);
                Ok(Some(json!({ "type": "connection_ack" })))
            }
            "ping" => Ok(Some(json!({ "type": "pong" }))),
            "pong" => Ok(None),
            "subscribe" => {
                let id = message
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or_else(invalid)?;
                let payload = message
                    .get("payload")
                    .filter(|p| p.is_object())
                    .ok_or_else(invalid)?;
                let Some(ready) = ready.as_ref() else {
                    return Err(Fault(4401, "Unauthorized"));
                };
                if running.get(id).is_some_and(|task| !task.is_finished()) {
                    return Err(Fault(4409, "Subscriber for this id already exists"));
                }
                running.retain(|_, task| !task.is_finished());
                if running.len() >= self.state.ws.max_subscriptions {
                    let message = format!(
                        "at most {} operations run at once on one connection",
                        self.state.ws.max_subscriptions
                    );
                    return Ok(Some(error_message(id, &message, "RATE_LIMITED")));
                }
                // Subscribed now, so that every event published from here on is seen.
                let feed = EventFeed::new(self.state.app.services.events.subscribe());
                let task = tokio::spawn(operate(
                    self.state.clone(),
                    ready.caller.clone(),
                    Operation {
                        id: id.to_owned(),
                        payload: payload.clone(),
                        feed,
                    },
                    outbox.clone(),
                ));
                running.insert(id.to_owned(), task);
                Ok(None)
            }
            "complete" => {
                let id = message
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or_else(invalid)?;
                if let Some(task) = running.remove(id) {
                    task.abort();
                }
                Ok(None)
            }
            _ => Err(invalid()),
        }
    }

    /// The caller of the session, from `connection_init`'s payload or the upgrade request.
    async fn authenticate(&self, payload: &Value) -> Result<Ready, Fault> {
        let from_payload = payload.as_object().and_then(|fields| {
            fields
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case("authorization"))
                .map(|(_, value)| value.as_str().map(str::to_owned))
        });
        let authorization = match from_payload {
            Some(Some(value)) => Some(value),
            Some(None) => return Err(Fault(4400, "Invalid message")),
            None => self.header.clone(),
        };
        let app = &self.state.app;
        let caller = accounts::caller(
            &app.services,
            authorization.as_deref().map(str::as_bytes),
            self.client,
        )
        .await
        .map_err(|_| Fault(4403, "Forbidden"))?;
        // An access token (not an API token) ends the session when it expires.
        let expires = authorization
            .as_deref()
            .and_then(|value| value.trim().split_once(' '))
            .and_then(|(_, token)| app.services.jwt.expiry(token.trim()))
            .map(|exp| {
                let left = exp.saturating_sub(chrono::Utc::now().timestamp());
                tokio::time::Instant::now() + Duration::from_secs(u64::try_from(left).unwrap_or(0))
            });
        Ok(Ready { caller, expires })
    }
}

/// Sleeps until the instant, or forever without one.
async fn sleep_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

fn text_message(value: &Value) -> Message {
    Message::Text(Utf8Bytes::from(value.to_string()))
}

fn error_message(id: &str, message: &str, code: &str) -> Value {
    json!({
        "id": id,
        "type": "error",
        "payload": [{ "message": message, "extensions": { "code": code } }],
    })
}
