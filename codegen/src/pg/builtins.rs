//! Built-in types, functions, operators and casts of PostgreSQL 15 (plus the contrib
//! extensions citext, hstore, ltree, pg_trgm, pgcrypto, uuid-ossp), read from
//! `builtins.txt`, which `builtins.sql` generates from a live server's catalogs.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::Ty;

/// A built-in type.
#[derive(Debug, Clone)]
pub struct TypeInfo {
    /// `pg_type.typcategory`.
    pub category: char,
    /// `pg_type.typispreferred`.
    pub preferred: bool,
    /// `pg_type.typtype` (`b` base, `p` pseudo, `e` enum, `r` range, `m` multirange, `d` domain).
    pub typtype: char,
}

/// A function or aggregate signature from `pg_proc`.
#[derive(Debug, Clone)]
pub struct Proc {
    /// `prokind`: `f` function, `a` aggregate, `w` window.
    pub kind: char,
    /// Returns a set.
    pub retset: bool,
    /// Strict (NULL in, NULL out).
    pub strict: bool,
    /// Element type of the VARIADIC parameter, if any.
    pub variadic: Option<Ty>,
    /// Number of trailing parameters with defaults.
    pub defaults: usize,
    /// Result type.
    pub ret: Ty,
    /// Declared argument types.
    pub args: Vec<Ty>,
    /// Declared argument names (empty strings for unnamed ones; may be shorter).
    pub arg_names: Vec<String>,
}

/// An operator from `pg_operator`.
#[derive(Debug, Clone)]
pub struct Operator {
    /// Left operand type (None for prefix operators).
    pub left: Option<Ty>,
    /// Right operand type.
    pub right: Ty,
    /// Result type.
    pub result: Ty,
}

/// All built-ins, indexed.
#[derive(Debug, Default)]
pub struct Builtins {
    /// Types by typname (array types `_x` are not listed: use `Ty::array`).
    pub types: HashMap<String, TypeInfo>,
    /// Functions by name.
    pub procs: HashMap<String, Vec<Proc>>,
    /// Operators by name.
    pub operators: HashMap<String, Vec<Operator>>,
    /// Casts: (source, target) -> context (`i` implicit, `a` assignment, `e` explicit).
    pub casts: HashMap<(Ty, Ty), char>,
}

fn ty(name: &str) -> Ty {
    match name.strip_prefix('_') {
        Some(element) if !element.is_empty() => Ty::new(element).to_array(),
        _ => Ty::new(name),
    }
}

/// The built-ins, parsed once.
pub fn builtins() -> &'static Builtins {
    static BUILTINS: OnceLock<Builtins> = OnceLock::new();
    BUILTINS.get_or_init(|| {
        let mut b = Builtins::default();
        for line in include_str!("builtins.txt").lines() {
            let f: Vec<&str> = line.split('|').collect();
            match f[0] {
                "T" if f[2] != "A" => {
                    b.types.insert(
                        f[1].to_string(),
                        TypeInfo {
                            category: f[2].chars().next().unwrap_or('U'),
                            preferred: f[3] == "t",
                            typtype: f[4].chars().next().unwrap_or('b'),
                        },
                    );
                }
                "F" => {
                    let args = if f[8].is_empty() {
                        Vec::new()
                    } else {
                        f[8].split(',').map(ty).collect()
                    };
                    b.procs.entry(f[1].to_string()).or_default().push(Proc {
                        kind: f[2].chars().next().unwrap_or('f'),
                        retset: f[3] == "t",
                        strict: f[4] == "t",
                        variadic: (!f[5].is_empty()).then(|| ty(f[5])),
                        defaults: f[6].parse().unwrap_or(0),
                        ret: ty(f[7]),
                        args,
                        arg_names: f
                            .get(9)
                            .filter(|n| !n.is_empty())
                            .map(|n| n.split(',').map(str::to_string).collect())
                            .unwrap_or_default(),
                    });
                }
                // Operator names may contain the separator (`||`, `|/`, `@|`): the last
                // three fields are the operand and result types, the rest is the name.
                "O" if f.len() >= 5 => {
                    let [left, right, result] = &f[f.len() - 3..] else {
                        unreachable!("three fields")
                    };
                    b.operators
                        .entry(f[1..f.len() - 3].join("|"))
                        .or_default()
                        .push(Operator {
                            left: (!left.is_empty()).then(|| ty(left)),
                            right: ty(right),
                            result: ty(result),
                        })
                }
                "C" => {
                    b.casts
                        .insert((ty(f[1]), ty(f[2])), f[3].chars().next().unwrap_or('e'));
                }
                _ => {}
            }
        }
        b
    })
}

/// Whether a built-in (or extension) type has this typname.
pub fn type_exists(name: &str) -> bool {
    builtins().types.contains_key(name)
        || name
            .strip_prefix('_')
            .is_some_and(|e| builtins().types.contains_key(e))
}

/// Whether the typname is a pseudo-type (`void`, `record`, `any…`).
pub fn is_pseudo(name: &str) -> bool {
    builtins().types.get(name).is_some_and(|t| t.typtype == 'p')
}

/// Whether a declared type is polymorphic.
pub fn is_polymorphic(t: &Ty) -> bool {
    !t.array
        && matches!(
            t.name.as_str(),
            "anyelement"
                | "anyarray"
                | "anynonarray"
                | "anyenum"
                | "anyrange"
                | "anymultirange"
                | "anycompatible"
                | "anycompatiblearray"
                | "anycompatiblenonarray"
                | "anycompatiblerange"
                | "anycompatiblemultirange"
        )
}
