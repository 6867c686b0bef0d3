//! Generates the embedded migration set (`migrations.rs` in `OUT_DIR`).

use proc_macro2::TokenStream;
use quote::quote;

use crate::migrations::{Migration, Script};

/// Rust source defining `pub static MIGRATIONS: &[::pgbake::EmbeddedMigration]`, in version order.
pub fn emit_migrations(migrations: &[Migration]) -> String {
    let entries = migrations.iter().map(|migration| {
        let version = migration.version;
        let name = &migration.name;
        let up = script(&migration.up);
        let down = match &migration.down {
            Some(down) => {
                let down = script(down);
                quote!(::core::option::Option::Some(#down))
            }
            None => quote!(::core::option::Option::None),
        };
        quote! {
            ::pgbake::EmbeddedMigration { version: #version, name: #name, up: #up, down: #down }
        }
    });
    let file: syn::File = syn::parse_quote! {
        /// The migrations of `sql/migrations/`, checked at build time, in version order.
        pub static MIGRATIONS: &[::pgbake::EmbeddedMigration] = &[#(#entries),*];
    };
    format!(
        "{}{}",
        crate::emit::GENERATED_HEADER,
        prettyplease::unparse(&file)
    )
}

fn script(script: &Script) -> TokenStream {
    let sql: &str = &script.text;
    let no_transaction = script.no_transaction;
    // Statements are only needed when they must run one by one, outside a transaction.
    let statements: &[String] = if script.no_transaction {
        &script.statements
    } else {
        &[]
    };
    quote! {
        ::pgbake::EmbeddedScript {
            sql: #sql,
            no_transaction: #no_transaction,
            statements: &[#(#statements),*],
        }
    }
}
