//! `ALTER DOMAIN` and the attribute forms of `ALTER TYPE`, which sqlparser cannot read,
//! recognised from their text; and the kind of a statement (`ALTER SEQUENCE`), to name one
//! that a reader cannot follow.

use super::words::{Lexeme, leading_words, lexemes, normalize_ident, written_word};

/// One `ALTER DOMAIN name …` action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlterDomainText {
    /// `SET DEFAULT expression`: the expression as written.
    SetDefault(String),
    /// `DROP DEFAULT`.
    DropDefault,
    /// `SET NOT NULL`.
    SetNotNull,
    /// `DROP NOT NULL`.
    DropNotNull,
    /// `ADD [CONSTRAINT name] CHECK (…) [NOT VALID]`: the constraint as written, without
    /// `NOT VALID`.
    AddConstraint(String),
    /// `DROP CONSTRAINT [IF EXISTS] name [CASCADE | RESTRICT]`.
    DropConstraint(String),
    /// `RENAME CONSTRAINT old TO new`.
    RenameConstraint(String, String),
    /// `VALIDATE CONSTRAINT name`.
    ValidateConstraint,
    /// `RENAME TO new_name`.
    Rename(String),
    /// `OWNER TO role`.
    Owner,
}

/// One `ALTER TYPE name …` action on a composite type's attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlterAttributeText {
    /// `ADD ATTRIBUTE name type [CASCADE | RESTRICT]`: the name and the type as written.
    Add(String, String),
    /// `DROP ATTRIBUTE [IF EXISTS] name [CASCADE | RESTRICT]`.
    Drop(String),
    /// `ALTER ATTRIBUTE name [SET DATA] TYPE type`: the name and the type as written.
    SetType(String, String),
}

/// `ALTER DOMAIN name action`: the domain as written and its action. `None`: not an
/// `ALTER DOMAIN`, or an action this reader does not know (`SET SCHEMA`, …).
pub fn alter_domain_text(text: &str) -> Option<(String, AlterDomainText)> {
    let (name, rest) = altered(text, "domain")?;
    let lexemes = lexemes(rest)?;
    let words = top_level_words(&lexemes);
    let written = |index: usize| written_word(rest, index).map(normalize_ident);
    let action = match words.as_slice() {
        ["set", "default", ..] => AlterDomainText::SetDefault(after(rest, &lexemes, 2)),
        ["drop", "default"] => AlterDomainText::DropDefault,
        ["set", "not", "null"] => AlterDomainText::SetNotNull,
        ["drop", "not", "null"] => AlterDomainText::DropNotNull,
        ["add", .., "not", "valid"] => {
            let end = lexemes[lexemes.len() - 2].start;
            AlterDomainText::AddConstraint(rest[lexemes[1].start..end].trim().to_string())
        }
        ["add", ..] => AlterDomainText::AddConstraint(after(rest, &lexemes, 1)),
        ["drop", "constraint", "if", "exists", ..] => AlterDomainText::DropConstraint(written(4)?),
        ["drop", "constraint", ..] => AlterDomainText::DropConstraint(written(2)?),
        ["rename", "constraint", _, "to", _] => {
            AlterDomainText::RenameConstraint(written(2)?, written(4)?)
        }
        ["validate", "constraint", _] => AlterDomainText::ValidateConstraint,
        ["rename", "to", _] => AlterDomainText::Rename(written(2)?),
        ["owner", "to", ..] => AlterDomainText::Owner,
        _ => return None,
    };
    Some((name, action))
}

/// `ALTER TYPE name {ADD | DROP | ALTER} ATTRIBUTE …` with one action: the type as
/// written and the action. `None`: another form (several actions, RENAME, ADD VALUE, …).
pub fn alter_attribute_text(text: &str) -> Option<(String, AlterAttributeText)> {
    let (name, rest) = altered(text, "type")?;
    let lexemes = lexemes(rest)?;
    if lexemes
        .iter()
        .any(|l| l.depth == 0 && &rest[l.start..l.end] == ",")
    {
        return None;
    }
    let words = top_level_words(&lexemes);
    let written = |index: usize| written_word(rest, index).map(normalize_ident);
    let without_behaviour = |from: usize| -> Option<String> {
        let end = lexemes
            .iter()
            .rfind(|l| l.word.is_some())
            .filter(|l| l.is_top_level_word("cascade") || l.is_top_level_word("restrict"))
            .map_or(rest.len(), |l| l.start);
        Some(
            rest[lexemes.get(from)?.start..end]
                .trim()
                .trim_end_matches(';')
                .trim()
                .to_string(),
        )
    };
    let action = match words.as_slice() {
        ["add", "attribute", _, ..] => AlterAttributeText::Add(written(2)?, without_behaviour(3)?),
        ["drop", "attribute", "if", "exists", _, ..] => AlterAttributeText::Drop(written(4)?),
        ["drop", "attribute", _, ..] => AlterAttributeText::Drop(written(2)?),
        ["alter", "attribute", _, "set", "data", "type", ..] => {
            AlterAttributeText::SetType(written(2)?, without_behaviour(6)?)
        }
        ["alter", "attribute", _, "type", ..] => {
            AlterAttributeText::SetType(written(2)?, without_behaviour(4)?)
        }
        _ => return None,
    };
    Some((name, action))
}

