//! Access tokens: HS256 JWTs with `sub iat exp iss aud typ`, valid for 15 minutes, checked with
//! an explicit `Validation` (jsonwebtoken's defaults are loose: 60 s leeway, `nbf` unchecked,
//! `iss` checked only when present, `typ` never).

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::ids::UserId;

/// The issuer every access token names.
pub const ISSUER: &str = "papers";
/// The audience every access token names.
pub const AUDIENCE: &str = "papers-api";
/// The `typ` claim of an access token (refresh tokens are opaque and never JWTs).
pub const ACCESS_TYPE: &str = "access";
/// How long an access token lives.
pub const ACCESS_TOKEN_TTL: Duration = Duration::minutes(15);
/// The clock skew tolerated on `exp` and `nbf`, in seconds.
pub const LEEWAY_SECS: u64 = 30;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id, as a decimal string.
    pub sub: String,
    /// Issued at, in seconds with millisecond precision (a NumericDate may be fractional), so
    /// that a password change revokes exactly the tokens issued before it.
    pub iat: f64,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub iss: String,
    pub aud: String,
    pub typ: String,
}

/// Signs and checks access tokens with the configured secret.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// Issues an access token for a user; returns it with its expiry.
    pub fn issue(
        &self,
        user_id: UserId,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), String> {
        let expires = now + ACCESS_TOKEN_TTL;
        let claims = Claims {
            sub: user_id.to_string(),
            iat: now.timestamp_millis() as f64 / 1000.0,
            exp: expires.timestamp(),
            nbf: None,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            typ: ACCESS_TYPE.into(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| e.to_string())?;
        Ok((token, expires))
    }

    /// When a valid access token expires (unix seconds): a WebSocket session signed in with one
    /// ends then.
    pub fn expiry(&self, token: &str) -> Option<i64> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        (data.claims.typ == ACCESS_TYPE).then_some(data.claims.exp)
    }

    /// Checks a token's signature, algorithm and claims; returns the user id and issue time
    /// (seconds).
    pub fn verify(&self, token: &str) -> Option<(UserId, f64)> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        let claims = data.claims;
        if claims.typ != ACCESS_TYPE {
            return None;
        }
        let user_id = UserId(claims.sub.parse::<i64>().ok()?);
        claims.iat.is_finite().then_some((user_id, claims.iat))
    }
}
