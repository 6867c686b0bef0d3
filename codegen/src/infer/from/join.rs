//! Joins: which side an outer join null-extends, the columns USING and NATURAL merge, and
//! the ON condition over both sides.

use sqlparser::ast::{Join, JoinConstraint, JoinOperator, Spanned};

use crate::catalog::object_name;
use crate::infer::InferError;
use crate::infer::context::Inference;
use crate::infer::nullability::{always_one_row_factor, on_true};
use crate::infer::resolve::common_type;
use crate::infer::scope::{Col, Entry, Scope};

/// How a join treats its sides.
struct JoinKind<'j> {
    constraint: Option<&'j JoinConstraint>,
    /// The left side is null-extended (RIGHT and FULL joins).
    left_nullable: bool,
    /// The right side is null-extended (LEFT and FULL joins).
    right_nullable: bool,
}

impl<'j> JoinKind<'j> {
    fn of(operator: &'j JoinOperator) -> JoinKind<'j> {
        let (constraint, left_nullable, right_nullable) = match operator {
            JoinOperator::Join(c) | JoinOperator::Inner(c) => (Some(c), false, false),
            JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (Some(c), false, true),
            JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (Some(c), true, false),
            JoinOperator::FullOuter(c) => (Some(c), true, true),
            JoinOperator::CrossJoin(c) => (Some(c), false, false),
            _ => (None, false, false),
        };
        JoinKind {
            constraint,
            left_nullable,
            right_nullable,
        }
    }

    /// Whether a column USING/NATURAL merges can be NULL: a LEFT join's is the left
    /// column, a RIGHT join's the right one, an inner or FULL join's `COALESCE(left, right)`.
    fn merged_nullable(&self, left: &Col, right: &Col) -> bool {
        match (self.left_nullable, self.right_nullable) {
            (false, true) => left.nullable,
            (true, false) => right.nullable,
            _ => left.nullable && right.nullable,
        }
    }
}

impl Inference<'_> {
    /// `left` joined with `join`'s item; `outer` is what LATERAL items see.
    pub(super) fn join(
        &mut self,
        mut left: Scope,
        join: &Join,
        outer: &Scope,
    ) -> Result<Scope, InferError> {
        // LATERAL items see the left side.
        let mut visible = outer.clone();
        visible.append(left.clone());
        let mut right = self.table_factor(&join.relation, &visible)?;
        let mut kind = JoinKind::of(&join.join_operator);
        // `LEFT JOIN LATERAL (SELECT count(*) …) ON true`: a right side that always has
        // exactly one row, joined on a condition that is always true, is never null-extended.
        kind.right_nullable &= !(on_true(kind.constraint) && always_one_row_factor(&join.relation));
        let using = using_names(kind.constraint, &left, &right);
        let merged = self.merge_using(&using, &left, &right, &kind, join)?;
        if kind.left_nullable {
            left.make_nullable();
        }
        if kind.right_nullable {
            right.make_nullable();
        }
        hide(&mut left, &using);
        hide(&mut right, &using);
        let mut scope = Scope::default();
        if !merged.is_empty() {
            scope = Scope::of_entry(Entry::new(None, None, merged));
        }
        scope.append(left);
        scope.append(right);
        if let Some(JoinConstraint::On(on)) = kind.constraint {
            let mut full = outer.clone();
            full.append(scope.clone());
            self.in_scope(full, |cx| cx.condition(on))?;
        }
        Ok(scope)
    }

    /// The columns USING/NATURAL merges: the common type of both sides'.
    fn merge_using(
        &mut self,
        using: &[String],
        left: &Scope,
        right: &Scope,
        kind: &JoinKind<'_>,
        join: &Join,
    ) -> Result<Vec<Col>, InferError> {
        let mut merged = Vec::new();
        for name in using {
            let l = left.star_columns().find(|c| c.name == *name);
            let r = right.star_columns().find(|c| c.name == *name);
            let (Some(l), Some(r)) = (l, r) else {
                return Err(InferError::new(
                    format!(
                        "column `{name}` specified in USING clause does not exist in both tables"
                    ),
                    join.relation.span(),
                ));
            };
            let ty = common_type(self.catalog, &[Some(l.ty.clone()), Some(r.ty.clone())])
                .map_err(|m| InferError::new(m, join.relation.span()))?
                .unwrap_or(l.ty.clone());
            merged.push(Col {
                name: name.clone(),
                ty,
                nullable: kind.merged_nullable(l, r),
                element_nulls: l.element_nulls || r.element_nulls,
            });
        }
        Ok(merged)
    }
}

/// The names USING lists, or for NATURAL the names both sides' `*` share.
fn using_names(constraint: Option<&JoinConstraint>, left: &Scope, right: &Scope) -> Vec<String> {
    match constraint {
        Some(JoinConstraint::Using(names)) => names.iter().map(|n| object_name(n).1).collect(),
        Some(JoinConstraint::Natural) => left
            .star_columns()
            .filter(|c| right.star_columns().any(|r| r.name == c.name))
            .map(|c| c.name.clone())
            .collect(),
        _ => Vec::new(),
    }
}

/// Hides a side's columns that USING/NATURAL merged: not found unqualified, not in `*`.
fn hide(side: &mut Scope, using: &[String]) {
    for e in &mut side.entries {
        for (i, c) in e.cols.iter().enumerate() {
            if using.contains(&c.name) {
                e.hidden[i] = true;
            }
        }
    }
    let entries = &side.entries;
    side.star
        .retain(|r| !using.contains(&entries[r.entry].cols[r.column].name));
}
