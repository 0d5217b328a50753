//! Import errors: each names where (a JSON pointer) and what was expected.

use crate::validate::escape_key;
use crate::version::Version;

/// Why a maDMP JSON document could not be imported, or, from
/// [`crate::validate`], why it does not pass the strict checks.
///
/// Reading ([`crate::parse`], [`crate::parse_with_warnings`]) refuses only
/// what the schema forbids; [`ImportError::BadDate`],
/// [`ImportError::BadDateTime`] and [`ImportError::BadUri`] (values that
/// stray from a `format`, which JSON Schema treats as an annotation) come only
/// from [`crate::validate`]: reading keeps such values and reports them as
/// [`crate::Warning`]s.
///
/// Every variant but [`ImportError::NotJson`] and [`ImportError::TooDeep`]
/// carries the JSON pointer (RFC 6901) of the offending value, and its
/// message starts with it, e.g. `/dmp/contact/mbox: missing required key (maDMP 1.3)`.
/// The document root's pointer is the empty string, shown as `(document)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The bytes are not JSON.
    #[error("not JSON: {message} (line {line}, column {column})")]
    NotJson {
        /// serde_json's description.
        message: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
    },
    /// Arrays/objects nested deeper than the JSON reader's recursion limit.
    #[error("not a maDMP document: JSON nested too deeply (over 128 levels of arrays/objects, the reader's recursion limit) at line {line}, column {column}")]
    TooDeep {
        /// 1-based line where the limit was hit.
        line: usize,
        /// 1-based column where the limit was hit.
        column: usize,
    },
    /// A key the schema of `version` requires is absent.
    #[error("{}: missing required key (maDMP {version})", shown(.pointer))]
    MissingKey {
        /// Pointer of the missing key.
        pointer: String,
        /// The version whose schema requires it.
        version: Version,
    },
    /// A value has the wrong JSON type.
    #[error("{}: {message}", shown(.pointer))]
    WrongType {
        /// Pointer of the value.
        pointer: String,
        /// What was found and what was expected.
        message: String,
    },
    /// A value is not one of a closed list's values.
    #[error("{}: {message}", shown(.pointer))]
    BadValue {
        /// Pointer of the value.
        pointer: String,
        /// What was found and what was expected.
        message: String,
    },
    /// A `format: date` value is not `YYYY-MM-DD` (strict checks only).
    #[error("{}: not a date: {value:?} (expected YYYY-MM-DD, a calendar date)", shown(.pointer))]
    BadDate {
        /// Pointer of the value.
        pointer: String,
        /// The value.
        value: String,
    },
    /// A `format: date-time` value is not an RFC 3339 date-time (strict checks only).
    #[error("{}: not a date-time: {value:?} (expected RFC 3339 with a time zone, e.g. 2019-03-13T13:13:00Z)", shown(.pointer))]
    BadDateTime {
        /// Pointer of the value.
        pointer: String,
        /// The value.
        value: String,
    },
    /// A `format: uri`/`url` value is not an absolute URI (IRI) (strict checks only).
    #[error("{}: not a URI: {value:?} ({reason})", shown(.pointer))]
    BadUri {
        /// Pointer of the value.
        pointer: String,
        /// The value.
        value: String,
        /// Why the IRI parser rejected it.
        reason: String,
    },
    /// Another rule of the schema of `version` is broken (array sizes,
    /// uniqueness, keys a version does not admit…).
    #[error("{}: {message} (maDMP {version})", shown(.pointer))]
    Schema {
        /// Pointer of the value.
        pointer: String,
        /// The rule broken.
        message: String,
        /// The version whose schema has the rule.
        version: Version,
    },
}

impl ImportError {
    /// The JSON pointer of the offending value, if the error is about one.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            ImportError::NotJson { .. } | ImportError::TooDeep { .. } => None,
            ImportError::MissingKey { pointer, .. }
            | ImportError::WrongType { pointer, .. }
            | ImportError::BadValue { pointer, .. }
            | ImportError::BadDate { pointer, .. }
            | ImportError::BadDateTime { pointer, .. }
            | ImportError::BadUri { pointer, .. }
            | ImportError::Schema { pointer, .. } => Some(pointer),
        }
    }

    /// From serde_json's error while reading the bytes.
    pub fn from_json(error: serde_json::Error) -> Self {
        let (line, column) = (error.line(), error.column());
        // serde_json has no error category for its recursion limit; its
        // message is the only way to tell it from a syntax error.
        let message = error.to_string();
        if message.starts_with("recursion limit exceeded") {
            return ImportError::TooDeep { line, column };
        }
        let message = match message.rfind(" at line ") {
            Some(at) => message[..at].to_owned(),
            None => message,
        };
        ImportError::NotJson {
            message,
            line,
            column,
        }
    }

    /// From serde's error while mapping the JSON value onto the model.
    pub(crate) fn from_serde(
        error: serde_path_to_error::Error<serde_json::Error>,
        version: Version,
    ) -> Self {
        let pointer = pointer_of(error.path());
        let message = error.into_inner().to_string();
        // serde's own wording (`de::Error::missing_field`, `invalid_type`,
        // `invalid_value`), stable since serde 1.0; anything else is a type problem.
        if let Some(rest) = message.strip_prefix("missing field `") {
            let key = rest.strip_suffix('`').unwrap_or(rest);
            return ImportError::MissingKey {
                pointer: format!("{pointer}/{}", escape_key(key)),
                version,
            };
        }
        let message = plain_words(&message);
        if message.starts_with("invalid value") {
            ImportError::BadValue { pointer, message }
        } else {
            ImportError::WrongType { pointer, message }
        }
    }
}

/// A pointer as shown in messages: the root's empty pointer would read as nothing.
pub(crate) fn shown(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(document)"
    } else {
        pointer
    }
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&escape_key(key));
            }
            Segment::Seq { index } => {
                pointer.push('/');
                pointer.push_str(&index.to_string());
            }
            // Our model has no enums with data and no paths serde cannot
            // track; should one appear, the pointer stops at the last known step.
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

/// Rewords serde's Rust-flavoured type names in JSON terms.
fn plain_words(message: &str) -> String {
    let mut out = message
        .replace("invalid type: map", "invalid type: object")
        .replace("invalid type: sequence", "invalid type: array")
        .replace("invalid type: unit value", "invalid type: null")
        .replace("expected a sequence", "expected an array")
        .replace("expected a map", "expected an object");
    // "expected struct Contact" → "expected an object (Contact)".
    if let Some(at) = out.find("expected struct ") {
        let name = out[at + "expected struct ".len()..].to_owned();
        out.truncate(at);
        out.push_str(&format!("expected an object ({name})"));
    }
    out
}
