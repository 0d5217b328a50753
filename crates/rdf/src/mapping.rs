//! The field → property-path table of `mappings/rdf.toml`.

use dmpgraph_model::{Field, SharingMethod};
use oxigraph::model::{Literal, NamedNode};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

/// The mapping shipped with dmpgraph.
pub const BUILTIN_RDF_TOML: &str = include_str!("../../../mappings/rdf.toml");

static BUILTIN: LazyLock<Mapping> = LazyLock::new(|| {
    Mapping::from_toml(BUILTIN_RDF_TOML).expect("mappings/rdf.toml is valid (tested)")
});

/// A mapping table or RDF input that does not fit the model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct MappingError {
    message: String,
    /// Why a maDMP document could not be read, where that is the cause.
    #[source]
    source: Option<dmpgraph_madmp::ImportError>,
}

impl MappingError {
    /// An error described by `message`.
    pub fn new(message: impl Into<String>) -> MappingError {
        MappingError {
            message: message.into(),
            source: None,
        }
    }

    /// An error caused by a maDMP document that does not read as the model.
    pub fn madmp(message: impl Into<String>, source: dmpgraph_madmp::ImportError) -> MappingError {
        MappingError {
            message: message.into(),
            source: Some(source),
        }
    }

    /// The message, without the source's.
    pub fn message(&self) -> &str {
        &self.message
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    prefixes: BTreeMap<String, String>,
    entities: HashMap<String, RawEntity>,
    #[serde(default)]
    nodes: HashMap<String, RawNode>,
    fields: BTreeMap<String, RawField>,
    access_rights: BTreeMap<String, String>,
    #[serde(default)]
    madmp_classes: BTreeMap<String, String>,
    #[serde(default)]
    madmp_access_rights: BTreeMap<String, String>,
    madmp_privacy: dmpgraph_madmp::PrivacyRules,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntity {
    classes: Vec<String>,
    parent: Option<String>,
    link: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    suffix: String,
    classes: Vec<String>,
    #[serde(default)]
    constants: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    path: String,
    #[serde(default)]
    lang: bool,
    #[serde(default)]
    iri: bool,
    #[serde(default)]
    also: Vec<String>,
    madmp: Option<String>,
}

/// An intermediate node of property paths (a distribution, a host, an address…).
#[derive(Debug, Clone)]
pub struct Node {
    /// Added to the entity IRI: `#dataset-2` + `-distribution`.
    pub suffix: String,
    /// Its classes.
    pub classes: Vec<NamedNode>,
    /// Fixed literal values it carries (an identifier's type).
    pub constants: Vec<(NamedNode, Literal)>,
}

/// How one field is written.
#[derive(Debug, Clone)]
pub struct FieldMapping {
    /// The property path from the field's entity (read and written).
    pub path: Vec<NamedNode>,
    /// Further paths the value is also written to.
    pub also: Vec<Vec<NamedNode>>,
    /// The path as the table writes it (`dcso:hasDistribution/dcat:accessURL`).
    pub path_curie: String,
    /// Language-tagged text.
    pub lang: bool,
    /// An IRI when the value is one.
    pub iri: bool,
    /// Where the field goes in a maDMP export.
    pub madmp: Option<String>,
}

/// Field → property path, entity classes and links, loaded from TOML.
#[derive(Debug, Clone)]
pub struct Mapping {
    prefixes: BTreeMap<String, String>,
    classes: HashMap<String, Vec<NamedNode>>,
    links: HashMap<String, NamedNode>,
    nodes: HashMap<NamedNode, Node>,
    fields: HashMap<Field, FieldMapping>,
    reverse: HashMap<String, Vec<Field>>,
    access_rights: HashMap<SharingMethod, NamedNode>,
    madmp_classes: HashMap<String, NamedNode>,
    /// maDMP `data_access` → EU access right, in order from the most open.
    madmp_access_rights: Vec<(String, NamedNode)>,
    madmp_privacy: dmpgraph_madmp::PrivacyRules,
}

impl Mapping {
    /// The mapping in `mappings/rdf.toml`.
    pub fn builtin() -> &'static Mapping {
        &BUILTIN
    }

    /// Loads a mapping table; every model field must be mapped, every
    /// intermediate step of a path must be a declared node, and no two fields
    /// of one entity may share a path.
    pub fn from_toml(text: &str) -> Result<Mapping, MappingError> {
        let raw: RawMapping = toml::from_str(text).map_err(|e| MappingError::new(e.to_string()))?;
        let expand = |curie: &str| -> Result<NamedNode, MappingError> {
            let (prefix, local) = curie
                .split_once(':')
                .ok_or_else(|| MappingError::new(format!("'{curie}' is not prefix:name")))?;
            let ns = raw
                .prefixes
                .get(prefix)
                .ok_or_else(|| MappingError::new(format!("unknown prefix in '{curie}'")))?;
            NamedNode::new(format!("{ns}{local}"))
                .map_err(|e| MappingError::new(format!("{curie}: {e}")))
        };
        let expand_path = |path: &str| -> Result<Vec<NamedNode>, MappingError> {
            path.split('/').map(|step| expand(step.trim())).collect()
        };
        let mut m = Mapping {
            prefixes: raw.prefixes.clone(),
            classes: HashMap::new(),
            links: HashMap::new(),
            nodes: HashMap::new(),
            fields: HashMap::new(),
            reverse: HashMap::new(),
            access_rights: HashMap::new(),
            madmp_classes: HashMap::new(),
            madmp_access_rights: Vec::new(),
            madmp_privacy: raw.madmp_privacy.clone(),
        };
        for (name, e) in &raw.entities {
            m.classes.insert(
                name.clone(),
                e.classes
                    .iter()
                    .map(|c| expand(c))
                    .collect::<Result<_, _>>()?,
            );
            if let (Some(_), Some(link)) = (&e.parent, &e.link) {
                m.links.insert(name.clone(), expand(link)?);
            }
        }
        for (prop, n) in &raw.nodes {
            let constants = n
                .constants
                .iter()
                .map(|(p, v)| Ok((expand(p)?, Literal::new_simple_literal(v))))
                .collect::<Result<_, MappingError>>()?;
            m.nodes.insert(
                expand(prop)?,
                Node {
                    suffix: n.suffix.clone(),
                    classes: n
                        .classes
                        .iter()
                        .map(|c| expand(c))
                        .collect::<Result<_, _>>()?,
                    constants,
                },
            );
        }
        let mut seen: HashMap<(String, Vec<NamedNode>), Field> = HashMap::new();
        for (key, f) in &raw.fields {
            let field = Field::from_key(key)
                .ok_or_else(|| MappingError::new(format!("unknown field '{key}'")))?;
            let path = expand_path(&f.path)?;
            let also = f
                .also
                .iter()
                .map(|p| expand_path(p))
                .collect::<Result<Vec<_>, _>>()?;
            for p in std::iter::once(&path).chain(&also) {
                if let Some(step) = p[..p.len() - 1].iter().find(|s| !m.nodes.contains_key(*s)) {
                    return Err(MappingError::new(format!(
                        "{key}: path step {step} leads to no node of [nodes]"
                    )));
                }
            }
            let kind = entity_of_key(key).to_string();
            if let Some(other) = seen.insert((kind.clone(), path.clone()), field) {
                return Err(MappingError::new(format!(
                    "{key} and {} share the path {} on one entity",
                    other.key(),
                    f.path
                )));
            }
            m.reverse.entry(kind).or_default().push(field);
            m.fields.insert(
                field,
                FieldMapping {
                    path,
                    also,
                    path_curie: f.path.clone(),
                    lang: f.lang,
                    iri: f.iri,
                    madmp: f.madmp.clone(),
                },
            );
        }
        if let Some(missing) = Field::ALL.iter().find(|f| !m.fields.contains_key(f)) {
            return Err(MappingError::new(format!(
                "field '{}' has no path",
                missing.key()
            )));
        }
        for (code, iri) in &raw.access_rights {
            let method = SharingMethod::from_code(code).ok_or_else(|| {
                MappingError::new(format!("[access_rights]: unknown sharing method '{code}'"))
            })?;
            let iri = NamedNode::new(iri).map_err(|e| MappingError::new(format!("{code}: {e}")))?;
            m.access_rights.insert(method, iri);
        }
        if let Some(missing) = SharingMethod::ALL
            .iter()
            .find(|s| !m.access_rights.contains_key(s))
        {
            return Err(MappingError::new(format!(
                "[access_rights]: no access right for '{}'",
                missing.code()
            )));
        }
        for (key, class) in &raw.madmp_classes {
            m.madmp_classes.insert(key.clone(), expand(class)?);
        }
        for access in ["open", "shared", "restricted", "closed"] {
            if let Some(iri) = raw.madmp_access_rights.get(access) {
                let iri = NamedNode::new(iri).map_err(|e| {
                    MappingError::new(format!("[madmp_access_rights] {access}: {e}"))
                })?;
                m.madmp_access_rights.push((access.to_string(), iri));
            }
        }
        let privacy = &m.madmp_privacy;
        for (kind, keys) in &privacy.public_extension_keys {
            if let Some(key) = keys.iter().find(|k| privacy.private_keys.contains(*k)) {
                return Err(MappingError::new(format!(
                    "[madmp_privacy.public_extension_keys] {kind}: '{key}' is one of the private_keys"
                )));
            }
        }
        Ok(m)
    }

    /// The EU access right of a maDMP `data_access` value, and its rank
    /// (0 = the most open).
    pub fn madmp_access_right(&self, data_access: &str) -> Option<(usize, &NamedNode)> {
        self.madmp_access_rights
            .iter()
            .enumerate()
            .find(|(_, (a, _))| a == data_access)
            .map(|(i, (_, iri))| (i, iri))
    }

    /// What of a maDMP document is public (`[madmp_privacy]`).
    pub fn madmp_privacy(&self) -> &dmpgraph_madmp::PrivacyRules {
        &self.madmp_privacy
    }

    /// The DCSO class of the objects under a maDMP key (`dataset` → `dcso:Dataset`).
    pub fn madmp_class(&self, key: &str) -> Option<&NamedNode> {
        self.madmp_classes.get(key)
    }

    pub(crate) fn classes(&self, kind: &str) -> &[NamedNode] {
        self.classes.get(kind).map(Vec::as_slice).unwrap_or(&[])
    }
    pub(crate) fn link(&self, kind: &str) -> Option<&NamedNode> {
        self.links.get(kind)
    }
    pub(crate) fn node(&self, property: &NamedNode) -> Option<&Node> {
        self.nodes.get(property)
    }
    /// How a field is written.
    pub fn field(&self, field: Field) -> &FieldMapping {
        &self.fields[&field]
    }
    /// The last property of a field's path (the property its value hangs on).
    pub fn property(&self, field: Field) -> &NamedNode {
        self.field(field).path.last().expect("paths are not empty")
    }
    /// The fields of an entity kind (`dataset`, `pi`, …).
    pub(crate) fn fields_of(&self, kind: &str) -> &[Field] {
        self.reverse.get(kind).map(Vec::as_slice).unwrap_or(&[])
    }
    /// The EU access-right concept of a sharing method.
    pub fn access_right(&self, method: SharingMethod) -> &NamedNode {
        &self.access_rights[&method]
    }
    /// The table's prefixes (for Turtle output).
    pub fn prefixes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.prefixes.iter().map(|(p, n)| (p.as_str(), n.as_str()))
    }
    /// Shortens an IRI with the table's prefixes.
    pub fn compact(&self, iri: &str) -> String {
        self.prefixes
            .iter()
            .filter(|(_, ns)| iri.starts_with(ns.as_str()))
            .max_by_key(|(_, ns)| ns.len())
            .map(|(p, ns)| format!("{p}:{}", &iri[ns.len()..]))
            .unwrap_or_else(|| format!("<{iri}>"))
    }
}

