//! Choosing the signature a call means among a function's overloads: positional and
//! named notation, VARIADIC expansion and defaults (PostgreSQL docs 10.3), then settling
//! the arguments' parameters to the chosen types.

use sqlparser::tokenizer::Span;

use crate::catalog::Ty;
use crate::infer::InferError;
use crate::infer::context::Inference;
use crate::infer::resolve::{Candidate, select};
use crate::infer::value::{T, Val};
use crate::pg::builtins::Proc;

impl Inference<'_> {
    /// Resolves a call of `name` among `procs` and settles its arguments' parameters;
    /// the result is NULL-able until the caller decides otherwise.
    pub(super) fn resolve_call(
        &mut self,
        name: &str,
        procs: &[Proc],
        args: &[Val],
        names: &[Option<String>],
        span: Span,
    ) -> Result<(Val, Proc), InferError> {
        let candidates = candidates(procs, args.len(), names);
        let inputs: Vec<Option<Ty>> = args.iter().map(|a| self.known(a)).collect();
        let chosen = select(self.catalog, &candidates, &inputs).map_err(|why| {
            let shown: Vec<String> = inputs
                .iter()
                .map(|t| t.as_ref().map_or("unknown".into(), Ty::to_string))
                .collect();
            InferError::new(
                format!(
                    "function {name}({}) does not exist or is ambiguous: {why}",
                    shown.join(", ")
                ),
                span,
            )
            .help("add explicit casts to the arguments, e.g. `:name::text`")
        })?;
        for (a, t) in args.iter().zip(&chosen.args) {
            if t.name != "any" {
                self.settle(a, t);
            } else if let T::Param(_) = a.t {
                self.settle(a, &Ty::new("text"));
            }
        }
        let proc = procs[chosen.index].clone();
        let flow = self.call_null_flow(&proc, args);
        let element_nulls = super::strictness::call_element_nulls(name, &proc, args);
        let v = Val::known(chosen.ret, true, Some(name.to_string()))
            .flowing(flow)
            .with_element_nulls(element_nulls);
        Ok((v, proc))
    }
}

/// The signatures of `procs` a call with `n` arguments (named as `names` says) can mean,
/// with their argument types in the call's order.
fn candidates(procs: &[Proc], n: usize, names: &[Option<String>]) -> Vec<Candidate> {
    let named = names.iter().any(Option::is_some);
    procs
        .iter()
        .enumerate()
        .filter_map(|(index, p)| {
            let args = if named {
                named_notation(p, n, names)
            } else {
                positional_notation(p, n)
            }?;
            Some(Candidate {
                args,
                ret: p.ret.clone(),
                index,
            })
        })
        .collect()
}

/// Named notation: positional arguments first, then each name's position; every
/// position left out must have a default (no VARIADIC expansion).
fn named_notation(p: &Proc, n: usize, names: &[Option<String>]) -> Option<Vec<Ty>> {
    let declared = p.args.len();
    if n > declared {
        return None;
    }
    let mut slots: Vec<Option<usize>> = vec![None; declared];
    for (input, arg_name) in names.iter().enumerate() {
        let position = match arg_name {
            None => Some(input),
            Some(arg_name) => p.arg_names.iter().position(|a| a == arg_name),
        };
        match position {
            Some(at) if at < declared && slots[at].is_none() => slots[at] = Some(input),
            _ => return None,
        }
    }
    let complete = slots
        .iter()
        .enumerate()
        .all(|(at, s)| s.is_some() || at >= declared - p.defaults);
    if !complete {
        return None;
    }
    let mut ordered = vec![Ty::new("unknown"); n];
    for (at, slot) in slots.iter().enumerate() {
        if let Some(input) = slot {
            ordered[*input] = p.args[at].clone();
        }
    }
    Some(ordered)
}

/// Positional notation: PostgreSQL expands VARIADIC whenever the call has at least as
/// many arguments as declared (the array form needs the VARIADIC keyword); trailing
/// arguments with defaults may be left out.
fn positional_notation(p: &Proc, n: usize) -> Option<Vec<Ty>> {
    let declared = p.args.len();
    match &p.variadic {
        Some(element) if n >= declared => {
            let mut expanded = p.args[..declared - 1].to_vec();
            while expanded.len() < n {
                expanded.push(element.clone());
            }
            Some(expanded)
        }
        _ if n == declared || (n < declared && n >= declared - p.defaults) => {
            Some(p.args[..n].to_vec())
        }
        _ => None,
    }
}
