//! The statement kinds a query file can hold: queries, DML, CALL, and utility statements
//! that return nothing.

use sqlparser::ast::{Function, Spanned, Statement};

use super::InferError;
use super::context::Inference;
use super::functions::plain_args;
use super::scope::Col;
use crate::catalog::object_name;

impl Inference<'_> {
    /// Output columns and whether the statement returns rows.
    pub fn statement(&mut self, statement: &Statement) -> Result<(Vec<Col>, bool), InferError> {
        match statement {
            Statement::Query(q) => Ok((self.query(q)?, true)),
            Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_) => {
                self.dml(statement)
            }
            Statement::Call(function) => {
                self.call(function)?;
                Ok((Vec::new(), false))
            }
            // Utility statements (NOTIFY, TRUNCATE, CREATE TABLE, …): no columns.
            _ => Ok((Vec::new(), false)),
        }
    }

    /// `CALL procedure(…)`: the arguments take the procedure's declared types.
    fn call(&mut self, function: &Function) -> Result<(), InferError> {
        let (_, name) = object_name(&function.name);
        let procedure = self
            .catalog
            .functions
            .iter()
            .find(|f| f.name == name && f.procedure)
            .cloned();
        let Some(procedure) = procedure else {
            return Err(InferError::new(
                format!("procedure `{name}` does not exist"),
                function.name.span(),
            ));
        };
        for (arg, declared) in plain_args(function).iter().zip(&procedure.args) {
            let v = self.expr(arg)?;
            self.settle(&v, declared);
        }
        Ok(())
    }
}
