//! The state of one statement's inference: the catalog, the parameters' types so far,
//! the scopes and CTEs in view, and the per-SELECT context pushed and popped as a unit.

use sqlparser::ast::Expr;
use sqlparser::tokenizer::Span;

use super::scope::{Col, Scope};
use crate::catalog::{Catalog, Ty};

/// Inference state for one statement.
pub(crate) struct Inference<'a> {
    pub catalog: &'a Catalog,
    /// Each parameter's type once its context decided it.
    pub params: Vec<Option<Ty>>,
    /// Whether the statement gives a parameter's NULL a meaning (a nullable target
    /// column, `IS NULL`, a non-strict function, …).
    pub param_null_meaning: Vec<bool>,
    /// Whether a parameter's NULL always reaches a NOT NULL column (so it always fails).
    pub param_null_fails: Vec<bool>,
    /// Where each parameter is first used.
    pub param_spans: Vec<Option<Span>>,
    /// The FROM scopes in view, innermost last.
    pub scopes: Vec<Scope>,
    /// The CTEs in view, innermost last.
    pub ctes: Vec<(String, Vec<Col>)>,
    /// The scope of the SELECT just inferred, for its ORDER BY.
    pub last_scope: Option<Scope>,
    /// The first parameter given two different types: (index, first, second).
    pub param_conflict: Option<(usize, Ty, Ty)>,
    /// The innermost SELECT's grouping and set-returning state.
    pub select: SelectContext,
}

/// What the select list and HAVING of the SELECT being inferred need to know about its
/// grouping, and what its expressions report back (set-returning calls).
#[derive(Debug, Clone, Default)]
pub(crate) struct SelectContext {
    /// The query has GROUPING SETS, ROLLUP or CUBE: a column outside an aggregate's
    /// arguments can be NULL (in the sets without it).
    pub grouping_sets: bool,
    /// The query has a plain GROUP BY (no grouping sets): every group has at least one
    /// row, so `min(x)` of a non-null `x` is non-null.
    pub grouped: bool,
    /// How many aggregate calls' arguments are being inferred.
    pub aggregate_depth: usize,
    /// The expressions inside GROUPING SETS / ROLLUP / CUBE other than plain column
    /// references: a select-list item that is or contains one is NULL in the sets
    /// without it.
    pub grouping_exprs: Vec<Expr>,
    /// Set-returning function calls seen outside FROM (select-list SRFs of unequal
    /// lengths pad the shorter ones with NULLs).
    pub srf_calls: usize,
}

impl<'a> Inference<'a> {
    pub fn new(catalog: &'a Catalog, param_count: usize) -> Self {
        Inference {
            catalog,
            params: vec![None; param_count],
            param_null_meaning: vec![false; param_count],
            param_null_fails: vec![false; param_count],
            param_spans: vec![None; param_count],
            scopes: Vec::new(),
            ctes: Vec::new(),
            last_scope: None,
            param_conflict: None,
            select: SelectContext::default(),
        }
    }

    /// Whether parameter `index` is an `Option`: the statement gives its NULL a meaning
    /// and NULL does not always make the statement fail.
    pub fn param_nullable(&self, index: usize) -> bool {
        self.param_null_meaning[index] && !self.param_null_fails[index]
    }

    /// Where parameter `index` is first used (empty when unused).
    pub fn param_span(&self, index: usize) -> Span {
        self.param_spans
            .get(index)
            .copied()
            .flatten()
            .unwrap_or(Span::empty())
    }

    /// Runs `infer` with `scope` as the innermost scope.
    pub fn in_scope<R>(&mut self, scope: Scope, infer: impl FnOnce(&mut Self) -> R) -> R {
        self.scopes.push(scope);
        let result = infer(self);
        self.scopes.pop();
        result
    }

    /// Runs `infer` in the context of another SELECT; the outer context is restored after.
    pub fn in_select_context<R>(
        &mut self,
        context: SelectContext,
        infer: impl FnOnce(&mut Self) -> R,
    ) -> R {
        let outer = std::mem::replace(&mut self.select, context);
        let result = infer(self);
        self.select = outer;
        result
    }
}
