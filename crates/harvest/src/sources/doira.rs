//! doi.org's registration-agency look-up (`/doiRA/{doi}`): which registry holds a DOI.

use super::ParseError;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;
use std::fmt;

/// A DOI registration agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registry {
    /// DataCite.
    DataCite,
    /// Crossref.
    Crossref,
    /// Japan Link Center.
    Jalc,
    /// Another agency (mEDRA, KISTI, …), by the name doi.org gives.
    Other(String),
}

impl Registry {
    /// The agency's name as doi.org writes it (`DataCite`, `Crossref`, `JaLC`, …).
    pub fn name(&self) -> &str {
        match self {
            Registry::DataCite => "DataCite",
            Registry::Crossref => "Crossref",
            Registry::Jalc => "JaLC",
            Registry::Other(name) => name,
        }
    }

    /// The agency of a name doi.org gives (letter case ignored).
    fn from_name(name: &str) -> Registry {
        let name = name.trim();
        match name.to_ascii_lowercase().as_str() {
            "datacite" => Registry::DataCite,
            "crossref" => Registry::Crossref,
            "jalc" => Registry::Jalc,
            _ => Registry::Other(name.to_string()),
        }
    }
}

impl fmt::Display for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a DOI keeps literal in a URL path: unreserved characters and `/`
/// (the prefix–suffix separator); everything else is percent-encoded.
const DOI_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// The URL of a DOI's look-up.
pub fn url(base: &str, doi: &str) -> String {
    format!(
        "{}/doiRA/{}",
        base.trim_end_matches('/'),
        utf8_percent_encode(doi.trim(), DOI_PATH)
    )
}

/// The registry of a look-up's answer; `None` when the DOI does not exist.
pub fn parse(body: &[u8]) -> Result<Option<Registry>, ParseError> {
    let v = super::json(body)?;
    let Value::Array(answers) = v else {
        return Err(ParseError::shape("", "an array of look-up answers"));
    };
    let Some(first) = answers.first() else {
        return Err(ParseError::shape("/0", "one look-up answer"));
    };
    let Value::Object(answer) = first else {
        return Err(ParseError::shape("/0", "an object"));
    };
    match answer.get("RA") {
        Some(Value::String(ra)) if !ra.trim().is_empty() => {
            return Ok(Some(Registry::from_name(ra)));
        }
        None | Some(Value::Null) => {}
        Some(_) => return Err(ParseError::shape("/0/RA", "the agency's name")),
    }
    match answer.get("status") {
        Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("DOI does not exist") => Ok(None),
        Some(Value::String(s)) => Err(ParseError::Reported {
            pointer: "/0/status".into(),
            message: s.trim().to_string(),
        }),
        Some(_) => Err(ParseError::shape("/0/status", "a status message")),
        None => Err(ParseError::shape("/0/RA", "the agency's name")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn fixture(name: &str) -> Option<Vec<u8>> {
        let dir: PathBuf = dmpgraph_dev::testing::fixtures_dir()?;
        Some(std::fs::read(dir.join("external/doi-ra").join(name)).expect("fixture"))
    }

    #[test]
    fn each_fixture_names_its_registry() {
        let Some(datacite) = fixture("datacite.json") else {
            return;
        };
        assert_eq!(parse(&datacite).unwrap(), Some(Registry::DataCite));
        let jalc = fixture("jalc.json").expect("fixture");
        assert_eq!(parse(&jalc).unwrap(), Some(Registry::Jalc));
        let unknown = fixture("unknown.json").expect("fixture");
        assert_eq!(parse(&unknown).unwrap(), None);
    }

    #[test]
    fn agencies_by_name() {
        let ra = |name: &str| {
            parse(format!(r#"[{{"DOI":"10.1234/x","RA":"{name}"}}]"#).as_bytes()).unwrap()
        };
        assert_eq!(ra("Crossref"), Some(Registry::Crossref));
        assert_eq!(ra("JaLC"), Some(Registry::Jalc));
        assert_eq!(ra("mEDRA"), Some(Registry::Other("mEDRA".into())));
        assert_eq!(Registry::Jalc.name(), "JaLC");
        assert_eq!(Registry::Other("KISTI".into()).to_string(), "KISTI");
        assert_eq!(Registry::DataCite.to_string(), "DataCite");
        assert_eq!(Registry::Crossref.name(), "Crossref");
    }

    #[test]
    fn errors_are_told_apart() {
        match parse(br#"[{"DOI":"x","status":"Invalid DOI"}]"#) {
            Err(ParseError::Reported { pointer, message }) => {
                assert_eq!(pointer, "/0/status");
                assert_eq!(message, "Invalid DOI");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(parse(br#"{"RA":"DataCite"}"#), Err(ParseError::Shape { pointer, .. }) if pointer.is_empty())
        );
        assert!(matches!(parse(b"[]"), Err(ParseError::Shape { pointer, .. }) if pointer == "/0"));
        assert!(
            matches!(parse(br#"[{"RA":5}]"#), Err(ParseError::Shape { pointer, .. }) if pointer == "/0/RA")
        );
        assert!(matches!(
            parse(br#"[{"DOI":"x"}]"#),
            Err(ParseError::Shape { .. })
        ));
        assert!(matches!(
            parse(br#"[{"DOI": "10.1"#),
            Err(ParseError::Json(_))
        ));
    }

    #[test]
    fn urls_keep_the_slash() {
        assert_eq!(
            url("https://doi.org", "10.1234/abc"),
            "https://doi.org/doiRA/10.1234/abc"
        );
        assert_eq!(
            url("https://doi.org/", "10.1234/abc"),
            "https://doi.org/doiRA/10.1234/abc"
        );
        assert_eq!(
            url("http://127.0.0.1:9/", "10.1002/(sici)1097-4571#x?y z"),
            "http://127.0.0.1:9/doiRA/10.1002/%28sici%291097-4571%23x%3Fy%20z"
        );
    }
}
