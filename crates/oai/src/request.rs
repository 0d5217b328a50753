//! An OAI-PMH request: its arguments checked against the verb, every
//! protocol error named (OAI-PMH 2.0, section 3.6).

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// The protocol's error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// An illegal, missing, repeated or unknown argument, or a bad value.
    BadArgument,
    /// The resumption token is invalid or was tampered with.
    BadResumptionToken,
    /// The verb is missing, repeated or not one of the six.
    BadVerb,
    /// The metadata format is not served (for this item).
    CannotDisseminateFormat,
    /// No item has this identifier.
    IdDoesNotExist,
    /// The list is empty.
    NoRecordsMatch,
    /// The item has no metadata format.
    NoMetadataFormats,
    /// The repository has no sets.
    NoSetHierarchy,
}

impl ErrorCode {
    /// The code as the protocol writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadArgument => "badArgument",
            ErrorCode::BadResumptionToken => "badResumptionToken",
            ErrorCode::BadVerb => "badVerb",
            ErrorCode::CannotDisseminateFormat => "cannotDisseminateFormat",
            ErrorCode::IdDoesNotExist => "idDoesNotExist",
            ErrorCode::NoRecordsMatch => "noRecordsMatch",
            ErrorCode::NoMetadataFormats => "noMetadataFormats",
            ErrorCode::NoSetHierarchy => "noSetHierarchy",
        }
    }
}

/// A protocol error: its code and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OaiError {
    /// The code.
    pub code: ErrorCode,
    /// What was wrong, naming the argument.
    pub message: String,
}

impl OaiError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> OaiError {
        OaiError {
            code,
            message: message.into(),
        }
    }
}

/// A bound of a selective harvest, as given (its granularity kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateBound {
    /// The instant (a day's bound is its first or last second).
    pub at: DateTime<Utc>,
    /// Whether it was given as a day (`YYYY-MM-DD`).
    pub day: bool,
}

/// The arguments of a list request that does not resume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListArgs {
    /// `metadataPrefix`.
    pub prefix: String,
    /// `set`.
    pub set: Option<String>,
    /// `from` (inclusive).
    pub from: Option<DateBound>,
    /// `until` (inclusive).
    pub until: Option<DateBound>,
}

/// A list request: new, or resumed from a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum List {
    /// The first page.
    Start(ListArgs),
    /// A later page.
    Resume(String),
}

/// A checked request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `Identify`.
    Identify,
    /// `ListMetadataFormats`, for the repository or one item.
    ListMetadataFormats {
        /// `identifier`.
        identifier: Option<String>,
    },
    /// `ListSets`.
    ListSets {
        /// `resumptionToken`.
        token: Option<String>,
    },
    /// `GetRecord`.
    GetRecord {
        /// `identifier`.
        identifier: String,
        /// `metadataPrefix`.
        prefix: String,
    },
    /// `ListIdentifiers`.
    ListIdentifiers(List),
    /// `ListRecords`.
    ListRecords(List),
}

impl Request {
    /// The verb's name.
    pub fn verb(&self) -> &'static str {
        match self {
            Request::Identify => "Identify",
            Request::ListMetadataFormats { .. } => "ListMetadataFormats",
            Request::ListSets { .. } => "ListSets",
            Request::GetRecord { .. } => "GetRecord",
            Request::ListIdentifiers(_) => "ListIdentifiers",
            Request::ListRecords(_) => "ListRecords",
        }
    }
}

/// The arguments each verb takes: (name, required).
fn allowed(verb: &str) -> Option<&'static [(&'static str, bool)]> {
    Some(match verb {
        "Identify" => &[],
        "ListMetadataFormats" => &[("identifier", false)],
        "ListSets" => &[("resumptionToken", false)],
        "GetRecord" => &[("identifier", true), ("metadataPrefix", true)],
        "ListIdentifiers" | "ListRecords" => &[
            ("metadataPrefix", true),
            ("set", false),
            ("from", false),
            ("until", false),
            ("resumptionToken", false),
        ],
        _ => return None,
    })
}

