//! One operation of a WebSocket session, from its `subscribe` message to its `complete`.

use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::{Outgoing, error_message};
use crate::auth::Caller;
use crate::error::ErrorCode;
use crate::graphql::engine::{self, refused_before_running};
use crate::http::graphql::GraphqlState;
use crate::http::graphql::operation::{Counted, Request};
use crate::http::graphql::params::params_from_json;
use crate::http::graphql::respond::{Outcome, outcome_body};
use crate::services::events::EventFeed;

/// One `subscribe` message, with the events it will see.
pub(super) struct Operation {
    pub id: String,
    pub payload: Value,
    /// Taken when the message arrived, so that nothing published since is missed.
    pub feed: EventFeed,
}

/// Runs one operation of the session: a subscription streams `next` messages until it ends, a
/// query or mutation answers one; then `complete`. An operation refused before it runs answers
/// one `error` message instead (and no `complete`, as the protocol says).
pub(super) async fn operate(
    state: GraphqlState,
    caller: Caller,
    operation: Operation,
    outbox: mpsc::Sender<Outgoing>,
) {
    let Operation { id, payload, feed } = operation;
    let last = match run(&state, &caller, &id, payload, feed, &outbox).await {
        Ended::Completed => Some(json!({ "id": id, "type": "complete" })),
        Ended::Refused(message) => Some(message),
        Ended::Gone => None,
    };
    if let Some(message) = last {
        let _ = outbox.send(Outgoing::Send(message)).await;
    }
    let _ = outbox.send(Outgoing::Done(id)).await;
}

/// How an operation ended.
enum Ended {
    /// It ran to its end: `complete` follows.
    Completed,
    /// It was refused before it ran: this `error` message, and no `complete`.
    Refused(Value),
    /// The session stopped reading it.
    Gone,
}

/// Sends the operation's results; answers how it ended.
async fn run(
    state: &GraphqlState,
    caller: &Caller,
    id: &str,
    payload: Value,
    feed: EventFeed,
    outbox: &mpsc::Sender<Outgoing>,
) -> Ended {
    let next = |response: &async_graphql::Response| {
        let payload = serde_json::to_value(response).unwrap_or(Value::Null);
        Outgoing::Send(json!({ "id": id, "type": "next", "payload": payload }))
    };
    let params = match params_from_json(payload) {
        Ok(params) => params,
        Err(message) => return Ended::Refused(error_message(id, &message, "BAD_USER_INPUT")),
    };
    let request = Request::new(state, caller, false);
    let admitted = match request.admit(params, &mut Counted::default()) {
        Ok(admitted) => admitted,
        Err(outcome) => return Ended::Refused(refusal(id, outcome)),
    };
    match state.engine.run(admitted.prepared.data(feed)).await {
        engine::Outcome::Streaming(mut stream) => {
            let mut first = true;
            while let Some(response) = stream.next().await {
                if std::mem::take(&mut first) && refused_before_running(&response) {
                    let code = ErrorCode::GraphqlValidationFailed;
                    return Ended::Refused(refusal(id, Outcome::Refused(response.errors, code)));
                }
                if outbox.send(next(&response)).await.is_err() {
                    return Ended::Gone;
                }
            }
            Ended::Completed
        }
        engine::Outcome::Executed(response) => match outbox.send(next(&response)).await {
            Ok(()) => Ended::Completed,
            Err(_) => Ended::Gone,
        },
        engine::Outcome::Refused(refused) => Ended::Refused(refusal(id, refused.into())),
        engine::Outcome::TimedOut => Ended::Refused(refusal(id, Outcome::TimedOut)),
    }
}

/// The `error` message of an operation refused before it ran: the errors HTTP would answer.
fn refusal(id: &str, outcome: Outcome) -> Value {
    let (_, body) = outcome_body(outcome);
    let errors = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|mut body| body.get_mut("errors").map(Value::take))
        .unwrap_or_else(|| json!([]));
    json!({ "id": id, "type": "error", "payload": errors })
}
