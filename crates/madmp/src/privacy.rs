//! What of a maDMP document is public: dmpgraph's one privacy authority for
//! maDMP JSON, whoever wrote the document (another DMP tool, or dmpgraph
//! itself in an `--include-private` export of an AMED plan).
//!
//! The rules are data, [`PrivacyRules`] (the `[madmp_privacy]` table of
//! `mappings/rdf.toml`), and [`PrivacyRules::private_parts`] applies them:
//!
//! 1. **Private keys** (`mbox`, e-mail addresses, as the blue cells of the
//!    AMED form) are private wherever they occur.
//! 2. **Persons not to be published.** A person object (`contact`,
//!    `contributor`, a dataset's `creator`) whose `dmpg:mayBePublished` is
//!    present and anything but `true` is private as a whole, like a staff row
//!    of the AMED form whose 公表の可否 is 否. So is every other person object
//!    that shares one of its identifiers (`contact_id`, `contributor_id`,
//!    `creator_id`: the same person named again, e.g. as the DMP's contact),
//!    and every person reference (`dmpg:dataManager`) whose value is one of
//!    their identifiers or names. The standard requires a contact: a withheld
//!    one is replaced, in the public document, by the catalog's published
//!    contact (`[contact]` of `mappings/catalog.toml`), as a public export of
//!    an AMED plan names it.
//! 3. **Extension keys.** Every key that the document's version of the
//!    standard does not define (the typed model tells:
//!    [`MadmpDocument::extension_keys_in`]) is private, unless the table
//!    lists it as public for the object it is on: other tools' keys, whose
//!    meaning dmpgraph cannot know, and dmpgraph's own `dmpg:` keys of
//!    private values (`dmpg:telephoneExtension`) alike.
//!
//! Everything else, every key of the standard, is public. The result,
//! [`PrivateParts`], is a set of JSON pointers into the document; the public
//! view of the document, or of any tree of the same shape (its JSON-LD form),
//! is that tree without them ([`PrivateParts::strip`]).

use crate::error::ImportError;
use crate::model::MadmpDocument;
use crate::validate::escape_key;
use crate::version::Version;
use dmpgraph_model::PublicContact;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The object kind of a document's root object in
/// [`PrivacyRules::public_extension_keys`] (other objects are named by the
/// key they are the value of).
pub const DOCUMENT_OBJECT: &str = "document";

/// The pointer of a document's contact.
const CONTACT: &str = "/dmp/contact";

/// What is private in maDMP documents (the `[madmp_privacy]` table of
/// `mappings/rdf.toml`; see the [module documentation](self) for the rules).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacyRules {
    /// Keys that are private wherever they occur (`mbox`).
    pub private_keys: BTreeSet<String>,
    /// The key that tells whether a person may be published
    /// (`dmpg:mayBePublished`): any value but `true` means not.
    pub publishable_key: String,
    /// Person objects, by the key they are the value of (`contributor`), each
    /// with the key of its identifiers (`contributor_id`).
    pub persons: BTreeMap<String, String>,
    /// Keys whose value names a person by identifier or name (`dmpg:dataManager`).
    pub person_references: BTreeSet<String>,
    /// Extension keys that are public, by the kind of object they are on:
    /// the key the object is the value of (`dataset`, `contributor`; objects
    /// in an array by the array's key), [`DOCUMENT_OBJECT`] for the root.
    pub public_extension_keys: BTreeMap<String, BTreeSet<String>>,
}

/// Why a part of a document is private.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// A private key (`mbox`).
    PrivateKey,
    /// A person marked not to be published.
    UnpublishedPerson,
    /// A person object that shares an identifier with a person not to be published.
    SamePerson,
    /// A reference to a person not to be published.
    PersonReference,
    /// A key the standard does not define and the rules do not list as public.
    ExtensionKey,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Reason::PrivateKey => "a private key",
            Reason::UnpublishedPerson => "a person not to be published",
            Reason::SamePerson => "the same person as one not to be published",
            Reason::PersonReference => "a reference to a person not to be published",
            Reason::ExtensionKey => "an extension key not listed as public",
        })
    }
}

/// The private parts of one document: JSON pointers (RFC 6901) of whole
/// keys and array items, none inside another.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrivateParts {
    parts: BTreeMap<String, Reason>,
}

