//! The Rust source of the driver: one call function per generated function, which builds
//! sample arguments (`None` for every `Option` in one variant) and calls it.

use std::fmt::Write as _;

use pgbake_codegen::__internals::{camel_case, field_name};
use pgbake_codegen::ir::{Cardinality, Query, TypeKind};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

fn ident(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// The owned type to build for a parameter type and the expression that lends it.
fn argument(rust_type: &str, var: &str) -> (String, String) {
    let (nullable, inner) = match rust_type
        .strip_prefix("Option<")
        .and_then(|t| t.strip_suffix('>'))
    {
        Some(inner) => (true, inner),
        None => (false, rust_type),
    };
    let (owned, lend) = if inner == "&str" {
        ("String".to_string(), "deref")
    } else if let Some(element) = inner.strip_prefix("&[").and_then(|t| t.strip_suffix(']')) {
        (format!("Vec<{element}>"), "deref")
    } else if let Some(owned) = inner.strip_prefix('&') {
        (owned.to_string(), "ref")
    } else {
        (inner.to_string(), "value")
    };
    let expression = match (nullable, lend) {
        (_, "value") => var.to_string(),
        (false, _) => format!("&{var}"),
        (true, "deref") => format!("{var}.as_deref()"),
        (true, _) => format!("{var}.as_ref()"),
    };
    if nullable {
        (format!("Option<{owned}>"), expression)
    } else {
        (owned, expression)
    }
}

/// The driver's `calls.rs`: `call(index, db, seed, none)` and the function names.
pub fn calls(queries: &[&Query]) -> String {
    let mut out = String::from(
        "#![allow(unused_imports)]\nuse pgbake::__private::{bit_vec, chrono, cidr, eui48, rust_decimal, serde_json, uuid};\n\
         use pgbake::__private::futures_util::TryStreamExt as _;\n\
         use crate::calls::Sample;\n\
         use crate::db::types;\n\
         type Db<'a> = pgbake::__private::tokio_postgres::Transaction<'a>;\n\n",
    );
    let mut names = Vec::new();
    let mut has_option = Vec::new();
    for (i, q) in queries.iter().enumerate() {
        let module = ident(&q.module);
        let function = ident(&q.name);
        let path = format!("crate::db::{module}::{function}");
        let mut lets = String::new();
        let mut args = Vec::new();
        let mut any_option = false;
        for (k, p) in q.params.iter().enumerate() {
            let var = format!("a{k}");
            let rust = p.rust_type.as_deref().unwrap_or("()");
            let (owned, lend) = argument(rust, &var);
            let reset = if owned.starts_with("Option<") {
                any_option = true;
                format!(" let {var} = if none {{ None }} else {{ {var} }};")
            } else {
                String::new()
            };
            let _ = writeln!(
                lets,
                "    let {var}: {owned} = Sample::sample(seed);{reset}"
            );
            args.push((ident(&p.field), lend));
        }
        let use_struct = q.params.len() > 4 || q.cardinality == Cardinality::Copy;
        let struct_path = format!("crate::db::{module}::{}Params", camel_case(&q.name));
        let struct_literal = || {
            let fields: Vec<String> = args.iter().map(|(f, e)| format!("{f}: {e}")).collect();
            format!("{struct_path} {{ {} }}", fields.join(", "))
        };
        let call_args = if q.cardinality == Cardinality::Copy {
            format!("vec![{}]", struct_literal())
        } else if use_struct {
            format!("&{}", struct_literal())
        } else {
            args.iter()
                .map(|(_, e)| e.clone())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let comma = if call_args.is_empty() { "" } else { ", " };
        let body = match q.cardinality {
            Cardinality::Many => format!(
                "    let rows = {path}(db{comma}{call_args}).await?.len();\n{lets}    let streamed: Vec<_> = crate::db::{module}::{}_stream(db{comma}{call_args}).await?.try_collect().await?;\n    Ok(rows + streamed.len())",
                q.name
            ),
            Cardinality::Opt => {
                format!("    Ok({path}(db{comma}{call_args}).await?.map_or(0, |_| 1))")
            }
            Cardinality::One => format!("    {path}(db{comma}{call_args}).await.map(|_| 1)"),
            Cardinality::Exec | Cardinality::Copy => {
                format!("    {path}(db{comma}{call_args}).await.map(|n| n as usize)")
            }
        };
        let _ = writeln!(
            out,
            "#[allow(unused_variables, clippy::all)]\nasync fn call_{i}(db: &Db<'_>, seed: i32, none: bool) -> Result<usize, pgbake::Error> {{\n{lets}{body}\n}}\n"
        );
        names.push(format!("{}::{}", q.module, q.name));
        has_option.push(any_option);
    }
    out.push_str("pub async fn call(index: usize, db: &Db<'_>, seed: i32, none: bool) -> Result<usize, pgbake::Error> {\n    match index {\n");
    for i in 0..queries.len() {
        let _ = writeln!(out, "        {i} => call_{i}(db, seed, none).await,");
    }
    out.push_str("        _ => unreachable!(),\n    }\n}\n\n");
    let _ = writeln!(
        out,
        "pub const FUNCTIONS: &[(&str, bool)] = &{:?};",
        names.iter().zip(&has_option).collect::<Vec<_>>()
    );
    out.push_str(&samples(queries));
    out
}

/// `Sample` for the generated enums and composite types the parameters use.
fn samples(queries: &[&Query]) -> String {
    let mut seen = std::collections::BTreeMap::new();
    let mut stack: Vec<&pgbake_codegen::ir::PgType> = queries
        .iter()
        .flat_map(|q| {
            q.params
                .iter()
                .map(|p| &p.pg_type)
                .chain(q.columns.iter().map(|c| &c.pg_type))
        })
        .collect();
    while let Some(ty) = stack.pop() {
        match &ty.kind {
            TypeKind::Enum { variants, .. } => {
                let rust: Vec<String> = {
                    let mut used: Vec<String> = Vec::new();
                    variants
                        .iter()
                        .map(|v| {
                            let mut r = camel_case(v);
                            while used.contains(&r) {
                                r.push('_');
                            }
                            used.push(r.clone());
                            format!("types::{}::{r}", camel_case(&ty.name))
                        })
                        .collect()
                };
                seen.insert(
                    ty.name.clone(),
                    format!(
                        "impl Sample for types::{} {{ fn sample(seed: i32) -> Self {{ let all = [{}]; all[seed.rem_euclid(all.len() as i32) as usize] }} }}\n",
                        camel_case(&ty.name),
                        rust.join(", ")
                    ),
                );
            }
            TypeKind::Composite { fields, .. } => {
                if !seen.contains_key(&ty.name) {
                    let inits: Vec<String> = fields
                        .iter()
                        .map(|f| format!("{}: Sample::sample(seed)", ident(&field_name(&f.name))))
                        .collect();
                    seen.insert(
                        ty.name.clone(),
                        format!(
                            "impl Sample for types::{} {{ fn sample(seed: i32) -> Self {{ Self {{ {} }} }} }}\n",
                            camel_case(&ty.name),
                            inits.join(", ")
                        ),
                    );
                    stack.extend(fields.iter().map(|f| &f.ty));
                }
            }
            TypeKind::Domain { base, .. } => stack.push(base),
            TypeKind::Base | TypeKind::Pseudo => {}
        }
    }
    seen.into_values().collect()
}
