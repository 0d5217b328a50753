//! Warnings: values that stray from the `format` their key's schema names.
//!
//! JSON Schema treats `format` as an annotation unless a validator is asked
//! to assert it (draft-07, which the 1.0 and 1.1 schemas declare, makes the
//! assertion optional; draft 2020-12, which 1.2 and 1.3 declare, makes it an
//! annotation by default, and `url`, the format 1.2 and 1.3 give most links,
//! is no format JSON Schema defines at all). A document whose `host.url` is a
//! bare DOI is therefore valid against the schema, and reading keeps such a
//! value as written and reports it as a [`Warning`]. [`crate::validate`]
//! checks the formats strictly, for documents dmpgraph builds itself.

use crate::error::{shown, ImportError};
use std::fmt;

/// A `format` the maDMP schemas name on string values, the ones checked.
///
/// `email` (on every `mbox`) is not checked: no mail address check short of
/// sending mail is reliable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SchemaFormat {
    /// `format: date`: an RFC 3339 full-date, `YYYY-MM-DD`, a real calendar date.
    Date,
    /// `format: date-time`: an RFC 3339 date-time, with its time zone.
    DateTime,
    /// `format: uri`: an absolute URI (checked as an IRI, RFC 3987, a superset).
    Uri,
    /// `format: url`, the 1.2 and 1.3 schemas' name for links: checked as
    /// [`SchemaFormat::Uri`].
    Url,
}

impl SchemaFormat {
    /// The format's name as the schemas write it (`date-time`).
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaFormat::Date => "date",
            SchemaFormat::DateTime => "date-time",
            SchemaFormat::Uri => "uri",
            SchemaFormat::Url => "url",
        }
    }

    /// What a value of this format is, in words.
    pub fn expected(self) -> &'static str {
        match self {
            SchemaFormat::Date => "a calendar date YYYY-MM-DD",
            SchemaFormat::DateTime => {
                "an RFC 3339 date-time with a time zone, e.g. 2019-03-13T13:13:00Z"
            }
            SchemaFormat::Uri | SchemaFormat::Url => "an absolute URI",
        }
    }
}

impl fmt::Display for SchemaFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value that is not what its key's `format` describes, read and kept as
/// written (so that the document round-trips unchanged).
///
/// Its message starts with the JSON pointer (RFC 6901) of the value, as
/// [`ImportError`]'s do, e.g.
/// `/dmp/dataset/0/distribution/0/host/url: "10.25504/FAIRsharing.abc123" is
/// not an absolute URI (format url; No scheme found in an absolute IRI); kept
/// as written`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Warning {
    /// Pointer of the value.
    pub pointer: String,
    /// The value, as written.
    pub value: String,
    /// The format the schema names for it.
    pub format: SchemaFormat,
    /// Why the value does not fit, where the check tells (the IRI parser's
    /// message for a link).
    pub reason: Option<String>,
}

impl Warning {
    /// The JSON pointer of the value.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {:?} is not {} (format {}",
            shown(&self.pointer),
            self.value,
            self.format.expected(),
            self.format
        )?;
        if let Some(reason) = &self.reason {
            write!(f, "; {reason}")?;
        }
        f.write_str("); kept as written")
    }
}

/// The strict reading of a warning: the error [`crate::validate`] reports.
impl From<Warning> for ImportError {
    fn from(warning: Warning) -> Self {
        let Warning {
            pointer,
            value,
            format,
            reason,
        } = warning;
        match format {
            SchemaFormat::Date => ImportError::BadDate { pointer, value },
            SchemaFormat::DateTime => ImportError::BadDateTime { pointer, value },
            SchemaFormat::Uri | SchemaFormat::Url => ImportError::BadUri {
                pointer,
                value,
                reason: reason.unwrap_or_default(),
            },
        }
    }
}