/// What a statement is, in capitals: its first word and the kind of object it names
/// (`ALTER SEQUENCE`, `CREATE OR REPLACE RULE`, `DROP SCHEMA`), else its first word.
pub fn statement_kind(text: &str) -> String {
    let words = leading_words(text, 6);
    let mut kind = Vec::new();
    for word in &words {
        kind.push(word.to_uppercase());
        let done = match kind.as_slice() {
            [first] => !matches!(first.as_str(), "CREATE" | "ALTER" | "DROP"),
            [first, ..] if matches!(first.as_str(), "CREATE" | "ALTER" | "DROP") => !matches!(
                word.as_str(),
                "or" | "replace"
                    | "temp"
                    | "temporary"
                    | "unlogged"
                    | "global"
                    | "local"
                    | "materialized"
                    | "recursive"
                    | "unique"
                    | "constraint"
                    | "default"
                    | "foreign"
                    | "event"
                    | "text"
                    | "search"
            ),
            _ => true,
        };
        if done {
            break;
        }
    }
    kind.join(" ")
}

/// The name an `ALTER <kind> [IF EXISTS] name …` alters, as written, and the text after it.
fn altered<'a>(text: &'a str, kind: &str) -> Option<(String, &'a str)> {
    let words = leading_words(text, 4);
    if words.first().map(String::as_str) != Some("alter")
        || words.get(1).map(String::as_str) != Some(kind)
    {
        return None;
    }
    let at = if words.get(2).map(String::as_str) == Some("if") {
        4
    } else {
        2
    };
    let name = written_word(text, at)?;
    let end = name.as_ptr() as usize - text.as_ptr() as usize + name.len();
    Some((name.to_string(), &text[end..]))
}

/// The lowercase words outside parentheses, in order (other tokens left out).
fn top_level_words(lexemes: &[Lexeme]) -> Vec<&str> {
    lexemes
        .iter()
        .filter(|l| l.depth == 0)
        .filter_map(|l| l.word.as_deref())
        .collect()
}

/// The text from the `index`-th lexeme on, without a trailing `;`.
fn after(text: &str, lexemes: &[Lexeme], index: usize) -> String {
    lexemes.get(index).map_or(String::new(), |l| {
        text[l.start..]
            .trim()
            .trim_end_matches(';')
            .trim()
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_alter_domain_actions() {
        let read = |text| alter_domain_text(text).map(|(_, action)| action);
        assert_eq!(
            read("ALTER DOMAIN d SET DEFAULT 'a' || 'b';"),
            Some(AlterDomainText::SetDefault("'a' || 'b'".into()))
        );
        assert_eq!(
            read("alter domain public.d add constraint c check (value > 0) not valid"),
            Some(AlterDomainText::AddConstraint(
                "constraint c check (value > 0)".into()
            ))
        );
        assert_eq!(
            read("ALTER DOMAIN d DROP CONSTRAINT IF EXISTS \"C\" CASCADE"),
            Some(AlterDomainText::DropConstraint("C".into()))
        );
        assert_eq!(
            read("ALTER DOMAIN d SET NOT NULL"),
            Some(AlterDomainText::SetNotNull)
        );
        assert_eq!(read("ALTER DOMAIN d SET SCHEMA app"), None);
        assert_eq!(read("ALTER TABLE d DROP DEFAULT"), None);
    }

    #[test]
    fn reads_one_attribute_action() {
        assert_eq!(
            alter_attribute_text("ALTER TYPE money_amount ADD ATTRIBUTE note varchar(20) CASCADE;"),
            Some((
                "money_amount".into(),
                AlterAttributeText::Add("note".into(), "varchar(20)".into())
            ))
        );
        assert_eq!(
            alter_attribute_text("ALTER TYPE t DROP ATTRIBUTE IF EXISTS a"),
            Some(("t".into(), AlterAttributeText::Drop("a".into())))
        );
        assert_eq!(
            alter_attribute_text("ALTER TYPE t ADD ATTRIBUTE a int, DROP ATTRIBUTE b"),
            None
        );
        assert_eq!(alter_attribute_text("ALTER TYPE t ADD VALUE 'x'"), None);
    }

    #[test]
    fn names_the_kind_of_a_statement() {
        assert_eq!(statement_kind("alter sequence s restart"), "ALTER SEQUENCE");
        assert_eq!(
            statement_kind("CREATE OR REPLACE RULE r AS ON INSERT"),
            "CREATE OR REPLACE RULE"
        );
        assert_eq!(
            statement_kind("CREATE UNIQUE INDEX i ON t (a)"),
            "CREATE UNIQUE INDEX"
        );
        assert_eq!(statement_kind("CLUSTER t USING i"), "CLUSTER");
    }
}
