//! The catalog dmpgraph publishes: its titles, publisher, public contact and
//! funder (`mappings/catalog.toml`, replaceable with `--config FILE`).

use serde::Deserialize;
use std::sync::LazyLock;

/// The configuration shipped with dmpgraph.
pub const BUILTIN_CATALOG_TOML: &str = include_str!("../../../mappings/catalog.toml");

static BUILTIN: LazyLock<CatalogConfig> = LazyLock::new(|| {
    CatalogConfig::from_toml(BUILTIN_CATALOG_TOML).expect("mappings/catalog.toml is valid (tested)")
});

/// Catalog, contact and funder facts that come from configuration, not from a DMP.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogConfig {
    /// The catalog itself (`dcat:Catalog`).
    pub catalog: CatalogInfo,
    /// The published contact used where the standard requires an e-mail that
    /// a DMP only has in a private cell.
    pub contact: PublicContact,
    /// The funder of every AMED DMP.
    pub funder: Funder,
    /// `[harvest]`: read by the harvest, not by the catalog.
    #[serde(default)]
    pub harvest: Elsewhere,
    /// `[sources.*]`: read by the harvest, not by the catalog.
    #[serde(default)]
    pub sources: Elsewhere,
    /// `[link]`: read by the linker, not by the catalog.
    #[serde(default)]
    pub link: Elsewhere,
    /// `[api]`: read by the maDMP API, not by the catalog.
    #[serde(default)]
    pub api: Elsewhere,
    /// `[backend]`: the engine behind `/sparql`, read by `dmpgraph-replica`.
    #[serde(default)]
    pub backend: Elsewhere,
    /// `[replicas.*]`: further engines fed from the change log.
    #[serde(default)]
    pub replicas: Elsewhere,
}

/// A table of the configuration file that another part of dmpgraph reads
/// (the harvest's `[harvest]` and `[sources.*]`, the linker's `[link]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Elsewhere;

impl<'de> Deserialize<'de> for Elsewhere {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Elsewhere, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Elsewhere)
    }
}

/// Titles, description and publisher of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogInfo {
    /// Title in Japanese.
    pub title_ja: String,
    /// Title in English.
    pub title_en: String,
    /// Description in Japanese.
    pub description_ja: String,
    /// Description in English.
    pub description_en: String,
    /// Publisher's name in Japanese.
    pub publisher_name: String,
    /// Publisher's name in English.
    pub publisher_name_en: String,
    /// Publisher's home page.
    pub publisher_url: String,
    /// The catalog's own web page (`foaf:homepage`), if it has one.
    #[serde(default)]
    pub homepage: Option<String>,
    /// Languages of the catalog's metadata (`dcterms:language`), as IRIs of
    /// the EU language authority list
    /// (`http://publications.europa.eu/resource/authority/language/JPN`).
    #[serde(default)]
    pub languages: Vec<String>,
    /// The kind of publisher (`dcterms:type`), an IRI of the ADMS publisher
    /// types (`http://purl.org/adms/publishertype/NationalAuthority`).
    #[serde(default)]
    pub publisher_type: Option<String>,
}

/// A published contact point (the catalog operator's desk).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicContact {
    /// Name of the desk or person.
    pub name: String,
    /// Published e-mail address.
    pub mbox: String,
    /// Web page of the contact, used as its identifier.
    pub url: String,
}

/// The funder, with its persistent identifiers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Funder {
    /// Name in English.
    pub name: String,
    /// Name in Japanese.
    pub name_ja: String,
    /// Short name.
    pub abbreviation: String,
    /// ROR ID as a URL (`https://ror.org/…`).
    pub ror: String,
    /// Crossref Funder Registry DOI as a URL (`https://doi.org/10.13039/…`).
    pub crossref_funder_id: String,
}

impl CatalogConfig {
    /// The configuration in `mappings/catalog.toml`.
    pub fn builtin() -> &'static CatalogConfig {
        &BUILTIN
    }

    /// Reads a configuration file's text; the error names the key at fault.
    pub fn from_toml(text: &str) -> Result<CatalogConfig, String> {
        let config: CatalogConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        let c = &config.catalog;
        let optional = [
            ("catalog.homepage", c.homepage.as_ref()),
            ("catalog.publisher_type", c.publisher_type.as_ref()),
        ];
        let languages = c.languages.iter().map(|l| ("catalog.languages", Some(l)));
        for (key, url) in optional.into_iter().chain(languages) {
            if let Some(url) =
                url.filter(|u| !(u.starts_with("https://") || u.starts_with("http://")))
            {
                return Err(format!("{key}: expected an http(s) URL, found '{url}'"));
            }
        }
        for (key, url) in [
            ("catalog.publisher_url", &config.catalog.publisher_url),
            ("contact.url", &config.contact.url),
            ("funder.ror", &config.funder.ror),
            (
                "funder.crossref_funder_id",
                &config.funder.crossref_funder_id,
            ),
        ] {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(format!("{key}: expected an http(s) URL, found '{url}'"));
            }
        }
        if !config.contact.mbox.contains('@') {
            return Err(format!(
                "contact.mbox: expected an e-mail address, found '{}'",
                config.contact.mbox
            ));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_configuration_reads() {
        let c = CatalogConfig::builtin();
        assert_eq!(c.funder.abbreviation, "AMED");
        assert!(c.funder.crossref_funder_id.contains("10.13039/"));
    }

    #[test]
    fn bad_values_name_their_key() {
        let bad = BUILTIN_CATALOG_TOML.replace("https://ror.org/", "ror:");
        let err = CatalogConfig::from_toml(&bad).unwrap_err();
        assert!(err.starts_with("funder.ror:"), "{err}");
        let unknown = format!("{BUILTIN_CATALOG_TOML}\n[extra]\nx = 1\n");
        assert!(CatalogConfig::from_toml(&unknown)
            .unwrap_err()
            .contains("extra"));
    }
}
