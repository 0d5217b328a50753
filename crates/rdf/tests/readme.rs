//! The README's field table is generated from `mappings/rdf.toml`: this test
//! fails when the two disagree, and says how to regenerate the table.

use dmpgraph_rdf::{replace_field_table, Mapping, FIELD_TABLE_BEGIN};

#[test]
fn the_readme_field_table_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let table = Mapping::builtin().field_table();
    let current = replace_field_table(&readme, &table)
        .unwrap_or_else(|| panic!("README.md lacks the marker {FIELD_TABLE_BEGIN}"));
    assert!(
        current == readme,
        "README.md's field table is stale: run `dmpgraph fields --write-readme README.md` (e.g. `cargo run --bin dmpgraph -- fields --write-readme README.md`)"
    );
    // Every field of the form is in it, with its mark.
    for field in dmpgraph_model::Field::ALL {
        let row = table
            .lines()
            .find(|l| l.contains(&format!("`{}`", field.key())))
            .unwrap_or_else(|| panic!("{} missing", field.key()));
        let mark = match field.visibility() {
            dmpgraph_model::Visibility::Public => "| public |",
            dmpgraph_model::Visibility::Private => "| **PRIVATE** |",
        };
        assert!(row.contains(mark), "{row}");
    }
}
