//! PostgreSQL's rules for choosing a function or operator among candidates, implicit
//! coercion, polymorphic types, and the common type of UNION/CASE/COALESCE branches
//! (PostgreSQL docs, "Type Conversion", chapter 10).

use crate::catalog::{Catalog, Ty, UserTypeDef};
use crate::pg::builtins::{builtins, is_polymorphic};

/// A candidate signature with its declared argument types expanded to the call's arity.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Declared argument types (after expanding VARIADIC and dropping unused defaults).
    pub args: Vec<Ty>,
    /// Declared result type (may be polymorphic).
    pub ret: Ty,
    /// Index into the caller's list of signatures.
    pub index: usize,
}

/// The chosen candidate with its arguments and result made concrete.
#[derive(Debug, Clone)]
pub struct Chosen {
    /// Index of the chosen signature.
    pub index: usize,
    /// Concrete argument types the inputs are coerced to.
    pub args: Vec<Ty>,
    /// Concrete result type.
    pub ret: Ty,
}

/// Category of a type (`pg_type.typcategory`); arrays are `A`, enums `E`, composites `C`.
pub fn category(catalog: &Catalog, t: &Ty) -> char {
    if t.array {
        return 'A';
    }
    if let Some(user) = catalog.user_type(None, &t.name) {
        return match &user.def {
            UserTypeDef::Enum(_) => 'E',
            UserTypeDef::Composite(_) => 'C',
            UserTypeDef::Domain { base, .. } => category(catalog, base),
        };
    }
    builtins().types.get(&t.name).map_or('C', |i| i.category)
}

fn preferred(catalog: &Catalog, t: &Ty) -> bool {
    !t.array
        && catalog.user_type(None, &t.name).is_none()
        && builtins().types.get(&t.name).is_some_and(|i| i.preferred)
}

/// Whether `from` can be implicitly coerced to `to` (not considering polymorphism).
pub fn can_coerce_implicitly(catalog: &Catalog, from: &Ty, to: &Ty) -> bool {
    let from = catalog.base_type(from);
    if from == *to || to.name == "any" && !to.array {
        return true;
    }
    if is_polymorphic(to) {
        return polymorphic_accepts(catalog, &from, to);
    }
    if !to.array && to.name == "record" && category(catalog, &from) == 'C' {
        return true;
    }
    if from.array && to.array {
        return from.name == to.name;
    }
    matches!(builtins().casts.get(&(from, to.clone())), Some('i'))
}

fn polymorphic_accepts(catalog: &Catalog, from: &Ty, to: &Ty) -> bool {
    match to.name.as_str() {
        "anyarray" | "anycompatiblearray" => from.array,
        "anynonarray" | "anycompatiblenonarray" => !from.array,
        "anyenum" => category(catalog, from) == 'E',
        "anyrange" | "anycompatiblerange" => category(catalog, from) == 'R',
        "anymultirange" | "anycompatiblemultirange" => builtins()
            .types
            .get(&from.name)
            .is_some_and(|i| i.typtype == 'm'),
        _ => true,
    }
}

