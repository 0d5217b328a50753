//! DataCite's REST API (JSON:API): one DOI (`/dois/{doi}`) and searches
//! by funding reference (`/dois?query=…`, paged by `links.next`).

use super::{Item, Page, ParseError};
use dmpgraph_model::award::AwardNumber;
use dmpgraph_model::Funder;

/// The URL of one DOI.
pub fn doi_url(base: &str, doi: &str) -> String {
    let _ = (base, doi);
    todo!("helper")
}

/// The URL of the first page of a search (`query` an Elasticsearch query string).
pub fn search_url(base: &str, query: &str, size: u32) -> String {
    let _ = (base, query, size);
    todo!("helper")
}

/// The query for everything `funder` funded (by name, ROR, Crossref
/// Funder ID), or, with `awards`, for those awards in every year's form.
pub fn funder_query(funder: &Funder, awards: &[AwardNumber]) -> String {
    let _ = (funder, awards);
    todo!("helper")
}

/// Maps a `/dois/{doi}` response.
pub fn parse_doi(body: &[u8]) -> Result<Item, ParseError> {
    let _ = body;
    todo!("helper")
}

/// Maps a search page.
pub fn parse_search(body: &[u8]) -> Result<Page, ParseError> {
    let _ = body;
    todo!("helper")
}
