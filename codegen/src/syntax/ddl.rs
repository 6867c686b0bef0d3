//! Schema changes that sqlparser cannot read, or reads wrongly, recognised from their text.
//! Each is returned as plain data, with the text the parser should read instead where
//! there is one; the catalog applies it.

use super::split::skip_token;
use super::words::{QualifiedName, leading_words, lexemes, normalize_ident, written_word};

/// A schema change read from its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaChangeText {
    /// `ALTER {TABLE | VIEW | MATERIALIZED VIEW | TYPE} [IF EXISTS] name SET SCHEMA schema`.
    SetSchema {
        /// A type (`ALTER TYPE`) or a relation (the others).
        object: AlteredObject,
        /// `IF EXISTS` was written.
        if_exists: bool,
        /// The object's current name.
        name: QualifiedName,
        /// The schema it moves to.
        new_schema: String,
    },
    /// `ALTER [MATERIALIZED] VIEW [IF EXISTS] name RENAME TO new_name`.
    RenameView {
        /// `IF EXISTS` was written.
        if_exists: bool,
        /// The view's current name.
        name: QualifiedName,
        /// Its new name (same schema).
        new_name: String,
    },
    /// Another `ALTER MATERIALIZED VIEW` form; none changes columns.
    AlterMaterializedView,
    /// `CREATE MATERIALIZED VIEW …`.
    CreateMaterializedView {
        /// The statement as a plain `CREATE VIEW`, without `WITH [NO] DATA`.
        view_text: String,
    },
    /// `DROP MATERIALIZED VIEW …`.
    DropMaterializedView {
        /// The statement as a plain `DROP VIEW`.
        drop_text: String,
    },
    /// `CREATE DOMAIN … [NOT] NULL` (sqlparser lacks the NULL and NOT NULL domain
    /// constraints).
    CreateDomain {
        /// The statement without its NULL and NOT NULL constraints.
        domain_text: String,
        /// A NOT NULL constraint was written.
        not_null: bool,
    },
    /// `CREATE [OR REPLACE] PROCEDURE …`.
    CreateProcedure {
        /// The statement as a `CREATE FUNCTION`.
        function_text: String,
    },
    /// `CREATE [TEMP | UNLOGGED] SEQUENCE [IF NOT EXISTS] name …` (options sqlparser may
    /// not read).
    CreateSequence {
        /// The sequence, when its name could be read.
        name: Option<QualifiedName>,
    },
    /// `CREATE TABLE … (LIKE other [INCLUDING …], col …)`: sqlparser reads only a lone
    /// `(LIKE other)`.
    CreateTableLike {
        /// The statement with each LIKE element replaced by a placeholder column.
        table_text: String,
        /// The LIKE elements, in order.
        likes: Vec<LikeElement>,
    },
}

/// What an `ALTER … SET SCHEMA` moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlteredObject {
    /// A table, view or materialized view.
    Relation,
    /// A user type.
    Type,
}

/// One `LIKE other [INCLUDING …]` element of a `CREATE TABLE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LikeElement {
    /// The placeholder column (`int4`) standing where the element was.
    pub placeholder: String,
    /// The table whose columns are copied.
    pub source: QualifiedName,
    /// `INCLUDING ALL`, `DEFAULTS`, `IDENTITY` or `GENERATED`: copied columns keep their
    /// defaults.
    pub including_defaults: bool,
}

/// Recognises a schema change that must be read from its text. `None`: not one of these
/// (parse the statement as it is).
pub fn schema_change_text(text: &str) -> Option<SchemaChangeText> {
    let words = leading_words(text, 6);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    match w.as_slice() {
        ["alter", ..] => alter_text(text, &w),
        ["create", "materialized", "view", ..] => create_materialized_view_text(text),
        ["drop", "materialized", ..] => Some(SchemaChangeText::DropMaterializedView {
            drop_text: without_first(text, "MATERIALIZED", "")?,
        }),
        ["create", "domain", ..] => {
            domain_without_null_constraints(text).map(|(domain_text, not_null)| {
                SchemaChangeText::CreateDomain {
                    domain_text,
                    not_null,
                }
            })
        }
        ["create", "procedure", ..] | ["create", "or", _, "procedure", ..] => {
            Some(SchemaChangeText::CreateProcedure {
                function_text: without_first(text, "PROCEDURE", "FUNCTION")?,
            })
        }
        ["create", "sequence", ..]
        | ["create", "temp" | "temporary" | "unlogged", "sequence", ..] => {
            let mut at = if w[1] == "sequence" { 2 } else { 3 };
            if w.get(at) == Some(&"if") {
                at += 3;
            }
            Some(SchemaChangeText::CreateSequence {
                name: written_word(text, at).map(QualifiedName::from_written),
            })
        }
        ["create", ..] if changed_object_kind(&w) == Some("table") => create_table_like_text(text),
        _ => None,
    }
}

/// Whether a statement changes tables, types or views (so that one the parser cannot read
/// must be reported rather than skipped).
pub fn changes_catalog(text: &str) -> bool {
    let words = leading_words(text, 6);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    matches!(
        changed_object_kind(&w),
        Some("table" | "type" | "view" | "domain")
    )
}

