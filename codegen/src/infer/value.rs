//! The value of an inferred expression (a known type, an untyped literal or an undecided
//! parameter, its nullability and output name) and how context decides parameter types.

use sqlparser::tokenizer::Span;

use super::InferError;
use super::context::Inference;
use super::resolve::common_type;
use crate::catalog::{Ty, UserType, UserTypeDef};

/// The type of an expression before its context settles it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum T {
    /// A known type.
    Known(Ty),
    /// An untyped literal (`'abc'`, `NULL`).
    Unknown,
    /// A parameter whose type is not decided yet.
    Param(usize),
}

/// An inferred expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Val {
    pub t: T,
    pub nullable: bool,
    /// The output column name PostgreSQL would give it (None: `?column?`).
    pub name: Option<String>,
    /// How strong the name is (FigureColname: 2 column/function, 1 keyword-ish, 0 none).
    pub strength: u8,
    /// Which parameters' NULL reaches this value.
    pub flow: NullFlow,
    /// An array whose elements can be NULL (`array_agg` of a nullable value, `ARRAY[…]`
    /// of a nullable item, …). An array read from a table column is not: its elements
    /// are checked when the row is decoded.
    pub element_nulls: bool,
}

/// The parameters whose NULL reaches a value. Strict functions and operators carry a NULL
/// argument to their result (`pg_proc.proisstrict`); a value that handles NULL (a
/// non-strict function, `IS NULL`, a nullable target column) gives those parameters a
/// meaning for NULL, and a NOT NULL target column makes their NULL an error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NullFlow {
    /// Parameters whose NULL can make the value NULL.
    pub may: Vec<usize>,
    /// Parameters whose NULL always makes the value NULL (through strict steps only).
    pub must: Vec<usize>,
}

impl NullFlow {
    /// The flow of a parameter itself.
    pub fn param(index: usize) -> NullFlow {
        NullFlow {
            may: vec![index],
            must: vec![index],
        }
    }

    /// Through a strict step: a NULL in any input is a NULL result.
    pub fn strict<'a>(inputs: impl IntoIterator<Item = &'a Val>) -> NullFlow {
        let mut out = NullFlow::default();
        for v in inputs {
            union(&mut out.may, &v.flow.may);
            union(&mut out.must, &v.flow.must);
        }
        out
    }

    /// Through a step that may or may not pass an input's NULL on (CASE branches,
    /// COALESCE, AND/OR): NULL can come out, but no input's NULL always does.
    pub fn branches<'a>(inputs: impl IntoIterator<Item = &'a Val>) -> NullFlow {
        let mut out = NullFlow::default();
        for v in inputs {
            union(&mut out.may, &v.flow.may);
        }
        out
    }
}

fn union(into: &mut Vec<usize>, from: &[usize]) {
    for i in from {
        if !into.contains(i) {
            into.push(*i);
        }
    }
}

impl Val {
    pub fn known(ty: Ty, nullable: bool, name: Option<String>) -> Val {
        Val {
            t: T::Known(ty),
            nullable,
            strength: if name.is_some() { 2 } else { 0 },
            name,
            flow: NullFlow::default(),
            element_nulls: false,
        }
    }

    /// A value of no type yet: an untyped literal.
    pub fn unknown(nullable: bool) -> Val {
        Val {
            t: T::Unknown,
            nullable,
            name: None,
            strength: 0,
            flow: NullFlow::default(),
            element_nulls: false,
        }
    }

    /// Parameter `$index+1`, whose type its context decides.
    pub fn param(index: usize) -> Val {
        Val {
            t: T::Param(index),
            nullable: true,
            name: None,
            strength: 0,
            flow: NullFlow::param(index),
            element_nulls: false,
        }
    }

    /// A boolean with no output name.
    pub fn bool(nullable: bool) -> Val {
        Val::known(Ty::new("bool"), nullable, None)
    }

    pub fn named(mut self, name: &str, strength: u8) -> Val {
        self.name = Some(name.to_string());
        self.strength = strength;
        self
    }

