//! The label table of AMED's form, loaded from `mappings/amed-form.toml`.

use dmpgraph_model::{normalize_label, Field};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The label table shipped with dmpgraph.
pub const BUILTIN_FORM_TOML: &str = include_str!("../../../mappings/amed-form.toml");

static BUILTIN: LazyLock<FormSpec> = LazyLock::new(|| {
    FormSpec::from_toml(BUILTIN_FORM_TOML).expect("mappings/amed-form.toml is valid (tested)")
});

/// A section of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// 1. DMP作成・更新情報.
    Dmp,
    /// 2. 研究開発課題情報.
    Project,
    /// 3. 研究開発代表者.
    Pi,
    /// 4. 個々の研究開発データとそのデータの管理者.
    Datasets,
    /// 5. データ関連人材.
    Staff,
}

impl Section {
    fn from_name(name: &str) -> Option<Section> {
        Some(match name {
            "dmp" => Section::Dmp,
            "project" => Section::Project,
            "pi" => Section::Pi,
            "datasets" => Section::Datasets,
            "staff" => Section::Staff,
            _ => return None,
        })
    }

    /// The section a field belongs to, which a label of that field announces.
    pub(crate) fn of_target(target: Target) -> Section {
        match target {
            Target::Kind => Section::Datasets,
            Target::Field(f) => match f.key().split('.').next() {
                Some("dmp") => Section::Dmp,
                Some("project") => Section::Project,
                Some("pi") => Section::Pi,
                Some("staff") => Section::Staff,
                _ => Section::Datasets,
            },
        }
    }
}

/// What a label stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A model field.
    Field(Field),
    /// データの種別①/②: data subject or data class, told apart by the value.
    Kind,
}

#[derive(Deserialize)]
struct RawSpec {
    sections: HashMap<String, RawSection>,
    field: Vec<RawField>,
}

#[derive(Deserialize)]
struct RawSection {
    headers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    key: String,
    section: String,
    labels: Vec<String>,
    #[serde(default)]
    prefixes: Vec<String>,
}

/// A label table: section headers and field labels, all normalised.
#[derive(Debug, Clone)]
pub struct FormSpec {
    headers: Vec<(String, Section)>,
    /// normalised label → (section scope, target); `None` scope = any section.
    exact: HashMap<String, Vec<(Option<Section>, Target)>>,
    /// (normalised prefix, scope, target), longest first.
    prefixes: Vec<(String, Option<Section>, Target)>,
}

/// A label table that does not load.
#[derive(Debug, thiserror::Error)]
#[error("label table: {0}")]
pub struct SpecError(String);

impl FormSpec {
    /// The label table shipped in `mappings/amed-form.toml`.
    pub fn builtin() -> &'static FormSpec {
        &BUILTIN
    }

    /// Loads a label table from TOML (the format of `mappings/amed-form.toml`).
    pub fn from_toml(text: &str) -> Result<FormSpec, SpecError> {
        let raw: RawSpec = toml::from_str(text).map_err(|e| SpecError(e.to_string()))?;
        let mut headers = Vec::new();
        for (name, sec) in raw.sections {
            let section = Section::from_name(&name)
                .ok_or_else(|| SpecError(format!("unknown section '{name}'")))?;
            headers.extend(sec.headers.iter().map(|h| (normalize_label(h), section)));
        }
        let mut spec = FormSpec {
            headers,
            exact: HashMap::new(),
            prefixes: Vec::new(),
        };
        for f in raw.field {
            let target = match f.key.as_str() {
                "dataset.kind" => Target::Kind,
                key => Target::Field(
                    Field::from_key(key)
                        .ok_or_else(|| SpecError(format!("unknown field key '{key}'")))?,
                ),
            };
            let scope = match f.section.as_str() {
                "any" => None,
                s => Some(
                    Section::from_name(s)
                        .ok_or_else(|| SpecError(format!("{}: unknown section '{s}'", f.key)))?,
                ),
            };
            for l in &f.labels {
                spec.exact
                    .entry(normalize_label(l))
                    .or_default()
                    .push((scope, target));
            }
            for p in &f.prefixes {
                spec.prefixes.push((normalize_label(p), scope, target));
            }
        }
        spec.prefixes
            .sort_by_key(|(p, _, _)| std::cmp::Reverse(p.chars().count()));
        Ok(spec)
    }

    /// The section a header cell opens: its exact text, or its text followed
    /// by a bracketed note (section 5's header carries a long one).
    pub(crate) fn section_header(&self, norm: &str) -> Option<Section> {
        self.headers.iter().find_map(|(h, s)| {
            let matches = norm == h
                || norm
                    .strip_prefix(h.as_str())
                    .is_some_and(|rest| rest.starts_with('('));
            matches.then_some(*s)
        })
    }

    /// The field a label stands for in a section. A section-scoped label wins
    /// over an `any` label; exact labels over prefixes.
    pub(crate) fn lookup(&self, norm: &str, section: Option<Section>) -> Option<Target> {
        let pick = |cands: &mut dyn Iterator<Item = (Option<Section>, Target)>| {
            let cands: Vec<_> = cands.collect();
            cands
                .iter()
                .find(|(scope, _)| scope.is_some() && *scope == section)
                .or_else(|| cands.iter().find(|(scope, _)| scope.is_none()))
                .map(|(_, t)| *t)
        };
        if let Some(c) = self.exact.get(norm) {
            if let Some(t) = pick(&mut c.iter().copied()) {
                return Some(t);
            }
        }
        pick(
            &mut self
                .prefixes
                .iter()
                .filter(|(p, _, _)| norm.starts_with(p.as_str()))
                .map(|(_, s, t)| (*s, *t)),
        )
    }

    /// The staff-table column a header cell names.
    pub(crate) fn staff_column(&self, norm: &str) -> Option<Field> {
        self.exact
            .get(norm)?
            .iter()
            .find_map(|(scope, t)| match (scope, t) {
                (Some(Section::Staff), Target::Field(f)) => Some(*f),
                _ => None,
            })
    }

    /// Every field that has at least one label, for coverage checks.
    pub fn labelled_fields(&self) -> Vec<Field> {
        let mut out: Vec<Field> = self
            .exact
            .values()
            .flatten()
            .map(|(_, t)| *t)
            .chain(self.prefixes.iter().map(|(_, _, t)| *t))
            .filter_map(|t| match t {
                Target::Field(f) => Some(f),
                Target::Kind => None,
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}