/// The `CREATE DOMAIN` text without its `NULL` and `NOT NULL` constraints (with their
/// `CONSTRAINT name`, if any), and whether one was `NOT NULL`; `None` when it has neither.
/// Only words outside parentheses, quotes and comments count: neither `IS NOT NULL` nor
/// `DEFAULT NULL` is a constraint, and a `CHECK (VALUE IS NOT NULL)` leaves PostgreSQL's
/// `typnotnull` false.
pub fn domain_without_null_constraints(text: &str) -> Option<(String, bool)> {
    let lexemes = lexemes(text)?;
    let mut cuts = Vec::new();
    let mut not_null = false;
    let follows = |k: usize, word: &str| k > 0 && lexemes[k - 1].is_top_level_word(word);
    for (k, lexeme) in lexemes.iter().enumerate() {
        if !lexeme.is_top_level_word("null") || follows(k, "is") || follows(k, "default") {
            continue;
        }
        let mut first = k;
        if follows(k, "not") {
            if k > 1 && lexemes[k - 2].is_top_level_word("is") {
                continue;
            }
            not_null = true;
            first = k - 1;
        }
        let start = match first.checked_sub(2).map(|at| &lexemes[at]) {
            Some(named) if named.is_top_level_word("constraint") => named.start,
            _ => lexemes[first].start,
        };
        cuts.push((start, lexeme.end));
    }
    if cuts.is_empty() {
        return None;
    }
    let mut out = String::new();
    let mut copied = 0;
    for (start, end) in cuts {
        out.push_str(&text[copied..start]);
        copied = end;
    }
    out.push_str(&text[copied..]);
    Some((out, not_null))
}

/// The object kind a `CREATE`, `ALTER` or `DROP` names, after `OR REPLACE` and modifiers
/// such as `TEMP` or `MATERIALIZED` (`table`, `view`, `index`, …).
fn changed_object_kind<'a>(w: &[&'a str]) -> Option<&'a str> {
    if !matches!(w.first(), Some(&("create" | "alter" | "drop"))) {
        return None;
    }
    let mut i = 1;
    if w.get(i) == Some(&"or") {
        i += 2;
    }
    while matches!(
        w.get(i),
        Some(
            &("temp"
                | "temporary"
                | "unlogged"
                | "global"
                | "local"
                | "materialized"
                | "recursive")
        )
    ) {
        i += 1;
    }
    w.get(i).copied()
}

/// `text` with the first occurrence of `word` (any case) replaced by `replacement`.
fn without_first(text: &str, word: &str, replacement: &str) -> Option<String> {
    let at = text.to_ascii_uppercase().find(word)?;
    Some(format!(
        "{}{replacement}{}",
        &text[..at],
        &text[at + word.len()..]
    ))
}

fn alter_text(text: &str, w: &[&str]) -> Option<SchemaChangeText> {
    let (kind_len, object, is_view) = match *w.get(1)? {
        "table" => (1, AlteredObject::Relation, false),
        "view" => (1, AlteredObject::Relation, true),
        "type" => (1, AlteredObject::Type, false),
        "materialized" => (2, AlteredObject::Relation, true),
        _ => return None,
    };
    let materialized = kind_len == 2;
    let upper = text.to_ascii_uppercase();
    let set_schema = upper.find(" SET SCHEMA ");
    let rename = is_view.then(|| upper.find(" RENAME TO ")).flatten();
    if set_schema.is_none() && rename.is_none() && !materialized {
        return None;
    }
    let mut name_at = 1 + kind_len;
    let if_exists = w.get(name_at) == Some(&"if");
    if if_exists {
        name_at += 2;
    }
    let name = QualifiedName::from_written(written_word(text, name_at)?);
    let rest_after = |at: usize| normalize_ident(text[at..].trim().trim_end_matches(';').trim());
    if let Some(at) = set_schema {
        return Some(SchemaChangeText::SetSchema {
            object,
            if_exists,
            name,
            new_schema: rest_after(at + " SET SCHEMA ".len()),
        });
    }
    if let Some(at) = rename {
        return Some(SchemaChangeText::RenameView {
            if_exists,
            name,
            new_name: rest_after(at + " RENAME TO ".len()),
        });
    }
    Some(SchemaChangeText::AlterMaterializedView)
}

fn create_materialized_view_text(text: &str) -> Option<SchemaChangeText> {
    let upper = text.to_ascii_uppercase();
    let mut body = text;
    for suffix in ["WITH NO DATA", "WITH DATA"] {
        if upper.trim_end().ends_with(suffix) {
            body = &text[..upper.trim_end().len() - suffix.len()];
        }
    }
    let view_at = body.to_ascii_uppercase().find("VIEW")?;
    Some(SchemaChangeText::CreateMaterializedView {
        view_text: format!("CREATE VIEW{}", &body[view_at + "VIEW".len()..]),
    })
}