/// Chooses among `candidates` for inputs `inputs` (`None` = unknown: a literal or an
/// untyped parameter), following PostgreSQL's func_get_detail + func_select_candidate
/// (parse_func.c): exact match, implicit coercibility, most exact matches, most
/// preferred types within the input's category, categories for unknown inputs (string
/// wins), and finally "unknowns take the type of the known inputs".
pub fn select(
    catalog: &Catalog,
    candidates: &[Candidate],
    inputs: &[Option<Ty>],
) -> Result<Chosen, String> {
    // An exact match on the declared types wins outright.
    if let Some(exact) = candidates.iter().find(|c| {
        c.args.len() == inputs.len()
            && c.args
                .iter()
                .zip(inputs)
                .all(|(d, i)| i.as_ref() == Some(d))
    }) {
        return bind_polymorphic(catalog, exact, inputs);
    }
    let inputs: Vec<Option<Ty>> = inputs
        .iter()
        .map(|i| i.as_ref().map(|t| catalog.base_type(t)))
        .collect();
    let coercible = |c: &Candidate, inputs: &[Option<Ty>]| {
        c.args.iter().zip(inputs).all(|(d, i)| {
            i.as_ref()
                .is_none_or(|i| can_coerce_implicitly(catalog, i, d))
        }) && bind_polymorphic(catalog, c, inputs).is_ok()
    };
    let viable: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| c.args.len() == inputs.len())
        .filter(|c| coercible(c, &inputs))
        .collect();
    match viable.len() {
        0 => return Err("no candidate accepts these argument types".into()),
        1 => return bind_polymorphic(catalog, viable[0], &inputs),
        _ => {}
    }
    // Keep the candidates with the most exact matches (all when none match).
    let exact_count = |c: &Candidate| {
        c.args
            .iter()
            .zip(&inputs)
            .filter(|(d, i)| i.as_ref() == Some(*d))
            .count()
    };
    let keep = keep_best(viable, &exact_count);
    if keep.len() == 1 {
        return bind_polymorphic(catalog, keep[0], &inputs);
    }
    // Then the most exact-or-preferred matches, a preferred type counting only within
    // the input's own category.
    let preferred_count = |c: &Candidate| {
        c.args
            .iter()
            .zip(&inputs)
            .filter(|(d, i)| {
                i.as_ref().is_some_and(|i| {
                    i == *d
                        || (preferred(catalog, d) && category(catalog, i) == category(catalog, d))
                })
            })
            .count()
    };
    let mut keep = keep_best(keep, &preferred_count);
    if keep.len() == 1 {
        return bind_polymorphic(catalog, keep[0], &inputs);
    }
    if inputs.iter().all(Option::is_some) {
        return Err(AMBIGUOUS.into());
    }
    // Unknown inputs: per position, the category the candidates agree on, the string
    // category winning a conflict; then keep the candidates of that category (and of a
    // preferred type, when one of them is preferred).
    let mut slots: Vec<Option<(char, bool)>> = vec![None; inputs.len()];
    let mut resolved = true;
    for (position, input) in inputs.iter().enumerate() {
        if input.is_some() {
            continue;
        }
        let mut slot: Option<(char, bool)> = None;
        let mut conflict = false;
        for c in &keep {
            let d = &c.args[position];
            let (cat, pref) = (category(catalog, d), preferred(catalog, d));
            match &mut slot {
                None => slot = Some((cat, pref)),
                Some((s, p)) if *s == cat => *p |= pref,
                Some(s) if cat == 'S' => *s = (cat, pref),
                Some(_) => conflict = true,
            }
        }
        if conflict && slot.is_none_or(|(s, _)| s != 'S') {
            resolved = false;
            break;
        }
        slots[position] = slot;
    }
    if resolved {
        let stripped: Vec<&Candidate> = keep
            .iter()
            .copied()
            .filter(|c| {
                slots.iter().enumerate().all(|(position, slot)| {
                    let Some((cat, pref)) = slot else { return true };
                    let d = &c.args[position];
                    category(catalog, d) == *cat && (!pref || preferred(catalog, d))
                })
            })
            .collect();
        if stripped.len() == 1 {
            return bind_polymorphic(catalog, stripped[0], &inputs);
        }
        if !stripped.is_empty() {
            keep = stripped;
        }
    }
    // Last gasp: when all known inputs share one type, assume the unknowns have it too.
    let known: Vec<&Ty> = inputs.iter().flatten().collect();
    if let Some(first) = known.first()
        && known.iter().all(|k| k == first)
    {
        let filled: Vec<Option<Ty>> = inputs.iter().map(|_| Some((*first).clone())).collect();
        let fits: Vec<&Candidate> = keep
            .iter()
            .copied()
            .filter(|c| coercible(c, &filled))
            .collect();
        if fits.len() == 1 {
            return bind_polymorphic(catalog, fits[0], &inputs);
        }
    }
    Err(AMBIGUOUS.into())
}

/// The candidates with the highest score (all of them when every score is 0).
fn keep_best<'a>(
    list: Vec<&'a Candidate>,
    score: &dyn Fn(&Candidate) -> usize,
) -> Vec<&'a Candidate> {
    let best = list.iter().map(|c| score(c)).max().unwrap_or(0);
    list.into_iter().filter(|c| score(c) == best).collect()
}

const AMBIGUOUS: &str =
    "the call is ambiguous: several functions or operators accept these argument types";

