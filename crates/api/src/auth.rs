//! Who may write: bearer tokens (RFC 6750), each with a name that the
//! provenance of what it writes records.
//!
//! Tokens are kept as their SHA-256 only, in the store directory's token
//! file ([`TOKEN_FILE`], written by `dmpgraph api-token add`, read again
//! whenever it changes, so a token added or revoked while the server runs
//! counts at once) and in the configuration's `[[api.tokens]]`. A token is
//! compared by its digest, in constant time.

use crate::error::ApiError;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;
use subtle::ConstantTimeEq;

/// The token file's name in the store directory.
pub const TOKEN_FILE: &str = "api-tokens.toml";

/// One token as kept: its name and the SHA-256 of its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenEntry {
    /// Who holds it (`dmptool-prod`): letters, digits, `.`, `_`, `-`.
    pub name: String,
    /// The SHA-256 of the token, 64 hexadecimal digits.
    pub sha256: String,
    /// When it was made (RFC 3339), for operators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
}

/// The token file's shape.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenFile {
    #[serde(default)]
    token: Vec<TokenEntry>,
}

/// A token file that cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Reading or writing it failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// It is not a token file.
    #[error("{path}: not a token file: {source}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: toml::de::Error,
    },
    /// A token in it (or in the configuration) is malformed.
    #[error("{place}: {message}")]
    Entry {
        /// The file or configuration table, and the token's name.
        place: String,
        /// What is wrong.
        message: String,
    },
}

/// Whether `name` may name a token.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn check(entry: &TokenEntry, place: &str) -> Result<[u8; 32], TokenError> {
    let err = |message: String| TokenError::Entry {
        place: format!("{place}, token '{}'", entry.name),
        message,
    };
    if !valid_name(&entry.name) {
        return Err(err("a name is 1–64 letters, digits, '.', '_' or '-'".into()));
    }
    let mut digest = [0u8; 32];
    hex::decode_to_slice(entry.sha256.trim(), &mut digest).map_err(|_| {
        err("sha256: expected 64 hexadecimal digits (the SHA-256 of the token)".into())
    })?;
    Ok(digest)
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Reads the token file at `path` (none: no tokens).
pub fn read_file(path: &Path) -> Result<Vec<TokenEntry>, TokenError> {
    Ok(read_checked(path)?.into_iter().map(|(t, _)| t).collect())
}

/// The token file's entries with their digests, each checked.
fn read_checked(path: &Path) -> Result<Vec<(TokenEntry, [u8; 32])>, TokenError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(TokenError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let file: TokenFile = toml::from_str(&text).map_err(|source| TokenError::Syntax {
        path: path.to_path_buf(),
        source,
    })?;
    let place = path.display().to_string();
    file.token
        .into_iter()
        .map(|t| {
            let digest = check(&t, &place)?;
            Ok((t, digest))
        })
        .collect()
}

fn write_file(path: &Path, tokens: &[TokenEntry]) -> Result<(), TokenError> {
    let io = |source| TokenError::Io {
        path: path.to_path_buf(),
        source,
    };
    let body = toml::to_string(&TokenFile {
        token: tokens.to_vec(),
    })
    .map_err(|e| io(std::io::Error::other(e)))?;
    let text = format!(
        "# The maDMP API's write tokens: names and SHA-256 digests, never the tokens.\n\
         # Managed by `dmpgraph api-token add|list|revoke`.\n\n{body}"
    );
    let tmp = path.with_extension("toml.tmp");
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(&tmp).map_err(io)?;
        f.write_all(text.as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)?;
    }
    std::fs::rename(&tmp, path).map_err(io)
}

/// Makes a token named `name` and adds it to the token file at `path`;
/// returns the token, which is shown once and kept nowhere.
pub fn add_token(path: &Path, name: &str) -> Result<String, TokenError> {
    if !valid_name(name) {
        return Err(TokenError::Entry {
            place: format!("token '{name}'"),
            message: "a name is 1–64 letters, digits, '.', '_' or '-'".into(),
        });
    }
    let mut tokens = read_file(path)?;
    if tokens.iter().any(|t| t.name == name) {
        return Err(TokenError::Entry {
            place: format!("{}, token '{name}'", path.display()),
            message: "a token of this name exists; revoke it first".into(),
        });
    }
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| TokenError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let token = format!("dmpg_{}", hex::encode(secret));
    tokens.push(TokenEntry {
        name: name.to_string(),
        sha256: hex::encode(digest(&token)),
        created: Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    });
    write_file(path, &tokens)?;
    Ok(token)
}

/// Removes the token named `name`; whether there was one.
pub fn revoke_token(path: &Path, name: &str) -> Result<bool, TokenError> {
    let mut tokens = read_file(path)?;
    let before = tokens.len();
    tokens.retain(|t| t.name != name);
    if tokens.len() == before {
        return Ok(false);
    }
    write_file(path, &tokens)?;
    Ok(true)
}

/// The file's state when it was last read (modification time and length).
type Stamp = Option<(SystemTime, u64)>;

fn stamp(path: &Path) -> Stamp {
    std::fs::metadata(path)
        .ok()
        .and_then(|m| Some((m.modified().ok()?, m.len())))
}

/// Tokens as kept in memory: names and digests.
type Known = Vec<(String, [u8; 32])>;