impl PrivacyRules {
    /// The private parts of `document`, read as maDMP `version` (which tells
    /// the standard's keys apart from extension keys).
    ///
    /// An error if the document does not read as the typed model (a
    /// document [`crate::parse`] accepted always does).
    pub fn private_parts(
        &self,
        document: &Value,
        version: Version,
    ) -> Result<PrivateParts, ImportError> {
        let typed: MadmpDocument = serde_path_to_error::deserialize(document)
            .map_err(|error| ImportError::from_serde(error, version))?;
        let mut objects = Vec::new();
        collect_objects(document, String::new(), DOCUMENT_OBJECT, &mut objects);
        let mut parts = BTreeMap::new();

        // Persons not to be published, and the same persons named again.
        let persons: Vec<(&str, &Map<String, Value>, Vec<&str>)> = objects
            .iter()
            .filter_map(|(at, kind, object)| {
                let id_key = self.persons.get(*kind)?;
                Some((at.as_str(), *object, identifiers(object.get(id_key))))
            })
            .collect();
        let mut withheld = vec![false; persons.len()];
        let mut ids: BTreeSet<&str> = BTreeSet::new();
        let mut names: BTreeSet<&str> = BTreeSet::new();
        for (i, (at, object, own_ids)) in persons.iter().enumerate() {
            let publishable = object.get(&self.publishable_key);
            if publishable.is_some_and(|v| v != &Value::Bool(true)) {
                withheld[i] = true;
                parts.insert(at.to_string(), Reason::UnpublishedPerson);
                ids.extend(own_ids);
                names.extend(object.get("name").and_then(Value::as_str));
            }
        }
        loop {
            let mut changed = false;
            for (i, (at, object, own_ids)) in persons.iter().enumerate() {
                if !withheld[i] && own_ids.iter().any(|id| ids.contains(id)) {
                    withheld[i] = true;
                    changed = true;
                    parts.insert(at.to_string(), Reason::SamePerson);
                    ids.extend(own_ids);
                    names.extend(object.get("name").and_then(Value::as_str));
                }
            }
            if !changed {
                break;
            }
        }

        for (at, _, object) in &objects {
            for (key, value) in *object {
                let pointer = format!("{at}/{}", escape_key(key));
                if self.private_keys.contains(key) {
                    parts.entry(pointer).or_insert(Reason::PrivateKey);
                } else if self.person_references.contains(key) && names_one_of(value, &ids, &names)
                {
                    parts.entry(pointer).or_insert(Reason::PersonReference);
                }
            }
        }

        for pointer in typed.extension_keys_in(version) {
            let (object, key) = pointer.rsplit_once('/').unwrap_or(("", &pointer));
            let public = self
                .public_extension_keys
                .get(object_kind(object))
                .is_some_and(|keys| keys.contains(&unescape_key(key)));
            if !public {
                parts.entry(pointer).or_insert(Reason::ExtensionKey);
            }
        }

        // Only the outermost pointers: what is inside a private part is private with it.
        let outermost: Vec<String> = parts
            .keys()
            .filter(|p| !parts.keys().any(|q| is_inside(p, q)))
            .cloned()
            .collect();
        parts.retain(|p, _| outermost.contains(p));
        Ok(PrivateParts { parts })
    }

    /// The public form of `document` (read as `version`): without its private
    /// parts, a withheld contact replaced by `published` (without `mbox`,
    /// which is private: an export adds the published address).
    pub fn public_document(
        &self,
        document: &Value,
        version: Version,
        published: &PublicContact,
    ) -> Result<Value, ImportError> {
        Ok(self
            .private_parts(document, version)?
            .public_document(document, published))
    }
}

impl PrivateParts {
    /// Whether the document has no private part.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The pointers of the private parts, in order, each with its reason.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Reason)> {
        self.parts.iter().map(|(p, r)| (p.as_str(), *r))
    }

    /// Why the part at `pointer` is private: `None` if it is not a private
    /// part itself (it may still be inside one: see [`PrivateParts::covers`]).
    pub fn reason(&self, pointer: &str) -> Option<Reason> {
        self.parts.get(pointer).copied()
    }

    /// Whether the value at `pointer` is private: a private part or inside one.
    pub fn covers(&self, pointer: &str) -> bool {
        self.parts
            .keys()
            .any(|p| p == pointer || is_inside(pointer, p))
    }

    /// Whether the DMP's contact (`/dmp/contact`) is withheld, as a person
    /// not to be published.
    pub fn contact_withheld(&self) -> bool {
        self.parts.contains_key(CONTACT)
    }

    /// `tree` without the private parts: the document itself, or any tree of
    /// its shape (its JSON-LD form, whose objects carry `@id` and `@type`
    /// besides the document's keys, and whose array items keep their
    /// indices in the document's pointers). A withheld contact is removed:
    /// see [`PrivateParts::public_document`].
    pub fn strip(&self, tree: &Value) -> Value {
        if self.parts.contains_key("") {
            return Value::Null;
        }
        strip(tree, &mut String::new(), &self.parts)
    }

    /// The public document: [`PrivateParts::strip`], and a withheld contact
    /// replaced by `published` (its name, and its URL as a `contact_id` of
    /// type `other`, as a public AMED export names it; no `mbox`).
    pub fn public_document(&self, document: &Value, published: &PublicContact) -> Value {
        let mut public = self.strip(document);
        if self.contact_withheld() {
            if let Some(dmp) = public.get_mut("dmp").and_then(Value::as_object_mut) {
                dmp.insert(
                    "contact".to_owned(),
                    json!({
                        "name": published.name,
                        "contact_id": {"identifier": published.url, "type": "other"},
                    }),
                );
            }
        }
        public
    }
}

