//! The sources' own responses, mapped into deposits.
//!
//! Each module knows one service: the URLs it is asked at (built on a base
//! URL, so that tests point it at loopback) and how its JSON maps into a
//! [`Deposit`]. Nothing here does I/O; the runs ([`crate::run`]) fetch
//! through the polite client and hand the bodies to these parsers.

pub mod crossref;
pub mod datacite;
pub mod ddbj;
pub mod doira;
pub mod jalc;

use dmpgraph_model::deposit::{Deposit, Funding};
use dmpgraph_model::Funder;
use sha2::{Digest, Sha256};

/// One record mapped from a response, with the record's own JSON (the part
/// of the body that describes it), whose hash tells whether it changed.
#[derive(Debug, Clone)]
pub struct Item {
    /// The deposit.
    pub deposit: Deposit,
    /// The record's own JSON, serialised.
    pub raw: String,
}

impl Item {
    /// The hash of the record's own JSON.
    pub fn content_hash(&self) -> String {
        content_hash(&self.raw)
    }
}

/// One page of a search.
#[derive(Debug)]
pub struct Page {
    /// Its records, each mapped or the reason it could not be.
    pub items: Vec<Result<Item, ParseError>>,
    /// Where the next page is, if there is one.
    pub next: Option<Next>,
    /// How many records the search finds, when the service says.
    pub total: Option<u64>,
}

/// How a service points at its next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// A URL (DataCite's `links.next`).
    Url(String),
    /// A cursor to send back (Crossref's `next-cursor`).
    Cursor(String),
    /// The next page's number, 1-based (DDBJ's `page`, within its
    /// deep-paging limit; beyond it DDBJ gives a cursor).
    Page(u32),
}

/// Why a response could not be mapped.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The body is not JSON (or is cut short).
    #[error("the response is not JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// The JSON is not in the shape the service documents.
    #[error("at {pointer}: expected {expected}")]
    Shape {
        /// JSON pointer of the value at fault.
        pointer: String,
        /// What was expected there.
        expected: String,
    },
    /// The service answered with an error document of its own.
    #[error("at {pointer}: the service reports: {message}")]
    Reported {
        /// JSON pointer of the error.
        pointer: String,
        /// The service's message.
        message: String,
    },
}

impl ParseError {
    /// A value at `pointer` that is not what was `expected`.
    pub fn shape(pointer: impl Into<String>, expected: impl Into<String>) -> ParseError {
        ParseError::Shape {
            pointer: pointer.into(),
            expected: expected.into(),
        }
    }
}

/// Parses a body as JSON.
pub fn json(body: &[u8]) -> Result<serde_json::Value, ParseError> {
    serde_json::from_slice(body).map_err(ParseError::Json)
}

/// A stable hash (SHA-256, hex) of a record's JSON.
pub fn content_hash(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.as_bytes()))
}

pub use dmpgraph_model::funding::{
    guess_lang, names_funder, names_funder_text, normalize_orcid, normalize_ror,
};


// ---------------------------------------------------------------------------
// Shared by the JSON connectors (DataCite, Crossref): walking a response with
// the JSON pointer of every value at hand, percent-encoding, a record's
// canonical JSON, and award fields that list several numbers.

/// The characters of a URL path segment that are escaped: all but the
/// unreserved ones (RFC 3986) and `/`, which DOI registries' `/dois/{doi}`
/// and `/works/{doi}` take literally.
pub(crate) const DOI_PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// The characters of a query parameter's value that are escaped: all but
/// the unreserved ones.
pub(crate) const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `text` percent-encoded with `set`.
pub(crate) fn encode(text: &str, set: &'static percent_encoding::AsciiSet) -> String {
    percent_encoding::utf8_percent_encode(text, set).to_string()
}

/// A base URL without its trailing slashes.
pub(crate) fn trim_base(base: &str) -> &str {
    base.trim().trim_end_matches('/')
}

/// A record's own JSON, serialised with every object's keys sorted, so
/// that its hash does not depend on the order the service wrote them in
/// (nor on whether serde_json's `preserve_order` is on).
pub(crate) fn canonical(value: &serde_json::Value) -> Result<String, ParseError> {
    let mut v = value.clone();
    v.sort_all_objects();
    serde_json::to_string(&v).map_err(ParseError::Json)
}

static NULL: serde_json::Value = serde_json::Value::Null;

/// A value of a response and its JSON pointer, so that a value of the wrong
/// shape is reported where it is. An absent member is `null`; `null` is
/// taken as absent everywhere.
#[derive(Debug, Clone)]
pub(crate) struct At<'a> {
    /// The value.
    pub(crate) v: &'a serde_json::Value,
    /// Its JSON pointer.
    pub(crate) ptr: String,
}

impl<'a> At<'a> {
    /// The value at `ptr`.
    pub(crate) fn new(v: &'a serde_json::Value, ptr: impl Into<String>) -> At<'a> {
        At { v, ptr: ptr.into() }
    }

    /// The member `key` (`null` when absent or when this is no object).
    pub(crate) fn get(&self, key: &str) -> At<'a> {
        let escaped = key.replace('~', "~0").replace('/', "~1");
        At {
            v: self.v.get(key).unwrap_or(&NULL),
            ptr: format!("{}/{escaped}", self.ptr),
        }
    }

