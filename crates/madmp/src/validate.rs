//! Checks a typed document against one version's schema: what serde's typing
//! cannot express (string formats, rules that differ between versions).
//!
//! The rules are listed on [`validate`].

use crate::codes::DataAccess;
use crate::error::ImportError;
use crate::model::*;
use crate::version::Version;
use crate::warning::{SchemaFormat, Warning};
use chrono::NaiveDate;
use serde_json::{Map, Number, Value};

/// Checks `doc` strictly against the schema of `version`, beyond the types
/// that deserialization already enforced, `format`s included (as a JSON
/// Schema validator asserting formats would), and returns every problem
/// found, in document order (empty: the document is valid for `version`).
///
/// For documents dmpgraph builds, before exporting them: reading a document
/// ([`crate::parse`], [`crate::parse_with_warnings`]) reports a value that
/// strays from its format as a [`Warning`] instead, which this check turns
/// into [`ImportError::BadDate`], [`ImportError::BadDateTime`] or
/// [`ImportError::BadUri`].
///
/// Schema rules beyond the JSON types, required keys and closed lists that
/// deserialization enforces, per the schema files 1.0–1.3 (errors, for
/// reading as for this check):
/// * `byte_size` is an integer, `role` items are unique;
/// * 1.0 only: `project.start`, `project.end` and `funding.grant_id` are
///   required; `dataset`, `license`, `metadata`, `security_and_privacy` and
///   `role` need at least one item;
/// * 1.0 and 1.1: the closed identifier-type lists (`contact_id`,
///   `contributor_id`: orcid, isni, openid, other; `dataset_id`, `dmp_id`:
///   handle, doi, ark, url, other; `funder_id`: fundref, url, other;
///   `grant_id`: url, other), and `contact_id`, `contributor_id`,
///   `metadata_standard_id` are single objects, not arrays;
/// * 1.1 only: the root admits only `dmp` (`additionalProperties: false`).
///   Deliberate leniency: `$schema` is admitted too, since it is how a
///   document declares its version (the standard's own examples carry it);
/// * up to 1.2: `host.url` is required and `data_access` may not be
///   `restricted` (README-1.3 change list: #152, #150);
/// * 1.2 and 1.3: an array `contact_id` or `metadata_standard_id` has at least one item.
///
/// Formats, which JSON Schema treats as annotations (warnings when reading,
/// errors only for this function's strict checks; see [`crate::Warning`]):
/// * `format: date` (`YYYY-MM-DD`, a real calendar date) and `format:
///   date-time` (RFC 3339 with offset), every version (a distribution's
///   `issued` from 1.2 on, where the schemas define it);
/// * `format: uri` (1.0, 1.1) / `url` (1.2, 1.3): an absolute IRI, RFC 3987,
///   via `oxiri`: a superset of URIs, so that the non-ASCII addresses common
///   on Japanese sites pass: `download_url`, `host.url` and `license_ref`,
///   every version, `ethical_issues_report` in 1.0 and 1.1 only (free text
///   from 1.2 on); `format: uri`: `scheme_uri`, 1.2 and 1.3. `access_url`
///   has no format in any version.
///
/// Not checked: `format: email` (no mail address check short of sending
/// mail is reliable). `language`, `geo_location`, `currency_code` and the
/// other closed lists are `enum`s in the schemas, real constraints, which
/// deserialization enforces (`en` or `eng-US` for `language` is an error).
pub fn validate(doc: &MadmpDocument, version: Version) -> Vec<ImportError> {
    let mut checker = Checker::new(version);
    checker.document(doc);
    checker
        .findings
        .into_iter()
        .map(|finding| match finding {
            Finding::Error(error) => error,
            Finding::Format(warning) => warning.into(),
        })
        .collect()
}

/// Checks `doc` against the schema of `version` as a reader does: the
/// schema's rules are errors, values that stray from a `format` are
/// warnings; both in document order.
pub(crate) fn check(doc: &MadmpDocument, version: Version) -> (Vec<ImportError>, Vec<Warning>) {
    let mut checker = Checker::new(version);
    checker.document(doc);
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for finding in checker.findings {
        match finding {
            Finding::Error(error) => errors.push(error),
            Finding::Format(warning) => warnings.push(warning),
        }
    }
    (errors, warnings)
}

impl MadmpDocument {
    /// JSON pointers of every key the standard does not define (kept in the
    /// objects' `extra` maps), in document order: the tools' extension
    /// fields a document carries, `/$schema` included. The keys of every
    /// version count as the standard's: see [`MadmpDocument::extension_keys_in`].
    pub fn extension_keys(&self) -> Vec<String> {
        self.extension_keys_in(Version::V1_3)
    }

