//! dmpgraph's harvest: one polite HTTP client and the connectors to the
//! registries and archives that hold what AMED-funded projects deposited.

pub mod sources;
