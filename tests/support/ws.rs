//! A graphql-transport-ws client over a real WebSocket (tokio-tungstenite), for the
//! subscription tests.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How long a test waits for a message it expects.
const PATIENCE: Duration = Duration::from_secs(10);

pub struct WsClient {
    socket: Socket,
}

impl WsClient {
    /// Connects to `/graphql/ws` on the port, offering the subprotocol (or not).
    pub async fn connect_with(port: u16, subprotocol: Option<&str>) -> Self {
        let mut request = format!("ws://127.0.0.1:{port}/graphql/ws")
            .into_client_request()
            .expect("a request");
        if let Some(subprotocol) = subprotocol {
            request.headers_mut().insert(
                "sec-websocket-protocol",
                subprotocol.parse().expect("a header value"),
            );
        }
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("the WebSocket connects");
        Self { socket }
    }

    /// Connects offering `graphql-transport-ws`.
    pub async fn connect(port: u16) -> Self {
        Self::connect_with(port, Some("graphql-transport-ws")).await
    }

    /// Connects and completes `connection_init`, with a token or anonymously.
    pub async fn ready(port: u16, token: Option<&str>) -> Self {
        let mut client = Self::connect(port).await;
        let payload = match token {
            Some(token) => json!({ "Authorization": format!("Bearer {token}") }),
            None => json!({}),
        };
        client
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        assert_eq!(client.next_message().await["type"], "connection_ack");
        client
    }

    pub async fn send(&mut self, message: Value) {
        self.send_text(&message.to_string()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.socket
            .send(Message::text(text))
            .await
            .expect("the message is sent");
    }

    /// Starts an operation.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "id": id, "type": "subscribe",
                          "payload": { "query": query, "variables": variables } }))
            .await;
    }

    /// The next protocol message other than the server's keep-alive pings.
    pub async fn next_message(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("a message in time")
                .expect("the socket is open")
                .expect("a frame");
            match message {
                Message::Text(text) => {
                    let value: Value = serde_json::from_str(&text).expect("JSON");
                    if value["type"] != "ping" {
                        return value;
                    }
                }
                Message::Close(frame) => panic!("closed unexpectedly: {frame:?}"),
                _ => {}
            }
        }
    }

    /// The `data` of the next `next` message for the operation.
    pub async fn next_data(&mut self, id: &str) -> Value {
        let message = self.next_message().await;
        assert_eq!(
            (message["type"].as_str(), message["id"].as_str()),
            (Some("next"), Some(id)),
            "{message}"
        );
        assert!(message["payload"].get("errors").is_none(), "{message}");
        message["payload"]["data"].clone()
    }

    /// The `data` of the next `next` message of each operation, in whatever order they come
    /// (operations run apart, so theirs is not fixed).
    pub async fn next_data_of(&mut self, ids: &[&str]) -> std::collections::HashMap<String, Value> {
        let mut seen = std::collections::HashMap::new();
        while seen.len() < ids.len() {
            let message = self.next_message().await;
            let id = message["id"].as_str().unwrap_or_default().to_owned();
            assert!(
                message["type"] == "next" && ids.contains(&id.as_str()) && !seen.contains_key(&id),
                "{message}"
            );
            assert!(message["payload"].get("errors").is_none(), "{message}");
            seen.insert(id, message["payload"]["data"].clone());
        }
        seen
    }

    /// The close code the server ends the connection with.
    pub async fn close_code(&mut self) -> u16 {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("the server closes in time");
            match message {
                Some(Ok(Message::Close(Some(frame)))) => return u16::from(frame.code),
                Some(Ok(Message::Close(None))) => return u16::from(CloseCode::Status),
                Some(Ok(_)) => {}
                other => panic!("no close frame: {other:?}"),
            }
        }
    }
}
