//! AMED's deposit report: being written.
