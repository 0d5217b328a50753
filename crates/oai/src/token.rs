//! Resumption tokens that need no server state and never expire: the
//! position in the (datestamp, key) order and every argument of the list
//! request, signed with HMAC-SHA-256 under a key kept in the store
//! directory, so that a harvester cannot forge or alter one.

use crate::request::{ErrorCode, OaiError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// What a token carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenState {
    /// The verb it continues (a token of one verb is refused by another).
    pub verb: String,
    /// `metadataPrefix`.
    pub prefix: String,
    /// `set`.
    pub set: Option<String>,
    /// `from`, seconds since the epoch, and whether given as a day.
    pub from: Option<(i64, bool)>,
    /// `until`, likewise.
    pub until: Option<(i64, bool)>,
    /// The last entry of the previous page: its datestamp (seconds) and key.
    pub after: (i64, String),
    /// How many items the previous pages held (the next page's `cursor`).
    pub cursor: u64,
    /// How many items the list held when it started (`completeListSize`).
    #[serde(default)]
    pub size: u64,
}

/// Signs and checks tokens.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

type HmacSha256 = Hmac<Sha256>;

impl Signer {
    /// A signer under `key`.
    pub fn new(key: Vec<u8>) -> Signer {
        Signer { key }
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes a key of any length.
        HmacSha256::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC keys have no length limit"))
    }

    /// The token for `state`: `PAYLOAD.SIGNATURE`, both base64url.
    pub fn issue(&self, state: &TokenState) -> String {
        let payload = serde_json::to_vec(state).unwrap_or_default();
        let mut mac = self.mac();
        mac.update(&payload);
        let signature = mac.finalize().into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(&signature[..16])
        )
    }

    /// The state a token carries, if this repository issued it for `verb`.
    pub fn check(&self, token: &str, verb: &str) -> Result<TokenState, OaiError> {
        let bad = |why: &str| {
            OaiError::new(
                ErrorCode::BadResumptionToken,
                format!("the resumption token is not one this repository issued ({why})"),
            )
        };
        let (payload, signature) = token.split_once('.').ok_or_else(|| bad("malformed"))?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| bad("malformed"))?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| bad("malformed"))?;
        let mut mac = self.mac();
        mac.update(&payload);
        mac.verify_truncated_left(&signature)
            .map_err(|_| bad("its signature does not match"))?;
        let state: TokenState = serde_json::from_slice(&payload).map_err(|_| bad("malformed"))?;
        if state.verb != verb {
            return Err(bad(&format!("it continues {}, not {verb}", state.verb)));
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> TokenState {
        TokenState {
            verb: "ListRecords".into(),
            prefix: "oai_dc".into(),
            set: Some("dmp:amed".into()),
            from: Some((1_700_000_000, false)),
            until: None,
            after: (1_700_000_100, "dmp:21ek0109555h0001".into()),
            cursor: 100,
            size: 250,
        }
    }

    #[test]
    fn a_token_round_trips_and_any_change_is_refused() {
        let signer = Signer::new(b"secret".to_vec());
        let token = signer.issue(&state());
        assert_eq!(signer.check(&token, "ListRecords"), Ok(state()));
        assert_eq!(
            signer.check(&token, "ListIdentifiers").unwrap_err().code,
            ErrorCode::BadResumptionToken
        );
        // Another key, an altered payload, garbage.
        assert!(Signer::new(b"other".to_vec())
            .check(&token, "ListRecords")
            .is_err());
        let mut altered = state();
        altered.cursor = 0;
        let forged = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&altered).unwrap()),
            token.split_once('.').unwrap().1
        );
        assert!(signer.check(&forged, "ListRecords").is_err());
        assert!(signer.check("not-a-token", "ListRecords").is_err());
    }
}