    /// The value with this NULL flow.
    pub fn flowing(mut self, flow: NullFlow) -> Val {
        self.flow = flow;
        self
    }

    /// The value with elements that can (or cannot) be NULL.
    pub fn with_element_nulls(mut self, element_nulls: bool) -> Val {
        self.element_nulls = element_nulls;
        self
    }

    pub fn unnamed(mut self) -> Val {
        self.name = None;
        self.strength = 0;
        self
    }
}

impl Inference<'_> {
    /// The known type of a value (a decided parameter counts as known).
    pub fn known(&self, v: &Val) -> Option<Ty> {
        match &v.t {
            T::Known(t) => Some(t.clone()),
            T::Param(i) => self.params[*i].clone(),
            T::Unknown => None,
        }
    }

    /// Gives an undecided parameter its type from context.
    /// A parameter already given another type is a conflict (PostgreSQL: "inconsistent
    /// types deduced for parameter").
    pub fn settle(&mut self, v: &Val, ty: &Ty) {
        if let T::Param(i) = v.t {
            match &self.params[i] {
                None => self.params[i] = Some(ty.clone()),
                Some(previous) if previous != ty && self.param_conflict.is_none() => {
                    self.param_conflict = Some((i, previous.clone(), ty.clone()));
                }
                Some(_) => {}
            }
        }
    }

    /// Settles a value used as a condition (WHERE, ON, HAVING, FILTER): boolean.
    pub fn condition(&mut self, e: &sqlparser::ast::Expr) -> Result<(), InferError> {
        let v = self.expr(e)?;
        self.settle(&v, &Ty::new("bool"));
        Ok(())
    }

    /// The final type of an output value: unknown literals are text; parameters must be known.
    pub fn finalize(&mut self, v: &Val, span: Span) -> Result<Ty, InferError> {
        match &v.t {
            T::Known(t) => Ok(t.clone()),
            T::Unknown => Ok(Ty::new("text")),
            T::Param(i) => match &self.params[*i] {
                Some(t) => Ok(t.clone()),
                None => Err(InferError::new(
                    format!("could not determine the data type of parameter ${}", i + 1),
                    self.param_spans[*i].unwrap_or(span),
                )
                .help("add a cast like `:name::text` or an override")),
            },
        }
    }

    /// Common type of values; unknown-only becomes text; parameters get the type.
    pub fn common(&mut self, vals: &[Val], span: Span) -> Result<Ty, InferError> {
        let inputs: Vec<Option<Ty>> = vals.iter().map(|v| self.known(v)).collect();
        let ty = common_type(self.catalog, &inputs)
            .map_err(|m| InferError::new(m, span))?
            .unwrap_or(Ty::new("text"));
        for v in vals {
            self.settle(v, &ty);
        }
        Ok(ty)
    }

    /// Assigns a value to a column: a parameter whose NULL reaches a column that accepts
    /// NULL may be NULL; one whose NULL always reaches a NOT NULL column (or a NOT NULL
    /// domain, which rejects NULL although it does not keep NULL out of reads) may not.
    pub fn assign(&mut self, v: &Val, ty: &Ty, nullable_target: bool) {
        let domain_rejects_null = !ty.array
            && matches!(
                self.catalog.user_type(None, &ty.name),
                Some(UserType {
                    def: UserTypeDef::Domain { not_null: true, .. },
                    ..
                })
            );
        if nullable_target && !domain_rejects_null {
            self.null_has_meaning(v);
        } else {
            for &i in &v.flow.must {
                self.param_null_fails[i] = true;
            }
        }
        self.settle(v, ty);
    }

    /// The statement gives NULL in `v` a meaning (it is tested, handled by a non-strict
    /// function, or stored): the parameters it flows from may be NULL.
    pub fn null_has_meaning(&mut self, v: &Val) {
        for &i in &v.flow.may {
            self.param_null_meaning[i] = true;
        }
    }
}