    /// The error: not what was `expected` here.
    pub(crate) fn shape(&self, expected: &str) -> ParseError {
        ParseError::shape(self.ptr.clone(), expected)
    }

    /// Fails unless it is an object (or absent).
    pub(crate) fn object(
        &self,
        expected: &str,
    ) -> Result<Option<&'a serde_json::Map<String, serde_json::Value>>, ParseError> {
        match self.v {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::Object(m) => Ok(Some(m)),
            _ => Err(self.shape(expected)),
        }
    }

    /// The elements of an array (none when absent).
    pub(crate) fn items(&self) -> Result<Vec<At<'a>>, ParseError> {
        match self.v {
            serde_json::Value::Null => Ok(Vec::new()),
            serde_json::Value::Array(a) => Ok(a
                .iter()
                .enumerate()
                .map(|(i, v)| At::new(v, format!("{}/{i}", self.ptr)))
                .collect()),
            _ => Err(self.shape("an array")),
        }
    }

    /// The elements of an array, or a lone value as one (services that
    /// write one value where the schema has a list).
    pub(crate) fn items_or_one(&self) -> Result<Vec<At<'a>>, ParseError> {
        match self.v {
            serde_json::Value::Array(_) => self.items(),
            serde_json::Value::Null => Ok(Vec::new()),
            _ => Ok(vec![self.clone()]),
        }
    }

    /// A text: a string (trimmed; empty is absent) or a number as written.
    pub(crate) fn text(&self) -> Result<Option<String>, ParseError> {
        match self.v {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(s) => {
                let t = s.trim();
                Ok((!t.is_empty()).then(|| t.to_string()))
            }
            serde_json::Value::Number(n) => Ok(Some(n.to_string())),
            _ => Err(self.shape("a string")),
        }
    }

    /// Texts: an array of texts, or one text.
    pub(crate) fn texts(&self) -> Result<Vec<String>, ParseError> {
        let mut out = Vec::new();
        for i in self.items_or_one()? {
            out.extend(i.text()?);
        }
        Ok(out)
    }
}

/// The award numbers an award field holds, each as `(written, normalised)`:
/// the field itself when it is one number (or no AMED number at all, then
/// unnormalised); when it lists several AMED numbers
/// (`JP21ek0109555, JP22ek0109555`), each as written; when it holds one
/// amid other words (`AMED JP21ek0109555`), the field with that number.
pub(crate) fn award_pieces(text: &str) -> Vec<(String, Option<String>)> {
    let written = text.trim();
    if written.is_empty() {
        return Vec::new();
    }
    if let Some(n) = dmpgraph_model::award::normalise(written) {
        return vec![(written.to_string(), Some(n))];
    }
    let found = dmpgraph_model::award::find_all(written);
    match found.as_slice() {
        [] => vec![(written.to_string(), None)],
        [(a, _)] => vec![(written.to_string(), Some(a.acknowledgement()))],
        _ => {
            let mut out: Vec<(String, Option<String>)> = Vec::new();
            for (a, w) in found {
                let n = a.acknowledgement();
                if !out.iter().any(|(_, m)| m.as_deref() == Some(n.as_str())) {
                    out.push((w, Some(n)));
                }
            }
            out
        }
    }
}

/// A text and its language: the tag given (lower case), else guessed.
pub(crate) fn lang_text(text: String, lang: Option<&str>) -> dmpgraph_model::deposit::LangText {
    let lang = lang
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .or_else(|| guess_lang(&text));
    dmpgraph_model::deposit::LangText::new(text, lang)
}

#[cfg(test)]
mod shared_tests {
    use super::*;

    #[test]
    fn award_fields_that_list_several_numbers_are_split() {
        assert_eq!(
            award_pieces("JP21ek0109555"),
            vec![("JP21ek0109555".into(), Some("JP21ek0109555".into()))]
        );
        assert_eq!(
            award_pieces("JP21ek0109555, ＪＰ２２ｅｋ０１０９５５５ and JP21ek0109555"),
            vec![
                ("JP21ek0109555".into(), Some("JP21ek0109555".into())),
                (
                    "ＪＰ２２ｅｋ０１０９５５５".into(),
                    Some("JP22ek0109555".into())
                ),
            ]
        );
        assert_eq!(
            award_pieces("AMED grant JP21ek0109555"),
            vec![(
                "AMED grant JP21ek0109555".into(),
                Some("JP21ek0109555".into())
            )]
        );
        assert_eq!(award_pieces(" 21K12345 "), vec![("21K12345".into(), None)]);
        assert!(award_pieces("  ").is_empty());
    }

    #[test]
    fn pointers_name_the_value_at_fault() {
        let v: serde_json::Value = serde_json::json!({"a/b": [1, {"c": true}]});
        let at = At::new(&v, "");
        let items = at.get("a/b").items().unwrap();
        assert_eq!(items[1].get("c").ptr, "/a~1b/1/c");
        match items[1].get("c").text() {
            Err(ParseError::Shape { pointer, .. }) => assert_eq!(pointer, "/a~1b/1/c"),
            other => panic!("{other:?}"),
        }
        assert_eq!(items[0].text().unwrap().as_deref(), Some("1"));
        assert!(at.get("missing").items().unwrap().is_empty());
    }
}