    /// JSON pointers of every key that `version` of the standard does not
    /// define, in document order: [`MadmpDocument::extension_keys`] and, in
    /// 1.0 and 1.1, the keys that came with 1.2 (`affiliation`, `creator`,
    /// `alternate_identifier`, `related_identifier`, `is_reused`, `rights`,
    /// a distribution's `issued`, `host_id`, `project_id`,
    /// `technical_resource_id`), which those versions admit only as
    /// additional keys. 1.2 and 1.3 define the same keys.
    pub fn extension_keys_in(&self, version: Version) -> Vec<String> {
        let mut checker = Checker::new(version);
        checker.document(self);
        checker.extensions
    }
}

/// Parses a `format: date` value: exactly `YYYY-MM-DD`, a real calendar date.
pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, ()> {
    // chrono's `%Y-%m-%d` also takes signs, wider years and 1-digit months,
    // which RFC 3339's full-date (what `format: date` means) does not.
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err(());
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| ())
}

/// Checks a `format: uri`/`url` value: an absolute IRI. The reason on failure.
fn check_uri(s: &str) -> Result<(), String> {
    oxiri::Iri::parse(s).map(|_| ()).map_err(|e| e.to_string())
}

/// Escapes a key for a JSON pointer (RFC 6901).
pub(crate) fn escape_key(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// One problem, in document order: a broken schema rule, or a value that
/// strays from its format.
enum Finding {
    Error(ImportError),
    Format(Warning),
}

struct Checker {
    version: Version,
    findings: Vec<Finding>,
    extensions: Vec<String>,
}

impl Checker {
    fn new(version: Version) -> Self {
        Checker {
            version,
            findings: Vec::new(),
            extensions: Vec::new(),
        }
    }

    fn error(&mut self, error: ImportError) {
        self.findings.push(Finding::Error(error));
    }

    fn format(
        &mut self,
        pointer: String,
        value: &str,
        format: SchemaFormat,
        reason: Option<String>,
    ) {
        self.findings.push(Finding::Format(Warning {
            pointer,
            value: value.to_owned(),
            format,
            reason,
        }));
    }

    /// The format the schemas give links: `uri` in 1.0 and 1.1, `url` from 1.2 on.
    fn link_format(&self) -> SchemaFormat {
        if self.up_to_1_1() {
            SchemaFormat::Uri
        } else {
            SchemaFormat::Url
        }
    }

    fn v10(&self) -> bool {
        self.version == Version::V1_0
    }

    fn up_to_1_1(&self) -> bool {
        self.version <= Version::V1_1
    }

    /// A key the standard added in 1.2: an extension key in 1.0 and 1.1.
    fn since_1_2(&mut self, at: &str, key: &str, present: bool) {
        if present && self.up_to_1_1() {
            self.extensions.push(format!("{at}/{key}"));
        }
    }

    fn extra(&mut self, at: &str, extra: &Map<String, Value>) {
        for key in extra.keys() {
            self.extensions.push(format!("{at}/{}", escape_key(key)));
        }
    }

    fn missing(&mut self, pointer: String) {
        self.error(ImportError::MissingKey {
            pointer,
            version: self.version,
        });
    }

    fn schema(&mut self, pointer: String, message: impl Into<String>) {
        self.error(ImportError::Schema {
            pointer,
            message: message.into(),
            version: self.version,
        });
    }

    fn date(&mut self, pointer: String, date: &Date) {
        if parse_date(date.as_str()).is_err() {
            self.format(pointer, date.as_str(), SchemaFormat::Date, None);
        }
    }

    fn opt_date(&mut self, pointer: String, date: &Option<Date>) {
        if let Some(date) = date {
            self.date(pointer, date);
        }
    }

    fn date_time(&mut self, pointer: String, date_time: &DateTime) {
        if date_time.to_chrono().is_none() {
            self.format(pointer, date_time.as_str(), SchemaFormat::DateTime, None);
        }
    }

    /// A link of `format`: the version's [`Checker::link_format`], but `uri`
    /// for `scheme_uri` and 1.0/1.1's `ethical_issues_report`.
    fn uri(&mut self, pointer: String, value: &str, format: SchemaFormat) {
        if let Err(reason) = check_uri(value) {
            self.format(pointer, value, format, Some(reason));
        }
    }

    fn opt_uri(&mut self, pointer: String, value: &Option<String>, format: SchemaFormat) {
        if let Some(value) = value {
            self.uri(pointer, value, format);
        }
    }

    /// 1.0's `minItems: 1` on arrays the later versions let be empty.
    fn non_empty_in_1_0<T>(&mut self, pointer: String, items: &[T]) {
        if self.v10() && items.is_empty() {
            self.schema(pointer, "needs at least one item");
        }
    }

    /// 1.0 and 1.1's closed identifier-type lists.
    fn id_type(&mut self, pointer: String, value: &str, allowed: &[&str]) {
        if self.up_to_1_1() && !allowed.contains(&value) {
            self.error(ImportError::BadValue {
                pointer,
                message: format!(
                    "{value:?} is not allowed in maDMP {}: expected one of: {}",
                    self.version,
                    allowed.join(", ")
                ),
            });
        }
    }

    /// `contact_id`, `contributor_id`, `metadata_standard_id`: single objects
    /// in 1.0 and 1.1; in 1.2 and 1.3 an array of at least `min_items`.
    fn one_or_many_shape<T>(&mut self, pointer: &str, value: &OneOrMany<T>, min_items: usize) {
        if let OneOrMany::Many(many) = value {
            if self.up_to_1_1() {
                self.schema(
                    pointer.to_owned(),
                    "must be a single object (arrays of identifiers came with maDMP 1.2)",
                );
            } else if many.len() < min_items {
                self.schema(pointer.to_owned(), "needs at least one item");
            }
        }
    }

    fn document(&mut self, doc: &MadmpDocument) {
        if self.version == Version::V1_1 {
            for key in doc.extra.keys().filter(|k| k.as_str() != "$schema") {
                self.schema(
                    format!("/{}", escape_key(key)),
                    "not allowed: the maDMP 1.1 schema admits only \"dmp\" at the root",
                );
            }
        }
        self.extra("", &doc.extra);
        self.dmp("/dmp", &doc.dmp);
    }

    fn dmp(&mut self, at: &str, dmp: &Dmp) {
        self.since_1_2(
            at,
            "alternate_identifier",
            dmp.alternate_identifier.is_some(),
        );
        for (i, id) in dmp.alternate_identifier.iter().flatten().enumerate() {
            self.extra(&format!("{at}/alternate_identifier/{i}"), &id.extra);
        }
        self.contact(&format!("{at}/contact"), &dmp.contact);
        for (i, contributor) in dmp.contributor.iter().flatten().enumerate() {
            self.contributor(&format!("{at}/contributor/{i}"), contributor);
        }
        for (i, cost) in dmp.cost.iter().flatten().enumerate() {
            self.extra(&format!("{at}/cost/{i}"), &cost.extra);
        }
        self.date_time(format!("{at}/created"), &dmp.created);
        self.non_empty_in_1_0(format!("{at}/dataset"), &dmp.dataset);
        for (i, dataset) in dmp.dataset.iter().enumerate() {
            self.dataset(&format!("{at}/dataset/{i}"), dataset);
        }
        self.id_type(
            format!("{at}/dmp_id/type"),
            &dmp.dmp_id.r#type,
            &["handle", "doi", "ark", "url", "other"],
        );
        self.extra(&format!("{at}/dmp_id"), &dmp.dmp_id.extra);
        if self.up_to_1_1() {
            self.opt_uri(
                format!("{at}/ethical_issues_report"),
                &dmp.ethical_issues_report,
                SchemaFormat::Uri,
            );
        }
        self.date_time(format!("{at}/modified"), &dmp.modified);
        for (i, project) in dmp.project.iter().flatten().enumerate() {
            self.project(&format!("{at}/project/{i}"), project);
        }
        self.since_1_2(at, "related_identifier", dmp.related_identifier.is_some());
        for (i, related) in dmp.related_identifier.iter().flatten().enumerate() {
            self.related_identifier(&format!("{at}/related_identifier/{i}"), related);
        }
        self.extra(at, &dmp.extra);
    }

    fn affiliations(&mut self, at: &str, affiliations: &Option<Vec<Affiliation>>) {
        self.since_1_2(at, "affiliation", affiliations.is_some());
        for (i, affiliation) in affiliations.iter().flatten().enumerate() {
            let here = format!("{at}/affiliation/{i}");
            self.extra(
                &format!("{here}/affiliation_id"),
                &affiliation.affiliation_id.extra,
            );
            self.extra(&here, &affiliation.extra);
        }
    }

    fn contact(&mut self, at: &str, contact: &Contact) {
        self.affiliations(at, &contact.affiliation);
        let ids_at = format!("{at}/contact_id");
        self.one_or_many_shape(&ids_at, &contact.contact_id, 1);
        for (pointer, id) in one_or_many_pointers(&ids_at, &contact.contact_id) {
            self.id_type(
                format!("{pointer}/type"),
                &id.r#type,
                &["orcid", "isni", "openid", "other"],
            );
            self.extra(&pointer, &id.extra);
        }
        self.extra(at, &contact.extra);
    }

    fn contributor(&mut self, at: &str, contributor: &Contributor) {
        self.affiliations(at, &contributor.affiliation);
        let ids_at = format!("{at}/contributor_id");
        // The 1.2/1.3 array form of contributor_id has minItems 0.
        self.one_or_many_shape(&ids_at, &contributor.contributor_id, 0);
        for (pointer, id) in one_or_many_pointers(&ids_at, &contributor.contributor_id) {
            self.id_type(
                format!("{pointer}/type"),
                &id.r#type,
                &["orcid", "isni", "openid", "other"],
            );
            self.extra(&pointer, &id.extra);
        }
        self.non_empty_in_1_0(format!("{at}/role"), &contributor.role);
        for (i, role) in contributor.role.iter().enumerate() {
            if contributor.role[..i].contains(role) {
                self.schema(
                    format!("{at}/role/{i}"),
                    format!("{role:?} repeats an earlier role: roles must be unique"),
                );
            }
        }
        self.extra(at, &contributor.extra);
    }

    fn dataset(&mut self, at: &str, dataset: &Dataset) {
        for (key, present) in [
            (
                "alternate_identifier",
                dataset.alternate_identifier.is_some(),
            ),
            ("creator", dataset.creator.is_some()),
            ("is_reused", dataset.is_reused.is_some()),
            ("related_identifier", dataset.related_identifier.is_some()),
            ("rights", dataset.rights.is_some()),
        ] {
            self.since_1_2(at, key, present);
        }
        for (i, id) in dataset.alternate_identifier.iter().flatten().enumerate() {
            self.extra(&format!("{at}/alternate_identifier/{i}"), &id.extra);
        }
        for (i, creator) in dataset.creator.iter().flatten().enumerate() {
            let here = format!("{at}/creator/{i}");
            self.affiliations(&here, &creator.affiliation);
            for (pointer, id) in
                one_or_many_pointers(&format!("{here}/creator_id"), &creator.creator_id)
            {
                self.extra(&pointer, &id.extra);
            }
            self.extra(&here, &creator.extra);
        }
        self.id_type(
            format!("{at}/dataset_id/type"),
            &dataset.dataset_id.r#type,
            &["handle", "doi", "ark", "url", "other"],
        );
        self.extra(&format!("{at}/dataset_id"), &dataset.dataset_id.extra);
        for (i, distribution) in dataset.distribution.iter().flatten().enumerate() {
            self.distribution(&format!("{at}/distribution/{i}"), distribution);
        }
        self.opt_date(format!("{at}/issued"), &dataset.issued);
        if let Some(metadata) = &dataset.metadata {
            self.non_empty_in_1_0(format!("{at}/metadata"), metadata);
            for (i, metadata) in metadata.iter().enumerate() {
                let here = format!("{at}/metadata/{i}");
                let ids_at = format!("{here}/metadata_standard_id");
                self.one_or_many_shape(&ids_at, &metadata.metadata_standard_id, 1);
                for (pointer, id) in one_or_many_pointers(&ids_at, &metadata.metadata_standard_id) {
                    self.extra(&pointer, &id.extra);
                }
                self.extra(&here, &metadata.extra);
            }
        }
        for (i, related) in dataset.related_identifier.iter().flatten().enumerate() {
            self.related_identifier(&format!("{at}/related_identifier/{i}"), related);
        }
        if let Some(items) = &dataset.security_and_privacy {
            self.non_empty_in_1_0(format!("{at}/security_and_privacy"), items);
            for (i, item) in items.iter().enumerate() {
                self.extra(&format!("{at}/security_and_privacy/{i}"), &item.extra);
            }
        }
        for (i, resource) in dataset.technical_resource.iter().flatten().enumerate() {
            let here = format!("{at}/technical_resource/{i}");
            self.since_1_2(
                &here,
                "technical_resource_id",
                resource.technical_resource_id.is_some(),
            );
            for (j, id) in resource.technical_resource_id.iter().flatten().enumerate() {
                self.extra(&format!("{here}/technical_resource_id/{j}"), &id.extra);
            }
            self.extra(&here, &resource.extra);
        }
        self.extra(at, &dataset.extra);
    }

    fn distribution(&mut self, at: &str, distribution: &Distribution) {
        self.opt_date(
            format!("{at}/available_until"),
            &distribution.available_until,
        );
        if let Some(size) = &distribution.byte_size {
            if !is_integer(size) {
                self.error(ImportError::WrongType {
                    pointer: format!("{at}/byte_size"),
                    message: format!("{size} is not an integer"),
                });
            }
        }
        if distribution.data_access == DataAccess::Restricted && self.version <= Version::V1_2 {
            self.error(ImportError::BadValue {
                pointer: format!("{at}/data_access"),
                message: format!(
                    "\"restricted\" is not allowed in maDMP {} (it came with 1.3): expected one of: open, shared, closed",
                    self.version
                ),
            });
        }
        self.opt_uri(
            format!("{at}/download_url"),
            &distribution.download_url,
            self.link_format(),
        );
        if let Some(host) = &distribution.host {
            self.host(&format!("{at}/host"), host);
        }
        // A 1.2 key: an extension key, with no format, in 1.0 and 1.1.
        if !self.up_to_1_1() {
            self.opt_date(format!("{at}/issued"), &distribution.issued);
        }
        self.since_1_2(at, "issued", distribution.issued.is_some());
        if let Some(licenses) = &distribution.license {
            self.non_empty_in_1_0(format!("{at}/license"), licenses);
            for (i, license) in licenses.iter().enumerate() {
                let here = format!("{at}/license/{i}");
                self.uri(
                    format!("{here}/license_ref"),
                    &license.license_ref,
                    self.link_format(),
                );
                self.date(format!("{here}/start_date"), &license.start_date);
                self.extra(&here, &license.extra);
            }
        }
        self.extra(at, &distribution.extra);
    }

    fn host(&mut self, at: &str, host: &Host) {
        self.since_1_2(at, "host_id", host.host_id.is_some());
        for (i, id) in host.host_id.iter().flatten().enumerate() {
            self.extra(&format!("{at}/host_id/{i}"), &id.extra);
        }
        match &host.url {
            Some(url) => self.uri(format!("{at}/url"), url, self.link_format()),
            None if self.version <= Version::V1_2 => self.missing(format!("{at}/url")),
            None => {}
        }
        self.extra(at, &host.extra);
    }

    fn project(&mut self, at: &str, project: &Project) {
        self.opt_date(format!("{at}/end"), &project.end);
        self.opt_date(format!("{at}/start"), &project.start);
        if self.v10() {
            if project.start.is_none() {
                self.missing(format!("{at}/start"));
            }
            if project.end.is_none() {
                self.missing(format!("{at}/end"));
            }
        }
        for (i, funding) in project.funding.iter().flatten().enumerate() {
            let here = format!("{at}/funding/{i}");
            self.id_type(
                format!("{here}/funder_id/type"),
                &funding.funder_id.r#type,
                &["fundref", "url", "other"],
            );
            self.extra(&format!("{here}/funder_id"), &funding.funder_id.extra);
            match &funding.grant_id {
                Some(grant) => {
                    self.id_type(
                        format!("{here}/grant_id/type"),
                        &grant.r#type,
                        &["url", "other"],
                    );
                    self.extra(&format!("{here}/grant_id"), &grant.extra);
                }
                None if self.v10() => self.missing(format!("{here}/grant_id")),
                None => {}
            }
            self.extra(&here, &funding.extra);
        }
        self.since_1_2(at, "project_id", project.project_id.is_some());
        for (i, id) in project.project_id.iter().flatten().enumerate() {
            self.extra(&format!("{at}/project_id/{i}"), &id.extra);
        }
        self.extra(at, &project.extra);
    }

    fn related_identifier(&mut self, at: &str, related: &RelatedIdentifier) {
        // A 1.2 object: in 1.0 and 1.1 an extension key, with no format.
        if !self.up_to_1_1() {
            self.opt_uri(
                format!("{at}/scheme_uri"),
                &related.scheme_uri,
                SchemaFormat::Uri,
            );
        }
        self.extra(at, &related.extra);
    }
}

/// The pointer of each object of a one-or-many key: the key itself for a
/// single object, `key/i` for an array.
fn one_or_many_pointers<'a, T>(at: &str, value: &'a OneOrMany<T>) -> Vec<(String, &'a T)> {
    match value {
        OneOrMany::One(one) => vec![(at.to_owned(), one)],
        OneOrMany::Many(many) => many
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("{at}/{i}"), item))
            .collect(),
    }
}

/// JSON Schema's `integer`: any number with no fractional part (`100.0` counts).
fn is_integer(n: &Number) -> bool {
    n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
}
