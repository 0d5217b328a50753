//! AMED award numbers as people write them (placeholder; see the harvest issue).
