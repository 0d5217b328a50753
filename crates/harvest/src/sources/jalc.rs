//! Japan Link Center's REST API: one DOI (`/dois/{doi}`).

use super::{Item, ParseError};

/// The URL of one DOI.
pub fn doi_url(base: &str, doi: &str) -> String {
    let _ = (base, doi);
    todo!("helper")
}

/// Maps a `/dois/{doi}` response.
pub fn parse_doi(body: &[u8]) -> Result<Item, ParseError> {
    let _ = body;
    todo!("helper")
}
