//! DataCite Metadata Schema 4 (`oai_datacite`).