/// The tokens a server accepts: the configuration's, and the token file's
/// as it is now.
pub struct Tokens {
    configured: Known,
    file: Option<PathBuf>,
    read: Mutex<(Stamp, Known)>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("configured", &self.configured.len())
            .field("file", &self.file)
            .finish()
    }
}

impl Tokens {
    /// The configuration's tokens and those of the token file at `file`.
    pub fn new(configured: &[TokenEntry], file: Option<PathBuf>) -> Result<Tokens, TokenError> {
        let configured = configured
            .iter()
            .map(|t| Ok((t.name.clone(), check(t, "[[api.tokens]]")?)))
            .collect::<Result<Vec<_>, TokenError>>()?;
        let tokens = Tokens {
            configured,
            file,
            read: Mutex::new((None, Vec::new())),
        };
        // A token file that cannot be read is said at start, not at the
        // first write.
        tokens.current()?;
        Ok(tokens)
    }

    /// The token file's tokens, read again when it changed.
    fn current(&self) -> Result<Known, TokenError> {
        let Some(path) = &self.file else {
            return Ok(Vec::new());
        };
        let now = stamp(path);
        let mut read = self.read.lock().unwrap_or_else(|p| p.into_inner());
        if read.0 != now || now.is_none() && !read.1.is_empty() {
            read.1 = read_checked(path)?
                .into_iter()
                .map(|(t, digest)| (t.name, digest))
                .collect();
            read.0 = now;
        }
        Ok(read.1.clone())
    }

    /// The name of the client `headers` authenticate; 401
    /// `authentication_required` without a valid bearer token.
    pub fn client(&self, headers: &HeaderMap) -> Result<String, ApiError> {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| token.trim().to_string())
            });
        let Some(token) = given.filter(|t| !t.is_empty()) else {
            return Err(unauthorized(
                None,
                "writes need a bearer token: Authorization: Bearer TOKEN (`dmpgraph api-token add NAME` makes one)",
            ));
        };
        let presented = digest(&token);
        let from_file = self.current().map_err(ApiError::internal)?;
        // Every entry is compared, so the time taken does not tell which.
        let mut found = None;
        for (name, d) in self.configured.iter().chain(from_file.iter()) {
            if bool::from(d.ct_eq(&presented)) && found.is_none() {
                found = Some(name.clone());
            }
        }
        found.ok_or_else(|| {
            unauthorized(
                Some("invalid_token"),
                "the bearer token is not one this server accepts (revoked, or mistyped)",
            )
        })
    }
}

/// 401 `authentication_required`, with RFC 6750's challenge.
fn unauthorized(error: Option<&str>, message: &str) -> ApiError {
    let mut e = ApiError::new(StatusCode::UNAUTHORIZED, "authentication_required", message);
    let challenge = match error {
        Some(code) => format!("Bearer realm=\"dmpgraph\", error=\"{code}\""),
        None => "Bearer realm=\"dmpgraph\"".to_string(),
    };
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        e.headers.push((header::WWW_AUTHENTICATE, v));
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bearer(token: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        );
        h
    }

    #[test]
    fn a_token_added_to_the_file_counts_at_once_and_a_revoked_one_no_more() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(TOKEN_FILE);
        let tokens = Tokens::new(&[], Some(path.clone())).unwrap();
        assert_eq!(
            tokens.client(&HeaderMap::new()).unwrap_err().code,
            "authentication_required"
        );
        let a = add_token(&path, "dmptool").unwrap();
        let b = add_token(&path, "kaken-sync").unwrap();
        assert_ne!(a, b);
        assert!(add_token(&path, "dmptool").is_err(), "names are unique");
        assert!(add_token(&path, "bad name").is_err());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&a) && !text.contains(&b), "{text}");
        assert_eq!(tokens.client(&bearer(&a)).unwrap(), "dmptool");
        assert_eq!(tokens.client(&bearer(&b)).unwrap(), "kaken-sync");
        let wrong = tokens.client(&bearer("dmpg_0000")).unwrap_err();
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(revoke_token(&path, "dmptool").unwrap());
        assert!(!revoke_token(&path, "dmptool").unwrap());
        assert!(tokens.client(&bearer(&a)).is_err(), "revoked");
        assert_eq!(tokens.client(&bearer(&b)).unwrap(), "kaken-sync");
        std::fs::remove_file(&path).unwrap();
        assert!(tokens.client(&bearer(&b)).is_err(), "the file is gone");
    }

    #[test]
    fn configured_tokens_are_digests_and_checked() {
        let entry = TokenEntry {
            name: "ci".into(),
            sha256: hex::encode(digest("secret-1")),
            created: None,
        };
        let tokens = Tokens::new(std::slice::from_ref(&entry), None).unwrap();
        assert_eq!(tokens.client(&bearer("secret-1")).unwrap(), "ci");
        let mut basic = HeaderMap::new();
        basic.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic c2VjcmV0LTE="),
        );
        assert!(tokens.client(&basic).is_err(), "only bearer tokens");
        let bad = TokenEntry {
            sha256: "xyz".into(),
            ..entry
        };
        let e = Tokens::new(&[bad], None).unwrap_err().to_string();
        assert!(e.contains("sha256") && e.contains("'ci'"), "{e}");
    }
}
