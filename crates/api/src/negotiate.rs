//! Content negotiation (RFC 9110 `Accept`, q-values, parsed by
//! `headers-accept`): the DMP Common Standard 1.3 by default, 1.2 on
//! request, `application/json` (1.3) for a client that asks for plain
//! JSON or says nothing.

use crate::error::ApiError;
use dmpgraph_madmp::Version;
use headers_accept::Accept;
use mediatype::{MediaType, ReadParams};
use std::str::FromStr;

/// The standard's media type of version 1.3 (the API's default).
pub const V1_3: &str = "application/vnd.org.rd-alliance.dmp-common.v1.3+json";
/// Version 1.2's, on request.
pub const V1_2: &str = "application/vnd.org.rd-alliance.dmp-common.v1.2+json";
/// Plain JSON: version 1.3.
pub const JSON: &str = "application/json";

/// What a response is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Representation {
    /// The version of the standard.
    pub version: Version,
    /// The media type, as the `Content-Type` says it.
    pub media_type: &'static str,
}

impl Representation {
    /// Version 1.3 as its own media type.
    pub const STANDARD: Representation = Representation {
        version: Version::V1_3,
        media_type: V1_3,
    };

    /// Version 1.2 as its own media type.
    pub const V1_2: Representation = Representation {
        version: Version::V1_2,
        media_type: V1_2,
    };

    /// A short tag of the representation, for entity tags (`v13`, `v12`).
    pub fn tag(self) -> &'static str {
        match self.version {
            Version::V1_2 => "v12",
            _ => "v13",
        }
    }
}

/// The offers, the server's preferred first (the answer to `*/*`).
const OFFERS: [(&str, Version); 3] = [
    (V1_3, Version::V1_3),
    (V1_2, Version::V1_2),
    (JSON, Version::V1_3),
];

/// The representation `accept` asks for; 406 `not_acceptable` when none of
/// the offers is acceptable.
pub fn choose(accept: Option<&str>) -> Result<Representation, ApiError> {
    let Some(text) = accept.map(str::trim).filter(|a| !a.is_empty()) else {
        return Ok(Representation {
            version: Version::V1_3,
            media_type: JSON,
        });
    };
    let parsed = Accept::from_str(text).map_err(|_| ApiError::not_acceptable(text))?;
    let offers: Vec<MediaType<'static>> = OFFERS
        .iter()
        .filter_map(|(m, _)| MediaType::parse(m).ok())
        .collect();
    let chosen = parsed
        .negotiate(offers.iter())
        .ok_or_else(|| ApiError::not_acceptable(text))?
        .to_string();
    OFFERS
        .iter()
        .find(|(m, _)| *m == chosen)
        .map(|&(media_type, version)| Representation {
            version,
            media_type,
        })
        .ok_or_else(|| ApiError::not_acceptable(text))
}

/// The version a request body of `content_type` is read as: 1.3 or 1.2
/// by its media type, the one the document names for `application/json`;
/// 415 `unsupported_media_type` for any other type or a charset other than
/// UTF-8.
pub fn body_version(content_type: Option<&str>) -> Result<Option<Version>, ApiError> {
    let refuse = || ApiError::unsupported(content_type);
    let text = content_type.map(str::trim).filter(|t| !t.is_empty());
    let media = MediaType::parse(text.ok_or_else(refuse)?).map_err(|_| refuse())?;
    if let Some(charset) = media.get_param(mediatype::names::CHARSET) {
        if !charset.as_str().eq_ignore_ascii_case("utf-8") {
            return Err(refuse());
        }
    }
    let essence = media.essence().to_string().to_ascii_lowercase();
    match essence.as_str() {
        V1_3 => Ok(Some(Version::V1_3)),
        V1_2 => Ok(Some(Version::V1_2)),
        JSON => Ok(None),
        _ => Err(refuse()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_read_as_its_media_type_says() {
        assert_eq!(body_version(Some(V1_3)), Ok(Some(Version::V1_3)));
        assert_eq!(
            body_version(Some(&format!("{V1_2}; charset=UTF-8"))),
            Ok(Some(Version::V1_2))
        );
        assert_eq!(body_version(Some("Application/JSON")), Ok(None));
        for refused in [
            None,
            Some(""),
            Some("text/plain"),
            Some("application/json; charset=latin1"),
            Some("application/vnd.org.rd-alliance.dmp-common.v1.1+json"),
            Some("application/x-www-form-urlencoded"),
        ] {
            let e = body_version(refused).unwrap_err();
            assert_eq!(
                (e.status.as_u16(), e.code),
                (415, "unsupported_media_type"),
                "{refused:?}"
            );
        }
    }

    #[test]
    fn q_values_order_and_plain_json_is_1_3() {
        let v = |a: Option<&str>| choose(a).map(|r| (r.version, r.media_type));
        assert_eq!(v(None), Ok((Version::V1_3, JSON)));
        assert_eq!(v(Some("*/*")), Ok((Version::V1_3, V1_3)));
        assert_eq!(v(Some("application/*")), Ok((Version::V1_3, V1_3)));
        assert_eq!(v(Some(V1_2)), Ok((Version::V1_2, V1_2)));
        assert_eq!(v(Some("application/json")), Ok((Version::V1_3, JSON)));
        assert_eq!(
            v(Some(&format!("{V1_3};q=0.5, {V1_2};q=0.9"))),
            Ok((Version::V1_2, V1_2))
        );
        assert_eq!(
            v(Some(&format!("{V1_2};q=0, */*;q=0.1"))),
            Ok((Version::V1_3, V1_3))
        );
        for refused in [
            "text/html",
            "application/xml, text/plain;q=0.5",
            "application/vnd.org.rd-alliance.dmp-common.v1.1+json",
        ] {
            let e = choose(Some(refused)).unwrap_err();
            assert_eq!(
                (e.status.as_u16(), e.code),
                (406, "not_acceptable"),
                "{refused}"
            );
        }
    }
}
