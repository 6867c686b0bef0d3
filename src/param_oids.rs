//! Parameter types the client library cannot name by itself: enums, domains, composite and
//! extension types have a different OID in every database, so the types a statement is
//! prepared with are looked up on the server by name, once per connection where the
//! connection has a statement cache, and sent with their real OIDs. Without them a parameter
//! whose first use gives no type context (`:status IS NULL OR status = :status`) is rejected
//! with "could not determine data type of parameter $1".

use postgres_types::Type;
use tokio_postgres::Statement;

use crate::client::{ParamKind, ParamType, Sql};

/// A connection that can look up types by name.
pub(crate) trait TypeLookup: Sync {
    /// Prepares `text` (a `SELECT NULL::type, …` whose columns are the types looked up),
    /// from the connection's statement cache when it has one.
    fn lookup(
        &self,
        text: &str,
    ) -> impl Future<Output = Result<Statement, tokio_postgres::Error>> + Send;

    /// Drops a cached lookup (its types were dropped or recreated since); false when the
    /// connection caches nothing, so there is nothing to retry with.
    fn forget(&self, text: &str) -> bool;
}

/// The types to send for one statement: built-ins straight from the client library (no
/// round trip), the others as the server names them, in one lookup for the whole statement.
pub(crate) struct Plan {
    known: Vec<Type>,
    lookup: Option<String>,
}

impl Plan {
    pub(crate) fn new(sql: &Sql) -> Plan {
        let known: Vec<Type> = sql.param_types.iter().map(ParamType::to_type).collect();
        let lookup = lookup_text(sql, &known);
        Plan { known, lookup }
    }

    /// The types, each one of OID 0 replaced by the server's answer to the lookup (with
    /// built-ins only, the types themselves, taken without a copy: no retry needs them).
    pub(crate) async fn types(
        &mut self,
        client: &impl TypeLookup,
    ) -> Result<Vec<Type>, tokio_postgres::Error> {
        let Some(text) = &self.lookup else {
            return Ok(std::mem::take(&mut self.known));
        };
        let mut types = self.known.clone();
        let statement = client.lookup(text).await?;
        let mut found = statement.columns().iter().map(|c| c.type_().clone());
        for ty in types.iter_mut().filter(|ty| ty.oid() == 0) {
            if let Some(found) = found.next() {
                *ty = found;
            }
        }
        Ok(types)
    }

    /// Whether to run a statement once more after `error`: when the server says a type it
    /// was given no longer exists (a migration dropped and recreated it since it was looked
    /// up) and the cached lookup was dropped, so [`Plan::types`] asks the server again.
    pub(crate) fn retry(&self, client: &impl TypeLookup, error: &tokio_postgres::Error) -> bool {
        match &self.lookup {
            Some(text) => is_stale_type(error) && client.forget(text),
            None => false,
        }
    }
}

/// Runs `$body` (a `Result<_, tokio_postgres::Error>` that uses `$types`) with the types to
/// send for `$sql`, once more if [`Plan::retry`] says so.
macro_rules! with_types {
    ($client:expr, $sql:expr, |$types:ident| $body:expr) => {{
        let mut plan = $crate::param_oids::Plan::new($sql);
        let $types = plan.types($client).await?;
        match $body {
            Err(error) if plan.retry($client, &error) => {
                let $types = plan.types($client).await?;
                $body?
            }
            other => other?,
        }
    }};
}
pub(crate) use with_types;

/// Whether the server rejected a statement over a type OID that names no type.
fn is_stale_type(error: &tokio_postgres::Error) -> bool {
    let Some(db) = error.as_db_error() else {
        return false;
    };
    let message = db.message();
    (message.contains("type with OID") && message.contains("does not exist"))
        || message.contains("cache lookup failed for type")
}

/// `SELECT NULL::"schema"."name", …` for the types the client library has no OID for, or
/// `None` when every type is a built-in.
fn lookup_text(sql: &Sql, types: &[Type]) -> Option<String> {
    let names: Vec<String> = sql
        .param_types
        .iter()
        .zip(types)
        .filter(|(_, ty)| ty.oid() == 0)
        .map(|(param, _)| format!("NULL::{}", qualified(param)))
        .collect();
    (!names.is_empty()).then(|| format!("SELECT {}", names.join(", ")))
}

/// The type's name as SQL writes it: schema-qualified for a type a migration created, by
/// the search path for an extension's base type (which lives where the extension was
/// created), with `[]` for an array.
fn qualified(param: &ParamType) -> String {
    let name = quote(param.name);
    let mut written = match param.kind {
        ParamKind::Base if param.schema == "pg_catalog" => name,
        _ => format!("{}.{name}", quote(param.schema)),
    };
    if param.array {
        written.push_str("[]");
    }
    written
}

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}
