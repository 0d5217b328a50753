//! JPCOAR schema 2.0 (`jpcoar_2.0`): what IRDB harvests.