/// Every object of the document: its pointer, its kind (the key it is the
/// value of; an array item's: the array's key) and its keys.
fn collect_objects<'a>(
    value: &'a Value,
    at: String,
    kind: &'a str,
    out: &mut Vec<(String, &'a str, &'a Map<String, Value>)>,
) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                collect_objects(child, format!("{at}/{}", escape_key(key)), key, out);
            }
            out.push((at, kind, map));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_objects(item, format!("{at}/{i}"), kind, out);
            }
        }
        _ => {}
    }
}

/// The identifier values of a person's `*_id` (one object or an array).
fn identifiers(ids: Option<&Value>) -> Vec<&str> {
    fn one(v: &Value) -> Option<&str> {
        v.get("identifier")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }
    match ids {
        Some(Value::Array(items)) => items.iter().filter_map(one).collect(),
        Some(object) => one(object).into_iter().collect(),
        None => Vec::new(),
    }
}

/// Whether a reference's value (a string, or an array of them) names one of
/// the persons by identifier or name.
fn names_one_of(value: &Value, ids: &BTreeSet<&str>, names: &BTreeSet<&str>) -> bool {
    match value {
        Value::String(s) => ids.contains(s.as_str()) || names.contains(s.as_str()),
        Value::Array(items) => items.iter().any(|v| names_one_of(v, ids, names)),
        _ => false,
    }
}