/// Checks a request's arguments (from the query string of a GET or the
/// form body of a POST, in order).
pub fn parse(pairs: &[(String, String)]) -> Result<Request, OaiError> {
    let verbs: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "verb")
        .map(|(_, v)| v.as_str())
        .collect();
    let verb = match verbs.as_slice() {
        [] => {
            return Err(OaiError::new(
                ErrorCode::BadVerb,
                "the verb argument is missing",
            ))
        }
        [v] => *v,
        _ => {
            return Err(OaiError::new(
                ErrorCode::BadVerb,
                "the verb argument is repeated",
            ))
        }
    };
    let Some(allowed) = allowed(verb) else {
        return Err(OaiError::new(
            ErrorCode::BadVerb,
            format!("'{verb}' is not an OAI-PMH verb (Identify, ListMetadataFormats, ListSets, GetRecord, ListIdentifiers, ListRecords)"),
        ));
    };
    let mut args: Vec<(&str, &str)> = Vec::new();
    for (k, v) in pairs.iter().filter(|(k, _)| k != "verb") {
        if !allowed.iter().any(|(name, _)| name == k) {
            return Err(OaiError::new(
                ErrorCode::BadArgument,
                format!("{verb} takes no argument '{k}'"),
            ));
        }
        if args.iter().any(|(name, _)| name == k) {
            return Err(OaiError::new(
                ErrorCode::BadArgument,
                format!("the argument '{k}' is repeated"),
            ));
        }
        args.push((k.as_str(), v.as_str()));
    }
    let get = |name: &str| args.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    // A resumption token is exclusive: it stands for every other argument.
    if let Some(token) = get("resumptionToken") {
        if args.len() > 1 {
            return Err(OaiError::new(
                ErrorCode::BadArgument,
                "resumptionToken is an exclusive argument: give it alone with the verb",
            ));
        }
        let token = token.to_string();
        return Ok(match verb {
            "ListSets" => Request::ListSets { token: Some(token) },
            "ListIdentifiers" => Request::ListIdentifiers(List::Resume(token)),
            _ => Request::ListRecords(List::Resume(token)),
        });
    }
    for (name, required) in allowed {
        if *required && get(name).is_none() {
            return Err(OaiError::new(
                ErrorCode::BadArgument,
                format!("{verb} needs the argument '{name}'"),
            ));
        }
    }
    let nonempty = |name: &str| -> Result<Option<String>, OaiError> {
        match get(name) {
            Some("") => Err(OaiError::new(
                ErrorCode::BadArgument,
                format!("the argument '{name}' is empty"),
            )),
            other => Ok(other.map(str::to_owned)),
        }
    };
    Ok(match verb {
        "Identify" => Request::Identify,
        "ListMetadataFormats" => Request::ListMetadataFormats {
            identifier: nonempty("identifier")?,
        },
        "ListSets" => Request::ListSets { token: None },
        "GetRecord" => Request::GetRecord {
            identifier: nonempty("identifier")?.unwrap_or_default(),
            prefix: nonempty("metadataPrefix")?.unwrap_or_default(),
        },
        _ => {
            let from = get("from").map(|v| date("from", v, false)).transpose()?;
            let until = get("until").map(|v| date("until", v, true)).transpose()?;
            if let (Some(f), Some(u)) = (from, until) {
                if f.day != u.day {
                    return Err(OaiError::new(
                        ErrorCode::BadArgument,
                        "from and until have different granularities (give both as YYYY-MM-DD or both as YYYY-MM-DDThh:mm:ssZ)",
                    ));
                }
                if f.at > u.at {
                    return Err(OaiError::new(
                        ErrorCode::BadArgument,
                        "from is later than until",
                    ));
                }
            }
            let args = ListArgs {
                prefix: nonempty("metadataPrefix")?.unwrap_or_default(),
                set: nonempty("set")?,
                from,
                until,
            };
            if verb == "ListIdentifiers" {
                Request::ListIdentifiers(List::Start(args))
            } else {
                Request::ListRecords(List::Start(args))
            }
        }
    })
}

