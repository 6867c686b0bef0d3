//! One query's generated items: its rustdoc, params struct, row struct and async
//! function(s), one function per cardinality.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::queries::{EmitOptions, ident, lowered, param_type, path_type, serde_derive};
use crate::ir::{Cardinality, Query, TypeKind};
use crate::lower::PARAMS_STRUCT_THRESHOLD;
use crate::types::camel_case;

/// One query's items: its params struct, row struct and function(s).
pub(super) fn emit_query(q: &Query, options: &EmitOptions) -> TokenStream {
    let params = ParamsCode::new(q);
    let docs = doc_attributes(q);
    let params_struct = &params.params_struct;
    let body = match q.cardinality {
        Cardinality::Copy => copy_function(q, &params, &docs),
        Cardinality::Exec => {
            let fn_name = ident(&q.name);
            let signature_params = &params.signature;
            let (sql_static, sql_ident) = sql_static(q);
            let call = call(q, &params, quote! { exec }, &sql_ident);
            quote! {
                #sql_static
                #(#docs)*
                pub async fn #fn_name(db: &impl ::pgbake::GenericClient, #signature_params) -> Result<u64, ::pgbake::Error> {
                    #call
                }
            }
        }
        Cardinality::One | Cardinality::Opt | Cardinality::Many => {
            let row_struct = row_struct(q, options);
            let functions = row_functions(q, &params, &docs);
            quote! { #row_struct #functions }
        }
    };
    quote! { #params_struct #body }
}

/// The rustdoc of a query's function: its `---` lines, then where it comes from and its SQL.
fn doc_attributes(q: &Query) -> Vec<TokenStream> {
    let mut doc_lines: Vec<String> = q.docs.iter().map(|d| format!(" {d}")).collect();
    if !doc_lines.is_empty() {
        doc_lines.push(String::new());
    }
    doc_lines.push(format!(
        " `{}` from `{}` line {}:",
        q.cardinality.as_str(),
        q.file,
        q.line
    ));
    doc_lines.push(String::new());
    doc_lines.push(" ```sql".into());
    doc_lines.extend(q.sql.lines().map(|l| format!(" {l}")));
    doc_lines.push(" ```".into());
    doc_lines.iter().map(|d| quote! { #[doc = #d] }).collect()
}

/// How a query's parameters appear in its signature and reach the statement.
struct ParamsCode {
    /// One identifier per parameter.
    names: Vec<syn::Ident>,
    /// Parameters come in a `<Name>Params` struct (many parameters, or `:copy` rows).
    use_struct: bool,
    /// Some field of the params struct borrows, so it takes a lifetime.
    struct_borrows: bool,
    /// The struct's identifier.
    struct_ident: syn::Ident,
    /// The signature's parameters after `db`.
    signature: TokenStream,
    /// Statements that bind each name from the params struct.
    bindings: TokenStream,
    /// The params struct item (empty without one).
    params_struct: TokenStream,
    /// Statements that wrap domain-typed values.
    domain_bindings: Vec<TokenStream>,
    /// The `&dyn ToSql` list in `$n` order.
    refs: TokenStream,
}

impl ParamsCode {
    fn new(q: &Query) -> ParamsCode {
        let names: Vec<syn::Ident> = q.params.iter().map(|p| ident(&p.field)).collect();
        // Each parameter's Rust type, as text (`&str`, `Option<i64>`, `&[uuid::Uuid]`).
        let type_texts: Vec<&str> = q.params.iter().map(|p| lowered(&p.rust_type)).collect();
        let types: Vec<TokenStream> = type_texts.iter().map(|t| path_type(t)).collect();
        // `:copy` takes an iterator of parameter structs, one per row.
        let use_struct =
            q.params.len() > PARAMS_STRUCT_THRESHOLD || q.cardinality == Cardinality::Copy;
        // A params struct needs a lifetime only when some field borrows (`&'a str`, `&'a [T]`).
        let struct_borrows = type_texts.iter().any(|t| t.contains('&'));
        let struct_ident = format_ident!("{}Params", camel_case(&q.name));
        let (signature, bindings, params_struct) = if use_struct {
            let lifetime_types: Vec<TokenStream> = type_texts
                .iter()
                .map(|t| path_type(&t.replace('&', "&'a ")))
                .collect();
            let doc = format!(" Parameters of [`{}`].", q.name);
            let field_docs = q
                .params
                .iter()
                .map(|p| format!(" `:{}` ({})", p.name, p.pg_type));
            let (generics, argument) = if struct_borrows {
                (quote! { <'a> }, quote! { <'_> })
            } else {
                (quote! {}, quote! {})
            };
            (
                quote! { params: &#struct_ident #argument },
                quote! { #(let #names = &params.#names;)* },
                quote! {
                    #[doc = #doc]
                    #[derive(Debug, Clone, Copy)]
                    pub struct #struct_ident #generics { #(#[doc = #field_docs] pub #names: #lifetime_types,)* }
                },
            )
        } else {
            (quote! { #(#names: #types),* }, quote! {}, quote! {})
        };
        let domain_bindings: Vec<TokenStream> = q
            .params
            .iter()
            .zip(&names)
            .filter(|(p, _)| matches!(p.pg_type.kind, TypeKind::Domain { .. }))
            .map(|(_, n)| {
                if use_struct {
                    quote! { let #n = &::pgbake::Domain(*#n); }
                } else {
                    quote! { let #n = ::pgbake::Domain(#n); }
                }
            })
            .collect();
        let refs = if use_struct {
            quote! { #(#names),* }
        } else {
            quote! { #(&#names),* }
        };
        ParamsCode {
            names,
            use_struct,
            struct_borrows,
            struct_ident,
            signature,
            bindings,
            params_struct,
            domain_bindings,
            refs,
        }
    }
}

/// The statement as a module-level `static` (shared by a query's functions) and its name.
/// With optional filters: one `Sql` per combination of given filters (`<NAME>_SQL`, an
/// array) and the parameters each sends (`<NAME>_ORDERS`).
fn sql_static(q: &Query) -> (TokenStream, syn::Ident) {
    let full_name = format!("{}::{}", q.module, q.name);
    let sql_ident = format_ident!("{}_SQL", q.name.to_uppercase());
    if !q.variants.is_empty() {
        let orders_ident = format_ident!("{}_ORDERS", q.name.to_uppercase());
        let count = q.variants.len();
        let statics = q.variants.iter().map(|v| {
            let text = &v.sql;
            let types = v.params.iter().map(|&i| param_type(&q.params[i].pg_type));
            quote! { ::pgbake::Sql { name: #full_name, text: #text, param_types: &[#(#types),*] } }
        });
        let orders = q.variants.iter().map(|v| {
            let order = &v.params;
            quote! { &[#(#order),*] }
        });
        let item = quote! {
            static #sql_ident: [::pgbake::Sql; #count] = [#(#statics),*];
            static #orders_ident: [&[usize]; #count] = [#(#orders),*];
        };
        return (item, sql_ident);
    }
    let sql = &q.sql;
    let param_type_items = q.params.iter().map(|p| param_type(&p.pg_type));
    let item = quote! {
        static #sql_ident: ::pgbake::Sql = ::pgbake::Sql {
            name: #full_name,
            text: #sql,
            param_types: &[#(#param_type_items),*],
        };
    };
    (item, sql_ident)
}

/// A query function's body: bind the parameters, then one call of the runtime's `helper`.
/// With optional filters, the variant the arguments choose (bit `j`: optional filter `j`
/// is `Some`) and only the parameters it uses.
fn call(
    q: &Query,
    params: &ParamsCode,
    helper: TokenStream,
    sql_ident: &syn::Ident,
) -> TokenStream {
    let bindings = &params.bindings;
    let domain_bindings = &params.domain_bindings;
    let param_refs = &params.refs;
    if q.variants.is_empty() {
        return quote! {
            #bindings
            #(#domain_bindings)*
            ::pgbake::__private::#helper(db, &#sql_ident, &[#param_refs]).await
        };
    }
    let orders_ident = format_ident!("{}_ORDERS", q.name.to_uppercase());
    let given = q.optional.iter().enumerate().map(|(j, &i)| {
        let name = &params.names[i];
        quote! { (usize::from(#name.is_some()) << #j) }
    });
    let n = q.params.len();
    quote! {
        #bindings
        let variant = 0 #(| #given)*;
        #(#domain_bindings)*
        let all: [&(dyn ::pgbake::__private::postgres_types::ToSql + Sync); #n] = [#param_refs];
        let params: Vec<&(dyn ::pgbake::__private::postgres_types::ToSql + Sync)> =
            #orders_ident[variant].iter().map(|&i| all[i]).collect();
        ::pgbake::__private::#helper(db, &#sql_ident[variant], &params).await
    }
}

/// The owned row struct `<Name>Row` and its `from_row`.
fn row_struct(q: &Query, options: &EmitOptions) -> TokenStream {
    let serde = serde_derive(options);
    let row = format_ident!("{}Row", camel_case(&q.name));
    let fields: Vec<syn::Ident> = q.columns.iter().map(|c| ident(&c.field)).collect();
    let field_types: Vec<TokenStream> = q
        .columns
        .iter()
        .map(|c| path_type(lowered(&c.rust_type)))
        .collect();
    let field_docs: Vec<String> = q
        .columns
        .iter()
        .map(|c| {
            format!(
                " `{}` ({}{})",
                c.name,
                c.pg_type,
                if c.nullable { ", nullable" } else { "" }
            )
        })
        .collect();
    let full_name = format!("{}::{}", q.module, q.name);
    let getters: Vec<TokenStream> = q
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| match (&c.pg_type.kind, c.nullable) {
            (TypeKind::Domain { .. }, false) => {
                quote! { row.try_get::<_, ::pgbake::Domain<_>>(#i)?.0 }
            }
            (TypeKind::Domain { .. }, true) => {
                quote! { row.try_get::<_, Option<::pgbake::Domain<_>>>(#i)?.map(|d| d.0) }
            }
            // An array read as `Vec<T>`: a NULL element is an error naming the override.
            (_, nullable) if c.pg_type.array && !c.element_nullable => {
                let column = &c.name;
                let check = quote! { ::pgbake::__private::non_null_elements };
                if nullable {
                    quote! { row.try_get::<_, Option<Vec<Option<_>>>>(#i)?.map(|v| #check(v, #full_name, #column)).transpose()? }
                } else {
                    quote! { #check(row.try_get::<_, Vec<Option<_>>>(#i)?, #full_name, #column)? }
                }
            }
            _ => quote! { row.try_get(#i)? },
        })
        .collect();
    let row_doc = format!(" A row of [`{}`].", q.name);
    quote! {
        #[doc = #row_doc]
        #[derive(Debug, Clone, PartialEq)]
        #serde
        pub struct #row { #(#[doc = #field_docs] pub #fields: #field_types,)* }
        impl ::pgbake::FromRow for #row {
            fn from_row(row: &::pgbake::__private::tokio_postgres::Row) -> Result<Self, ::pgbake::Error> {
                Ok(Self { #(#fields: #getters,)* })
            }
        }
    }
}

/// The function(s) of a `:one`, `:opt` or `:many` query.
fn row_functions(q: &Query, params: &ParamsCode, docs: &[TokenStream]) -> TokenStream {
    let fn_name = ident(&q.name);
    let row = format_ident!("{}Row", camel_case(&q.name));
    let signature_params = &params.signature;
    let (sql_static, sql_ident) = sql_static(q);
    let functions = match q.cardinality {
        Cardinality::One => {
            let call = call(q, params, quote! { one }, &sql_ident);
            quote! {
                #(#docs)*
                pub async fn #fn_name(db: &impl ::pgbake::GenericClient, #signature_params) -> Result<#row, ::pgbake::Error> {
                    #call
                }
            }
        }
        Cardinality::Opt => {
            let call = call(q, params, quote! { opt }, &sql_ident);
            quote! {
                #(#docs)*
                pub async fn #fn_name(db: &impl ::pgbake::GenericClient, #signature_params) -> Result<Option<#row>, ::pgbake::Error> {
                    #call
                }
            }
        }
        _ => {
            let stream_name = format_ident!("{}_stream", q.name);
            let stream_doc = format!(
                " Streams the rows of [`{}`] instead of collecting them.",
                q.name
            );
            let many = call(q, params, quote! { many }, &sql_ident);
            let stream = call(q, params, quote! { stream }, &sql_ident);
            quote! {
                #(#docs)*
                pub async fn #fn_name(db: &impl ::pgbake::GenericClient, #signature_params) -> Result<Vec<#row>, ::pgbake::Error> {
                    #many
                }
                #[doc = #stream_doc]
                pub async fn #stream_name<'a>(db: &'a impl ::pgbake::GenericClient, #signature_params)
                    -> Result<impl ::pgbake::__private::futures_util::Stream<Item = Result<#row, ::pgbake::Error>> + 'a, ::pgbake::Error> {
                    #stream
                }
            }
        }
    };
    quote! { #sql_static #functions }
}

/// A `:copy` query's function: rows of its params struct through one binary COPY.
fn copy_function(q: &Query, params: &ParamsCode, docs: &[TokenStream]) -> TokenStream {
    let fn_name = ident(&q.name);
    let full_name = format!("{}::{}", q.module, q.name);
    let copy = q
        .copy
        .as_ref()
        .expect("lowering gives every `:copy` query its COPY statement");
    let statement = &copy.statement;
    let column_types = copy
        .param_for_column
        .iter()
        .map(|i| param_type(&q.params[*i].pg_type));
    let column_values = copy.param_for_column.iter().map(|i| {
        let name = &params.names[*i];
        if matches!(q.params[*i].pg_type.kind, TypeKind::Domain { .. }) {
            quote! { &::pgbake::Domain(row.#name) as &(dyn ::pgbake::__private::postgres_types::ToSql + Sync) }
        } else {
            quote! { &row.#name as &(dyn ::pgbake::__private::postgres_types::ToSql + Sync) }
        }
    });
    let params_struct_ident = &params.struct_ident;
    let (generics, item) = if params.struct_borrows {
        (quote! { <'r> }, quote! { #params_struct_ident<'r> })
    } else {
        (quote! {}, quote! { #params_struct_ident })
    };
    debug_assert!(params.use_struct);
    quote! {
        #(#docs)*
        ///
        /// Loads the rows with one binary `COPY … FROM STDIN`; returns how many were loaded.
        pub async fn #fn_name #generics(
            db: &impl ::pgbake::SessionClient,
            rows: impl IntoIterator<Item = #item>,
        ) -> Result<u64, ::pgbake::Error> {
            static SQL: ::pgbake::Sql = ::pgbake::Sql {
                name: #full_name,
                text: #statement,
                param_types: &[#(#column_types),*],
            };
            let types: Vec<::pgbake::__private::postgres_types::Type> =
                SQL.param_types.iter().map(::pgbake::ParamType::to_type).collect();
            let sink = db.copy_in_sql(&SQL).await?;
            let mut writer = ::std::pin::pin!(::pgbake::__private::tokio_postgres::binary_copy::BinaryCopyInWriter::new(sink, &types));
            for row in rows {
                writer.as_mut().write(&[#(#column_values),*]).await?;
            }
            Ok(writer.as_mut().finish().await?)
        }
    }
}