/// The kind of the object at `pointer`: its last key that is not an array
/// index; [`DOCUMENT_OBJECT`] for the root.
fn object_kind(pointer: &str) -> &str {
    pointer
        .rsplit('/')
        .find(|segment| !segment.is_empty() && !segment.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or(DOCUMENT_OBJECT)
}

fn unescape_key(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Whether `pointer` is strictly inside `outer`.
fn is_inside(pointer: &str, outer: &str) -> bool {
    pointer.len() > outer.len()
        && pointer.starts_with(outer)
        && pointer.as_bytes()[outer.len()] == b'/'
}

fn strip(value: &Value, at: &mut String, parts: &BTreeMap<String, Reason>) -> Value {
    let child = |at: &mut String, segment: &str, v: &Value| -> Option<Value> {
        let len = at.len();
        at.push('/');
        at.push_str(segment);
        let out = (!parts.contains_key(at.as_str())).then(|| strip(v, at, parts));
        at.truncate(len);
        out
    };
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), child(at, &escape_key(k), v)?)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| child(at, &i.to_string(), v))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> PrivacyRules {
        PrivacyRules {
            private_keys: ["mbox".to_owned()].into(),
            publishable_key: "dmpg:mayBePublished".to_owned(),
            persons: [
                ("contact", "contact_id"),
                ("contributor", "contributor_id"),
                ("creator", "creator_id"),
            ]
            .into_iter()
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .collect(),
            person_references: ["dmpg:dataManager".to_owned()].into(),
            public_extension_keys: [
                ("document", vec!["$schema"]),
                ("contributor", vec!["dmpg:position", "dmpg:mayBePublished"]),
                ("dataset", vec!["dmpg:dataManager", "dmpg:datasetNumber"]),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
            .collect(),
        }
    }

    fn published() -> PublicContact {
        PublicContact {
            name: "Catalog desk".into(),
            mbox: "desk@example.org".into(),
            url: "https://example.org/desk".into(),
        }
    }

    fn person(name: &str, id: &str) -> Value {
        json!({"name": name, "mbox": format!("{id}@example.org"), "role": ["DataCurator"],
               "contributor_id": {"identifier": id, "type": "other"}})
    }

    fn doc() -> Value {
        let mut hidden = person("Hidden Person", "hidden-id");
        hidden["dmpg:mayBePublished"] = json!(false);
        hidden["dmpg:position"] = json!("Hidden position");
        let mut shown = person("Shown Person", "shown-id");
        shown["dmpg:position"] = json!("Professor");
        shown["dmpg:mayBePublished"] = json!(true);
        shown["dmpg:telephoneExtension"] = json!("1234");
        json!({
            "$schema": "https://example.org/JSON-schema/1.3",
            "x-tool:root": "root secret",
            "dmp": {
                "title": "Plan", "created": "2025-04-01T09:00:00Z",
                "modified": "2025-04-01T09:00:00Z", "language": "eng",
                "ethical_issues_exist": "no",
                "dmp_id": {"identifier": "https://example.org/dmp/1", "type": "url"},
                "contact": {"name": "Shown Person", "mbox": "shown@example.org",
                            "contact_id": {"identifier": "shown-id", "type": "other"}},
                "contributor": [hidden, shown],
                "x-tool:dmp": {"nested": ["dmp secret"]},
                "dataset": [{
                    "title": "Interviews", "personal_data": "yes", "sensitive_data": "no",
                    "dataset_id": {"identifier": "https://example.org/ds/1", "type": "url"},
                    "dmpg:datasetNumber": 1,
                    "dmpg:dataManager": "hidden-id",
                    "dmpg:position": "not a dataset key",
                    "creator": [{"name": "Hidden Person", "mbox": "h@example.org",
                                 "creator_id": [{"identifier": "hidden-id", "type": "other"}]}],
                    "distribution": [{"title": "Files", "data_access": "closed",
                        "x-tool:dist": 1,
                        "host": {"title": "Host", "x-tool:host": true}}]
                }]
            }
        })
    }

    #[test]
    fn every_rule_finds_its_parts() {
        let parts = rules().private_parts(&doc(), Version::V1_3).unwrap();
        let found: Vec<(&str, Reason)> = parts.iter().collect();
        assert_eq!(
            found,
            vec![
                ("/dmp/contact/mbox", Reason::PrivateKey),
                ("/dmp/contributor/0", Reason::UnpublishedPerson),
                (
                    "/dmp/contributor/1/dmpg:telephoneExtension",
                    Reason::ExtensionKey
                ),
                ("/dmp/contributor/1/mbox", Reason::PrivateKey),
                ("/dmp/dataset/0/creator/0", Reason::SamePerson),
                (
                    "/dmp/dataset/0/distribution/0/host/x-tool:host",
                    Reason::ExtensionKey
                ),
                (
                    "/dmp/dataset/0/distribution/0/x-tool:dist",
                    Reason::ExtensionKey
                ),
                ("/dmp/dataset/0/dmpg:dataManager", Reason::PersonReference),
                ("/dmp/dataset/0/dmpg:position", Reason::ExtensionKey),
                ("/dmp/x-tool:dmp", Reason::ExtensionKey),
                ("/x-tool:root", Reason::ExtensionKey),
            ]
        );
        assert!(!parts.contact_withheld());
        assert!(parts.covers("/dmp/contributor/0/name"));
        assert!(!parts.covers("/dmp/contributor/1/name"));
    }

    #[test]
    fn the_public_document_keeps_the_rest() {
        let public = rules()
            .public_document(&doc(), Version::V1_3, &published())
            .unwrap();
        let text = public.to_string();
        for secret in [
            "Hidden",
            "hidden-id",
            "@example.org",
            "secret",
            "1234",
            "x-tool",
            "not a dataset key",
            "false",
        ] {
            assert!(!text.contains(secret), "{secret}: {text}");
        }
        assert_eq!(public["$schema"], doc()["$schema"]);
        assert_eq!(public["dmp"]["contributor"].as_array().unwrap().len(), 1);
        assert_eq!(public["dmp"]["contributor"][0]["name"], "Shown Person");
        assert_eq!(
            public["dmp"]["contributor"][0]["dmpg:position"],
            "Professor"
        );
        assert_eq!(public["dmp"]["contributor"][0]["dmpg:mayBePublished"], true);
        assert_eq!(public["dmp"]["contact"]["name"], "Shown Person");
        assert_eq!(public["dmp"]["dataset"][0]["dmpg:datasetNumber"], 1);
        assert_eq!(public["dmp"]["dataset"][0]["creator"], json!([]));
        assert_eq!(
            public["dmp"]["dataset"][0]["distribution"][0]["host"],
            json!({"title": "Host"})
        );
    }

    #[test]
    fn a_withheld_contact_is_replaced_by_the_published_one() {
        let mut d = doc();
        // The contact is the hidden contributor, named by the same identifier.
        d["dmp"]["contact"] = json!({"name": "Hidden Person",
            "contact_id": [{"identifier": "hidden-id", "type": "other"}], "mbox": "h@example.org"});
        let parts = rules().private_parts(&d, Version::V1_3).unwrap();
        assert_eq!(parts.reason("/dmp/contact"), Some(Reason::SamePerson));
        assert!(parts.contact_withheld());
        let public = parts.public_document(&d, &published());
        assert_eq!(
            public["dmp"]["contact"],
            json!({"name": "Catalog desk",
                   "contact_id": {"identifier": "https://example.org/desk", "type": "other"}})
        );
        // A document so made reads back as maDMP, with the published address added.
        let mut export = public.clone();
        export["dmp"]["contact"]["mbox"] = json!("desk@example.org");
        let parsed = crate::from_value_with_warnings(&export, Some(Version::V1_3)).unwrap();
        assert_eq!(parsed.warnings, Vec::new());
        // A marked contact is withheld too, and so is every person of the same id.
        let mut d = doc();
        d["dmp"]["contact"]["dmpg:mayBePublished"] = json!("no");
        let parts = rules().private_parts(&d, Version::V1_3).unwrap();
        assert_eq!(
            parts.reason("/dmp/contact"),
            Some(Reason::UnpublishedPerson)
        );
        assert_eq!(parts.reason("/dmp/contributor/1"), Some(Reason::SamePerson));
    }

    #[test]
    fn keys_that_came_with_1_2_are_extension_keys_of_1_0_documents() {
        let mut d = doc();
        d["dmp"]["contributor"][1]["affiliation"] =
            json!([{"name": "Univ", "affiliation_id": {"identifier": "x", "type": "other"}}]);
        let in_1_3 = rules().private_parts(&d, Version::V1_3).unwrap();
        assert!(!in_1_3.covers("/dmp/contributor/1/affiliation"));
        let in_1_0 = rules().private_parts(&d, Version::V1_0).unwrap();
        assert_eq!(
            in_1_0.reason("/dmp/contributor/1/affiliation"),
            Some(Reason::ExtensionKey)
        );
        assert_eq!(
            in_1_0.reason("/dmp/dataset/0/creator"),
            Some(Reason::ExtensionKey)
        );
    }

    #[test]
    fn strip_keeps_array_positions_of_a_tree_of_the_same_shape() {
        let parts = rules().private_parts(&doc(), Version::V1_3).unwrap();
        // A JSON-LD-like tree: every object has an @id from its pointer.
        fn with_ids(v: &Value, at: &str) -> Value {
            match v {
                Value::Object(m) => {
                    let mut out: Map<String, Value> = m
                        .iter()
                        .map(|(k, v)| (k.clone(), with_ids(v, &format!("{at}/{k}"))))
                        .collect();
                    out.insert("@id".into(), json!(at));
                    Value::Object(out)
                }
                Value::Array(a) => Value::Array(
                    a.iter()
                        .enumerate()
                        .map(|(i, v)| with_ids(v, &format!("{at}/{i}")))
                        .collect(),
                ),
                other => other.clone(),
            }
        }
        let tree = parts.strip(&with_ids(&doc(), ""));
        assert_eq!(tree["dmp"]["contributor"][0]["@id"], "/dmp/contributor/1");
        assert_eq!(tree["dmp"]["contributor"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn a_document_of_standard_keys_only_loses_just_its_e_mail() {
        // The standard requires the contact's `mbox`: every valid document
        // has at least that private part.
        let mut d = doc();
        let dmp = d["dmp"].as_object_mut().unwrap();
        dmp.remove("contributor");
        dmp.remove("x-tool:dmp");
        dmp["dataset"][0] = json!({"title": "Interviews", "personal_data": "yes",
            "sensitive_data": "no", "dmpg:datasetNumber": 1,
            "dataset_id": {"identifier": "https://example.org/ds/1", "type": "url"}});
        d.as_object_mut().unwrap().remove("x-tool:root");
        let parts = rules().private_parts(&d, Version::V1_3).unwrap();
        let found: Vec<(&str, Reason)> = parts.iter().collect();
        assert_eq!(found, vec![("/dmp/contact/mbox", Reason::PrivateKey)]);
        let mut expected = d.clone();
        expected["dmp"]["contact"]
            .as_object_mut()
            .unwrap()
            .remove("mbox");
        assert_eq!(parts.public_document(&d, &published()), expected);
    }

    #[test]
    fn a_document_that_is_not_madmp_is_an_error() {
        let err = rules()
            .private_parts(&json!({"dmp": {"title": 1}}), Version::V1_3)
            .unwrap_err();
        assert!(err.to_string().starts_with("/dmp"), "{err}");
    }
}
