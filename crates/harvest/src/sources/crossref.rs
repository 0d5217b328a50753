//! Crossref's REST API: one work (`/works/{doi}`) and `works` filtered by
//! funder and award, deep-paged by `next-cursor`.

use super::{Item, Page, ParseError};
use dmpgraph_model::Funder;

/// The URL of one work (`mailto` for Crossref's polite pool).
pub fn work_url(base: &str, doi: &str, mailto: Option<&str>) -> String {
    let _ = (base, doi, mailto);
    todo!("helper")
}

/// The filters for works funded by `funder` (and, given, the award as written).
pub fn funder_filters(funder: &Funder, award: Option<&str>) -> Vec<(String, String)> {
    let _ = (funder, award);
    todo!("helper")
}

/// The URL of a page of works with `filters`, `rows` per page, at `cursor` (`*` first).
pub fn works_url(base: &str, filters: &[(String, String)], rows: u32, cursor: &str, mailto: Option<&str>) -> String {
    let _ = (base, filters, rows, cursor, mailto);
    todo!("helper")
}

/// Maps a `/works/{doi}` response.
pub fn parse_work(body: &[u8]) -> Result<Item, ParseError> {
    let _ = body;
    todo!("helper")
}

/// Maps a page of `works` asked with `rows` per page (a page with fewer is the last).
pub fn parse_works(body: &[u8], rows: u32) -> Result<Page, ParseError> {
    let _ = (body, rows);
    todo!("helper")
}