/// The top-level elements of the first parenthesized list in `text`, as byte ranges.
fn table_elements(text: &str) -> Option<Vec<(usize, usize)>> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut depth = 0;
    let mut elements = Vec::new();
    let mut start = 0;
    while i < bytes.len() {
        let next = skip_token(text, i).ok()?;
        match bytes[i] {
            b'(' => {
                depth += 1;
                if depth == 1 {
                    start = i + 1;
                }
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    elements.push((start, i));
                    return Some(elements);
                }
            }
            b',' if depth == 1 => {
                elements.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
        i = next.max(i + 1);
    }
    None
}

/// Each LIKE element becomes a placeholder column, replaced by the other table's columns
/// once the statement is applied.
fn create_table_like_text(text: &str) -> Option<SchemaChangeText> {
    let mut likes = Vec::new();
    let mut table_text = String::new();
    let mut copied = 0;
    for (start, end) in table_elements(text)? {
        let element = &text[start..end];
        if written_word(element, 0).is_none_or(|w| !w.eq_ignore_ascii_case("LIKE")) {
            continue;
        }
        let source = QualifiedName::from_written(written_word(element, 1)?);
        let placeholder = format!("pgbake_like_{}", likes.len());
        table_text.push_str(&text[copied..start]);
        table_text.push_str(&format!(" {placeholder} int4"));
        copied = end;
        let upper = element.to_ascii_uppercase();
        let including_defaults = ["ALL", "DEFAULTS", "IDENTITY", "GENERATED"]
            .iter()
            .any(|o| upper.contains(&format!("INCLUDING {o}")));
        likes.push(LikeElement {
            placeholder,
            source,
            including_defaults,
        });
    }
    if likes.is_empty() {
        return None;
    }
    table_text.push_str(&text[copied..]);
    Some(SchemaChangeText::CreateTableLike { table_text, likes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_top_level_null_and_not_null_are_domain_constraints() {
        let cut = |text| domain_without_null_constraints(text);
        assert_eq!(
            cut("CREATE DOMAIN d AS text NOT NULL CHECK (VALUE <> '')"),
            Some(("CREATE DOMAIN d AS text  CHECK (VALUE <> '')".into(), true))
        );
        assert_eq!(
            cut("CREATE DOMAIN d AS int CONSTRAINT \"nn\" NOT NULL"),
            Some(("CREATE DOMAIN d AS int ".into(), true))
        );
        assert_eq!(
            cut("CREATE DOMAIN d AS text COLLATE \"C\" NULL DEFAULT NULL"),
            Some((
                "CREATE DOMAIN d AS text COLLATE \"C\"  DEFAULT NULL".into(),
                false
            ))
        );
        for not_a_constraint in [
            "CREATE DOMAIN d AS text CHECK (VALUE IS NOT NULL)",
            "CREATE DOMAIN d AS text CONSTRAINT c CHECK (VALUE IS NOT NULL AND VALUE <> '')",
            "CREATE DOMAIN d AS text DEFAULT ' NOT NULL' -- NOT NULL",
            "CREATE DOMAIN d AS text DEFAULT $$ NOT NULL $$",
            "CREATE DOMAIN d AS text DEFAULT NULL",
        ] {
            assert_eq!(cut(not_a_constraint), None, "{not_a_constraint}");
        }
    }

    #[test]
    fn reads_the_forms_sqlparser_lacks() {
        assert_eq!(
            schema_change_text("ALTER TABLE IF EXISTS app.t SET SCHEMA \"Other\""),
            Some(SchemaChangeText::SetSchema {
                object: AlteredObject::Relation,
                if_exists: true,
                name: QualifiedName {
                    schema: Some("app".into()),
                    name: "t".into()
                },
                new_schema: "Other".into(),
            })
        );
        assert_eq!(
            schema_change_text("CREATE MATERIALIZED VIEW m AS SELECT 1 WITH NO DATA"),
            Some(SchemaChangeText::CreateMaterializedView {
                view_text: "CREATE VIEW m AS SELECT 1 ".into()
            })
        );
        assert_eq!(
            schema_change_text("CREATE OR REPLACE PROCEDURE p() LANGUAGE sql AS $$ $$"),
            Some(SchemaChangeText::CreateProcedure {
                function_text: "CREATE OR REPLACE FUNCTION p() LANGUAGE sql AS $$ $$".into()
            })
        );
        assert_eq!(
            schema_change_text("CREATE TABLE b (id int8, LIKE a INCLUDING ALL)"),
            Some(SchemaChangeText::CreateTableLike {
                table_text: "CREATE TABLE b (id int8, pgbake_like_0 int4)".into(),
                likes: vec![LikeElement {
                    placeholder: "pgbake_like_0".into(),
                    source: QualifiedName {
                        schema: None,
                        name: "a".into()
                    },
                    including_defaults: true,
                }],
            })
        );
        assert_eq!(schema_change_text("CREATE TABLE t (a int)"), None);
        assert!(changes_catalog("create or replace temp view v as select"));
        assert!(!changes_catalog("CREATE INDEX i ON t (a)"));
    }
}
