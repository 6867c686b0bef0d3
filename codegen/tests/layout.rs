//! The size rules of CONTRIBUTING.md, checked on every run: no source file of the engine
//! (`codegen/src`) or of the runtime and command (`src`) is longer than 600 lines, and no
//! function in them is longer than 150 lines (from `fn` to its closing brace, comments
//! included). A file or function past the limit is a place to split along a real seam.

use std::path::{Path, PathBuf};

use syn::spanned::Spanned;
use syn::visit::Visit;

const MAX_FILE_LINES: usize = 600;
const MAX_FUNCTION_LINES: usize = 150;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every function with a body, nested ones included, as (name, first line, lines).
#[derive(Default)]
struct Functions(Vec<(String, usize, usize)>);

impl Functions {
    fn add(&mut self, name: &syn::Ident, start: proc_macro2::Span, block: &syn::Block) {
        let first = start.start().line;
        let last = block.brace_token.span.close().end().line;
        self.0.push((name.to_string(), first, last + 1 - first));
    }
}

impl<'ast> Visit<'ast> for Functions {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.add(&f.sig.ident, f.sig.fn_token.span(), &f.block);
        syn::visit::visit_item_fn(self, f);
    }
    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.add(&f.sig.ident, f.sig.fn_token.span(), &f.block);
        syn::visit::visit_impl_item_fn(self, f);
    }
    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.add(&f.sig.ident, f.sig.fn_token.span(), block);
        }
        syn::visit::visit_trait_item_fn(self, f);
    }
}

fn problems_in(workspace: &Path, root: &Path) -> (usize, usize, Vec<String>) {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    files.sort();
    let (mut functions, mut problems) = (0, Vec::new());
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let shown = path.strip_prefix(workspace).unwrap_or(path).display();
        let lines = text.lines().count();
        if lines > MAX_FILE_LINES {
            problems.push(format!("{shown}: {lines} lines (at most {MAX_FILE_LINES})"));
        }
        let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{shown}: {e}"));
        let mut found = Functions::default();
        found.visit_file(&file);
        functions += found.0.len();
        for (name, line, length) in found.0 {
            if length > MAX_FUNCTION_LINES {
                problems.push(format!(
                    "{shown}:{line}: fn {name} is {length} lines (at most {MAX_FUNCTION_LINES})"
                ));
            }
        }
    }
    (files.len(), functions, problems)
}

#[test]
fn no_source_file_or_function_is_past_the_size_limits() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .canonicalize()
        .unwrap();
    let mut all = Vec::new();
    for root in [workspace.join("codegen/src"), workspace.join("src")] {
        let (files, functions, problems) = problems_in(&workspace, &root);
        // The walk itself must have found the code it is meant to judge.
        assert!(
            files > 20 && functions > 200,
            "{}: only {files} files, {functions} functions",
            root.display()
        );
        all.extend(problems);
    }
    assert!(
        all.is_empty(),
        "split these along a real seam:\n{}",
        all.join("\n")
    );
}

#[test]
fn the_measure_counts_from_fn_to_the_closing_brace() {
    let body = "    let _x = 1;\n".repeat(MAX_FUNCTION_LINES - 1);
    let file = syn::parse_file(&format!(
        "// a comment\nfn long() {{\n{body}}}\nfn short() {{}}\n"
    ))
    .unwrap();
    let mut found = Functions::default();
    found.visit_file(&file);
    assert_eq!(
        found.0,
        [
            ("long".to_string(), 2, MAX_FUNCTION_LINES + 1),
            ("short".to_string(), 153, 1)
        ]
    );
}
