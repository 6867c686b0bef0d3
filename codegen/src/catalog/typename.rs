//! Spelling of type names: `character varying(20)[]`, `"MyType"`, `s.t` -> typname + array flag.

/// A type name as written, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeName {
    /// Schema qualifier, if written (`pg_catalog` removed).
    pub schema: Option<String>,
    /// The name: a built-in typname (`int4`, `varchar`, …) or a user type's name.
    pub name: String,
    /// Whether `[]` / `ARRAY` followed.
    pub array: bool,
    /// `serial`, `bigserial`, `smallserial`: the column gets a default.
    pub serial: bool,
}

/// Parses a type as written in SQL (or as sqlparser prints a `DataType`).
pub fn parse_type_name(written: &str) -> TypeName {
    let mut s = written.trim().to_string();
    let mut array = false;
    // Array suffixes.
    loop {
        let lower = s.to_ascii_lowercase();
        if let Some(open) = s.rfind('[').filter(|_| s.ends_with(']')) {
            s.truncate(open);
            s = s.trim_end().to_string();
            array = true;
        } else if lower.ends_with(" array") {
            s.truncate(s.len() - 6);
            array = true;
        } else if lower.starts_with("array<") && s.ends_with('>') {
            s = s[6..s.len() - 1].to_string();
            array = true;
        } else {
            break;
        }
    }
    // Identifier parts: lowercase unless quoted; drop typmods in parentheses.
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut chars = s.chars().peekable();
    let mut depth = 0;
    while let Some(c) = chars.next() {
        match c {
            '"' if depth == 0 => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                    current.push(q);
                }
                if chars.peek() == Some(&'"') {
                    current.push('"');
                }
            }
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth > 0 => {}
            '.' => parts.push(std::mem::take(&mut current)),
            c => current.push(c.to_ascii_lowercase()),
        }
    }
    parts.push(current);
    let last = parts.pop().unwrap_or_default();
    let mut schema = parts.pop().map(|p| p.trim().to_string());
    if schema.as_deref() == Some("pg_catalog") {
        schema = None;
    }
    let words: Vec<&str> = last.split_whitespace().collect();
    let joined = words.join(" ");
    let (name, serial) = builtin_alias(&joined, written);
    TypeName {
        schema,
        name,
        array,
        serial,
    }
}

fn builtin_alias(joined: &str, written: &str) -> (String, bool) {
    let name = match joined {
        "int" | "integer" | "int4" | "signed" => "int4",
        "smallint" | "int2" => "int2",
        "bigint" | "int8" => "int8",
        "serial" | "serial4" => return ("int4".into(), true),
        "bigserial" | "serial8" => return ("int8".into(), true),
        "smallserial" | "serial2" => return ("int2".into(), true),
        "real" | "float4" => "float4",
        "double precision" | "float8" | "double" => "float8",
        "float" => {
            let precision: Option<u32> = written
                .split_once('(')
                .and_then(|(_, rest)| rest.split(')').next())
                .and_then(|p| p.trim().parse().ok());
            if precision.is_some_and(|p| p <= 24) {
                "float4"
            } else {
                "float8"
            }
        }
        "numeric" | "decimal" | "dec" => "numeric",
        "boolean" | "bool" => "bool",
        "varchar" | "character varying" | "char varying" | "nvarchar" => "varchar",
        "char" | "character" | "bpchar" | "nchar" => {
            if written.trim_start().starts_with('"') {
                "char"
            } else {
                "bpchar"
            }
        }
        "timestamp" | "timestamp without time zone" => "timestamp",
        "timestamptz" | "timestamp with time zone" => "timestamptz",
        "time" | "time without time zone" => "time",
        "timetz" | "time with time zone" => "timetz",
        "bit varying" | "varbit" => "varbit",
        "string" => "text",
        other if other.starts_with("interval") => "interval",
        other => other,
    };
    (name.to_string(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        let t = parse_type_name("CHARACTER VARYING(20)[]");
        assert_eq!((t.name.as_str(), t.array), ("varchar", true));
        let t = parse_type_name("pg_catalog.TIMESTAMP WITH TIME ZONE");
        assert_eq!(
            (t.name.as_str(), t.array, t.schema),
            ("timestamptz", false, None)
        );
        let t = parse_type_name("foo.\"MyType\"");
        assert_eq!(
            (t.name.as_str(), t.schema.as_deref()),
            ("MyType", Some("foo"))
        );
        assert!(parse_type_name("bigserial").serial);
        assert_eq!(parse_type_name("float(10)").name, "float4");
        assert_eq!(parse_type_name("INTERVAL DAY TO SECOND").name, "interval");
        assert!(parse_type_name("integer ARRAY").array);
    }
}