/// The entity kind of a field key: `dataset.name` → `dataset`.
fn entity_of_key(key: &str) -> &str {
    key.split('.').next().unwrap_or(key)
}

/// Where a field's entity sits in a maDMP document.
fn madmp_object(kind: &str) -> &'static str {
    match kind {
        "dmp" => "/dmp",
        "project" => "/dmp/project/0",
        "dataset" => "/dmp/dataset/*",
        _ => "/dmp/contributor/*",
    }
}

impl Mapping {
    /// The maDMP place of a field: its `madmp` pointer, else the `dmpg:`
    /// extension key named after its property (on the entity's object);
    /// `None` for a private field the standard has no key for.
    pub fn madmp_place(&self, field: Field) -> Option<String> {
        let fm = self.field(field);
        if let Some(pointer) = &fm.madmp {
            return Some(pointer.clone());
        }
        if field.visibility() == dmpgraph_model::Visibility::Private {
            return None;
        }
        let local = self.compact(self.property(field).as_str());
        Some(format!(
            "{}/{}",
            madmp_object(entity_of_key(field.key())),
            local
        ))
    }

    /// The README's field table (Markdown): each AMED field, its mark, its
    /// RDF property path and its maDMP place. Generated from this table.
    pub fn field_table(&self) -> String {
        let mut out = String::from(
            "| AMED field | key | mark | RDF (from the entity) | maDMP |\n|---|---|---|---|---|\n",
        );
        for &field in Field::ALL {
            let fm = self.field(field);
            let kind = entity_of_key(field.key());
            let mut rdf = format!("`#{kind}` `{}`", fm.path_curie);
            for also in &fm.also {
                let curie: Vec<String> = also.iter().map(|p| self.compact(p.as_str())).collect();
                rdf.push_str(&format!(", `{}`", curie.join("/")));
            }
            let private = field.visibility() == dmpgraph_model::Visibility::Private;
            let madmp = match self.madmp_place(field) {
                Some(p) if private => format!("`{p}` (`--include-private` only)"),
                Some(p) => format!("`{p}`"),
                None => "— (private; no maDMP key)".to_string(),
            };
            out.push_str(&format!(
                "| {} | `{}` | {} | {} | {} |\n",
                field.label_ja(),
                field.key(),
                if private { "**PRIVATE**" } else { "public" },
                rdf,
                madmp
            ));
        }
        out
    }
}

/// The marker before the README's generated field table.
pub const FIELD_TABLE_BEGIN: &str =
    "<!-- BEGIN field-table: generated from mappings/rdf.toml by `dmpgraph fields --write-readme README.md`; do not edit -->";
/// The marker after it.
pub const FIELD_TABLE_END: &str = "<!-- END field-table -->";

/// `text` with the part between the field-table markers replaced by
/// `table`; `None` without the markers.
pub fn replace_field_table(text: &str, table: &str) -> Option<String> {
    let start = text.find(FIELD_TABLE_BEGIN)? + FIELD_TABLE_BEGIN.len();
    let end = start + text[start..].find(FIELD_TABLE_END)?;
    Some(format!("{}\n{table}{}", &text[..start], &text[end..]))
}
