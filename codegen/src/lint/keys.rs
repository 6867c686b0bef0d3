//! Which integer columns are keys: `prefer-bigint-over-int` talks about keys running out at
//! 2^31, so it only applies to a primary key, an identity or serial column, a foreign key, or a
//! column another table's foreign key references. A `priority integer` is none of these.

use squawk_syntax::ast::AstNode;
use squawk_syntax::{SourceFile, SyntaxKind, SyntaxNode};

/// Whether the column whose type spans `start..end` of `file` is a key column. A type outside
/// any column definition (`ALTER COLUMN … TYPE integer`, where the key constraints live in an
/// earlier migration) is treated as a key, so the finding is kept.
pub fn is_key_column(file: &SourceFile, start: usize, end: usize) -> bool {
    let root = file.syntax();
    let column = root.descendants().find(|node| {
        matches!(node.kind(), SyntaxKind::COLUMN | SyntaxKind::ADD_COLUMN) && {
            let range = node.text_range();
            (u32::from(range.start()) as usize) <= start && end <= u32::from(range.end()) as usize
        }
    });
    let Some(column) = column else {
        return true;
    };
    let Some(name) = column_name(&column) else {
        return true;
    };
    let type_name = column_type_text(&column, start, end);
    if matches!(type_name.as_str(), "serial" | "serial4") {
        return true;
    }
    let constrained = column.descendants().any(|node| {
        matches!(
            node.kind(),
            SyntaxKind::PRIMARY_KEY_CONSTRAINT | SyntaxKind::REFERENCES_CONSTRAINT
        )
    }) || column
        .descendants_with_tokens()
        .any(|element| element.kind() == SyntaxKind::IDENTITY_KW);
    if constrained {
        return true;
    }
    let table = column.ancestors().find(|node| {
        matches!(
            node.kind(),
            SyntaxKind::CREATE_TABLE | SyntaxKind::ALTER_TABLE
        )
    });
    let Some(table) = table else {
        return true;
    };
    // Table constraints of the same statement: PRIMARY KEY (…), FOREIGN KEY (…) REFERENCES.
    let in_table_key = table.descendants().any(|node| {
        matches!(
            node.kind(),
            SyntaxKind::PRIMARY_KEY_CONSTRAINT | SyntaxKind::FOREIGN_KEY_CONSTRAINT
        ) && !column.text_range().contains_range(node.text_range())
            && first_column_list(&node).contains(&name)
    });
    if in_table_key {
        return true;
    }
    // Referenced by a foreign key anywhere in the migration.
    let Some(table_name) = relation_name(&table) else {
        return false;
    };
    root.descendants()
        .filter(|node| {
            matches!(
                node.kind(),
                SyntaxKind::REFERENCES_CONSTRAINT | SyntaxKind::FOREIGN_KEY_CONSTRAINT
            )
        })
        .any(|node| {
            let text = node.text().to_string();
            referenced(&text)
                .is_some_and(|(table, columns)| table == table_name && columns.contains(&name))
        })
}

/// The unquoted, case-folded last part of an identifier (`public."Foo"` -> `Foo`, `Bar` -> `bar`).
fn identifier(text: &str) -> String {
    let last = text.trim().rsplit('.').next().unwrap_or_default().trim();
    match last.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
        Some(quoted) => quoted.replace("\"\"", "\""),
        None => last.to_lowercase(),
    }
}

fn column_name(column: &SyntaxNode) -> Option<String> {
    let name = column
        .children()
        .find(|node| node.kind() == SyntaxKind::COLUMN_NAME)?;
    Some(identifier(&name.text().to_string()))
}

fn column_type_text(column: &SyntaxNode, start: usize, end: usize) -> String {
    let text = column.text().to_string();
    let offset = u32::from(column.text_range().start()) as usize;
    text.get(start - offset..end - offset)
        .unwrap_or_default()
        .trim()
        .to_lowercase()
}

/// The names of the first parenthesised column list of a constraint.
fn first_column_list(constraint: &SyntaxNode) -> Vec<String> {
    constraint
        .descendants()
        .find(|node| {
            matches!(
                node.kind(),
                SyntaxKind::COLUMN_LIST
                    | SyntaxKind::CONSTRAINT_COLUMN_REF_LIST
                    | SyntaxKind::FOREIGN_KEY_COLUMN_LIST
            )
        })
        .map(|list| split_list(&list.text().to_string()))
        .unwrap_or_default()
}

fn split_list(text: &str) -> Vec<String> {
    text.trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .split(',')
        .map(identifier)
        .collect()
}

fn relation_name(table: &SyntaxNode) -> Option<String> {
    let path = table.children().find(|node| {
        matches!(
            node.kind(),
            SyntaxKind::TABLE_NAME | SyntaxKind::RELATION_NAME | SyntaxKind::TABLE_RELATION_NAME
        )
    })?;
    let text = path.text().to_string();
    let text = text
        .trim()
        .trim_start_matches("ONLY ")
        .trim_start_matches("only ");
    Some(identifier(text.trim_end_matches('*')))
}

/// `… REFERENCES <table> [(<columns>)] …` -> the table and the referenced columns.
fn referenced(constraint: &str) -> Option<(String, Vec<String>)> {
    let at = constraint.to_lowercase().find("references")?;
    let rest = constraint[at + "references".len()..].trim_start();
    let table_end = rest
        .find(|c: char| c == '(' || c.is_whitespace())
        .unwrap_or(rest.len());
    let table = identifier(&rest[..table_end]);
    let after = rest[table_end..].trim_start();
    let columns = match after.strip_prefix('(') {
        Some(list) => split_list(list.split(')').next().unwrap_or_default()),
        None => Vec::new(),
    };
    Some((table, columns))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(sql: &str, column_type_at: &str) -> bool {
        let start = sql.find(column_type_at).unwrap();
        let word = column_type_at
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next();
        let end = start + word.unwrap().len();
        is_key_column(&crate::syntax::lint_tree(sql).tree(), start, end)
    }

    #[test]
    fn keys_and_plain_columns() {
        let sql = "CREATE TABLE t (id integer PRIMARY KEY, priority integer NOT NULL, parent int REFERENCES t, n serial, g int GENERATED ALWAYS AS IDENTITY, a int, b int, PRIMARY KEY (a), FOREIGN KEY (b) REFERENCES u (x));";
        assert!(key(sql, "integer PRIMARY"));
        assert!(!key(sql, "integer NOT NULL"));
        assert!(key(sql, "int REFERENCES"));
        assert!(key(sql, "serial"));
        assert!(key(sql, "int GENERATED"));
        assert!(key(sql, "int, b"));
        assert!(key(sql, "int, PRIMARY"));
        let sql = "CREATE TABLE u (x int, y int); CREATE TABLE v (w bigint REFERENCES u (x));";
        assert!(key(sql, "int, y"));
        assert!(!key(sql, "int)"));
        let sql =
            "ALTER TABLE t ADD COLUMN priority integer, ADD COLUMN owner integer REFERENCES users;";
        assert!(!key(sql, "integer,"));
        assert!(key(sql, "integer REFERENCES"));
    }
}