/// A `from` or `until` value: `YYYY-MM-DD` (a day: its first second for
/// `from`, its last for `until`) or `YYYY-MM-DDThh:mm:ssZ`.
fn date(name: &str, value: &str, end: bool) -> Result<DateBound, OaiError> {
    let bad = || {
        OaiError::new(
            ErrorCode::BadArgument,
            format!("{name}='{value}': expected YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC)"),
        )
    };
    if value.len() == 10 {
        let day = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| bad())?;
        let time = if end {
            day.and_hms_opt(23, 59, 59)
        } else {
            day.and_hms_opt(0, 0, 0)
        }
        .ok_or_else(bad)?;
        return Ok(DateBound {
            at: Utc.from_utc_datetime(&time),
            day: true,
        });
    }
    if value.len() == 20 && value.ends_with('Z') {
        let time =
            NaiveDateTime::parse_from_str(&value[..19], "%Y-%m-%dT%H:%M:%S").map_err(|_| bad())?;
        return Ok(DateBound {
            at: Utc.from_utc_datetime(&time),
            day: false,
        });
    }
    Err(bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(q: &[(&str, &str)]) -> Result<Request, OaiError> {
        let pairs: Vec<(String, String)> = q
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        parse(&pairs)
    }

    fn code(q: &[(&str, &str)]) -> ErrorCode {
        req(q).unwrap_err().code
    }

    #[test]
    fn verbs_missing_repeated_or_unknown_are_bad_verbs() {
        assert_eq!(code(&[]), ErrorCode::BadVerb);
        assert_eq!(
            code(&[("verb", "Identify"), ("verb", "Identify")]),
            ErrorCode::BadVerb
        );
        assert_eq!(code(&[("verb", "ListThings")]), ErrorCode::BadVerb);
        assert_eq!(req(&[("verb", "Identify")]), Ok(Request::Identify));
    }

    #[test]
    fn unknown_repeated_missing_and_mixed_arguments_are_bad_arguments() {
        assert_eq!(
            code(&[("verb", "Identify"), ("set", "dmp")]),
            ErrorCode::BadArgument
        );
        assert_eq!(
            code(&[
                ("verb", "ListRecords"),
                ("metadataPrefix", "oai_dc"),
                ("set", "a"),
                ("set", "b")
            ]),
            ErrorCode::BadArgument
        );
        assert_eq!(code(&[("verb", "ListRecords")]), ErrorCode::BadArgument);
        assert_eq!(
            code(&[("verb", "GetRecord"), ("identifier", "oai:x:dmp:1")]),
            ErrorCode::BadArgument
        );
        assert_eq!(
            code(&[
                ("verb", "ListIdentifiers"),
                ("metadataPrefix", "oai_dc"),
                ("resumptionToken", "t")
            ]),
            ErrorCode::BadArgument
        );
        // Mixed granularity, a bad date, from after until.
        for (from, until) in [
            ("2026-01-01", "2026-02-01T00:00:00Z"),
            ("2026-13-01", "2026-12-01"),
            ("2026-02-01", "2026-01-01"),
        ] {
            assert_eq!(
                code(&[
                    ("verb", "ListRecords"),
                    ("metadataPrefix", "oai_dc"),
                    ("from", from),
                    ("until", until)
                ]),
                ErrorCode::BadArgument,
                "{from} {until}"
            );
        }
    }

    #[test]
    fn until_a_day_takes_the_whole_day() {
        let r = req(&[
            ("verb", "ListRecords"),
            ("metadataPrefix", "oai_dc"),
            ("from", "2026-01-01"),
            ("until", "2026-01-01"),
        ])
        .unwrap();
        let Request::ListRecords(List::Start(args)) = r else {
            panic!("{r:?}")
        };
        assert_eq!(
            args.from.unwrap().at.to_rfc3339(),
            "2026-01-01T00:00:00+00:00"
        );
        assert_eq!(
            args.until.unwrap().at.to_rfc3339(),
            "2026-01-01T23:59:59+00:00"
        );
    }
}