/// Makes polymorphic argument and result types concrete.
pub fn bind_polymorphic(
    catalog: &Catalog,
    c: &Candidate,
    inputs: &[Option<Ty>],
) -> Result<Chosen, String> {
    let mut element: Option<Ty> = None;
    let mut compatible: Vec<Ty> = Vec::new();
    let mut has_compatible = false;
    for (declared, input) in c.args.iter().zip(inputs) {
        if !is_polymorphic(declared) {
            continue;
        }
        let compat = declared.name.starts_with("anycompatible");
        has_compatible |= compat;
        let Some(input) = input else { continue };
        let elem = match declared.name.as_str() {
            "anyarray" | "anycompatiblearray" => input.element(),
            "anyrange" | "anymultirange" | "anycompatiblerange" | "anycompatiblemultirange" => {
                range_subtype(&input.name)
                    .map(Ty::new)
                    .unwrap_or_else(|| input.clone())
            }
            _ => input.clone(),
        };
        if compat {
            compatible.push(elem);
        } else if let Some(previous) = &element {
            if *previous != elem {
                return Err(format!(
                    "arguments declared `{}` must all have one type",
                    declared.name
                ));
            }
        } else {
            element = Some(elem);
        }
    }
    let compatible_type = if has_compatible {
        let vals: Vec<Option<Ty>> = compatible.iter().cloned().map(Some).collect();
        if vals.is_empty() {
            Some(Ty::new("text"))
        } else {
            Some(common_type(catalog, &vals)?.unwrap_or(Ty::new("text")))
        }
    } else {
        None
    };
    let concrete = |t: &Ty| -> Result<Ty, String> {
        if !is_polymorphic(t) {
            return Ok(t.clone());
        }
        let compat = t.name.starts_with("anycompatible");
        let base = if compat {
            compatible_type.clone()
        } else {
            element.clone()
        };
        let base = base.ok_or_else(|| {
            "could not determine polymorphic type because input has type unknown".to_string()
        })?;
        Ok(match t.name.as_str() {
            "anyarray" | "anycompatiblearray" => base.to_array(),
            "anyrange" | "anycompatiblerange" => {
                Ty::new(range_of(&base.name).unwrap_or(&base.name))
            }
            "anymultirange" | "anycompatiblemultirange" => {
                Ty::new(multirange_of(&base.name).unwrap_or(&base.name))
            }
            _ => base,
        })
    };
    let mut args = Vec::new();
    for (declared, input) in c.args.iter().zip(inputs) {
        if is_polymorphic(declared)
            && input.is_none()
            && element.is_none()
            && !declared.name.starts_with("anycompatible")
        {
            // An unknown literal in a polymorphic position alone: PostgreSQL uses text.
            args.push(if declared.name.contains("array") {
                Ty::new("text").to_array()
            } else {
                Ty::new("text")
            });
            continue;
        }
        args.push(concrete(declared)?);
    }
    let ret = match concrete(&c.ret) {
        Ok(t) => t,
        Err(_)
            if c.args.iter().all(|a| {
                !is_polymorphic(a) || a.name.starts_with("anycompatible") || element.is_none()
            }) =>
        {
            // Every polymorphic input was unknown: PostgreSQL resolves unknown to text.
            let t = Ty::new("text");
            if c.ret.name.contains("array") {
                t.to_array()
            } else {
                t
            }
        }
        Err(e) => return Err(e),
    };
    Ok(Chosen {
        index: c.index,
        args,
        ret,
    })
}

fn range_subtype(range: &str) -> Option<&'static str> {
    Some(match range {
        "int4range" | "int4multirange" => "int4",
        "int8range" | "int8multirange" => "int8",
        "numrange" | "nummultirange" => "numeric",
        "tsrange" | "tsmultirange" => "timestamp",
        "tstzrange" | "tstzmultirange" => "timestamptz",
        "daterange" | "datemultirange" => "date",
        _ => return None,
    })
}

fn range_of(subtype: &str) -> Option<&'static str> {
    Some(match subtype {
        "int4" => "int4range",
        "int8" => "int8range",
        "numeric" => "numrange",
        "timestamp" => "tsrange",
        "timestamptz" => "tstzrange",
        "date" => "daterange",
        _ => return None,
    })
}

fn multirange_of(subtype: &str) -> Option<&'static str> {
    Some(match subtype {
        "int4" => "int4multirange",
        "int8" => "int8multirange",
        "numeric" => "nummultirange",
        "timestamp" => "tsmultirange",
        "timestamptz" => "tstzmultirange",
        "date" => "datemultirange",
        _ => return None,
    })
}

/// The common type of UNION/CASE/COALESCE/ARRAY inputs (select_common_type); `None`
/// inputs are unknown. `Ok(None)` when every input is unknown.
pub fn common_type(catalog: &Catalog, inputs: &[Option<Ty>]) -> Result<Option<Ty>, String> {
    let known: Vec<&Ty> = inputs.iter().flatten().collect();
    let Some(first) = known.first() else {
        return Ok(None);
    };
    if known.iter().all(|k| k == first) {
        return Ok(Some((*first).clone()));
    }
    let known: Vec<Ty> = known.iter().map(|k| catalog.base_type(k)).collect();
    let mut chosen = known[0].clone();
    let chosen_category = category(catalog, &chosen);
    for next in &known[1..] {
        if *next == chosen {
            continue;
        }
        if category(catalog, next) != chosen_category {
            return Err(format!("types {chosen} and {next} cannot be matched"));
        }
        if !preferred(catalog, &chosen)
            && can_coerce_implicitly(catalog, &chosen, next)
            && !can_coerce_implicitly(catalog, next, &chosen)
        {
            chosen = next.clone();
        }
    }
    for k in &known {
        if !can_coerce_implicitly(catalog, k, &chosen) {
            return Err(format!("{k} cannot be converted to {chosen}"));
        }
    }
    Ok(Some(chosen))
}
