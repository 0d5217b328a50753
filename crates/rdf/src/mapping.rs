//! The field → property table of `mappings/rdf.toml`.

use dmpgraph_model::Field;
use oxigraph::model::{NamedNode, NamedNodeRef};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The mapping shipped with dmpgraph.
pub const BUILTIN_RDF_TOML: &str = include_str!("../../../mappings/rdf.toml");

static BUILTIN: LazyLock<Mapping> = LazyLock::new(|| {
    Mapping::from_toml(BUILTIN_RDF_TOML).expect("mappings/rdf.toml is valid (tested)")
});

/// A mapping table or RDF input that does not fit the model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MappingError(pub String);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    prefixes: HashMap<String, String>,
    entities: HashMap<String, RawEntity>,
    fields: HashMap<String, RawField>,
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
struct RawField {
    property: String,
    #[serde(default)]
    lang: bool,
}

/// Field → property, entity classes and links, loaded from TOML.
#[derive(Debug, Clone)]
pub struct Mapping {
    classes: HashMap<String, Vec<NamedNode>>,
    links: HashMap<String, NamedNode>,
    properties: HashMap<Field, (NamedNode, bool)>,
    reverse: HashMap<(String, NamedNode), Field>,
}

impl Mapping {
    /// The mapping in `mappings/rdf.toml`.
    pub fn builtin() -> &'static Mapping {
        &BUILTIN
    }

    /// Loads a mapping table; every model field must be mapped.
    pub fn from_toml(text: &str) -> Result<Mapping, MappingError> {
        let raw: RawMapping = toml::from_str(text).map_err(|e| MappingError(e.to_string()))?;
        let expand = |curie: &str| -> Result<NamedNode, MappingError> {
            let (prefix, local) = curie
                .split_once(':')
                .ok_or_else(|| MappingError(format!("'{curie}' is not prefix:name")))?;
            let ns = raw
                .prefixes
                .get(prefix)
                .ok_or_else(|| MappingError(format!("unknown prefix in '{curie}'")))?;
            NamedNode::new(format!("{ns}{local}"))
                .map_err(|e| MappingError(format!("{curie}: {e}")))
        };
        let mut m = Mapping {
            classes: HashMap::new(),
            links: HashMap::new(),
            properties: HashMap::new(),
            reverse: HashMap::new(),
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
        for (key, f) in &raw.fields {
            let field = Field::from_key(key)
                .ok_or_else(|| MappingError(format!("unknown field '{key}'")))?;
            let prop = expand(&f.property)?;
            let kind = entity_of_key(key);
            if let Some(other) = m.reverse.insert((kind.to_string(), prop.clone()), field) {
                return Err(MappingError(format!(
                    "{key} and {} share {} on one entity",
                    other.key(),
                    f.property
                )));
            }
            m.properties.insert(field, (prop, f.lang));
        }
        if let Some(missing) = Field::ALL.iter().find(|f| !m.properties.contains_key(f)) {
            return Err(MappingError(format!(
                "field '{}' has no property",
                missing.key()
            )));
        }
        Ok(m)
    }

    pub(crate) fn classes(&self, kind: &str) -> &[NamedNode] {
        self.classes.get(kind).map(Vec::as_slice).unwrap_or(&[])
    }
    pub(crate) fn link(&self, kind: &str) -> Option<&NamedNode> {
        self.links.get(kind)
    }
    /// The property a field maps to.
    pub fn property(&self, field: Field) -> Option<&NamedNode> {
        self.properties.get(&field).map(|(p, _)| p)
    }
    pub(crate) fn is_lang(&self, field: Field) -> bool {
        self.properties.get(&field).is_some_and(|(_, l)| *l)
    }
    pub(crate) fn field_for(&self, kind: &str, prop: NamedNodeRef<'_>) -> Option<Field> {
        self.reverse
            .get(&(kind.to_string(), prop.into_owned()))
            .copied()
    }
}

/// The entity kind of a field key: `dataset.name` → `dataset`, with the
/// project's and the plan's fields on their own entities.
fn entity_of_key(key: &str) -> &str {
    key.split('.').next().unwrap_or(key)
}
