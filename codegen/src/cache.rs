//! The build's memory between runs, in `OUT_DIR/pgbake-cache/`: what the migrations
//! decide (checks, the replayed catalog, lint findings), keyed by their content, and for
//! each query file its typed queries and formatted module, keyed by the file's content and
//! the catalog the migrations leave. A build re-does only what a change can affect: one
//! query file edited re-types and re-formats that file alone; a migration that leaves the
//! schema as it was (an index, a comment, a grant, a data fix) is replayed and linted but
//! re-types nothing; one that changes the schema re-types every query.
//!
//! Every key also holds the engine's own identity (its version and the build script
//! binary's size and modification time), so a new pgbake never reads an old entry. An
//! entry that is missing, unreadable or from another key is recomputed; writing one that
//! fails costs the next build time, never correctness.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::emit::queries::{EmitOptions, emit_module};
use crate::pipeline::{FileStage, MigrationStage};
use crate::source::SqlFile;

/// Folder under `OUT_DIR`.
const DIR: &str = "pgbake-cache";

/// A key: 128 bits, two SipHash digests of the inputs behind different first bytes. It
/// guards against accidental reuse, not against someone who can write to `OUT_DIR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Key(u64, u64);

impl Key {
    fn of(parts: &[&[u8]]) -> Key {
        let digest = |seed: u8| {
            let mut hasher = std::hash::DefaultHasher::new();
            seed.hash(&mut hasher);
            for part in parts {
                part.hash(&mut hasher);
            }
            hasher.finish()
        };
        Key(digest(1), digest(2))
    }

    fn bytes(self) -> [u8; 16] {
        let mut out = [0; 16];
        out[..8].copy_from_slice(&self.0.to_le_bytes());
        out[8..].copy_from_slice(&self.1.to_le_bytes());
        out
    }
}

/// A stored stage with the key it was computed for.
#[derive(Serialize, Deserialize)]
struct Entry<T> {
    key: Key,
    value: T,
}

/// The migration stage as stored, with the key of its catalog.
#[derive(Serialize, Deserialize)]
struct StoredStage {
    stage: MigrationStage,
    catalog_key: Key,
}

/// A query file's stage and, when it typed without problems, its formatted module.
/// The stage is stored as JSON, the code as Rust text beside it (`<file>.rs`, first line
/// the key), so the largest string is written and read without JSON escaping.
#[derive(Debug, Clone, Default)]
pub(crate) struct FileEntry {
    /// Typed queries and problems.
    pub stage: FileStage,
    /// `pub mod <module> { … }`, formatted; empty when the file has problems.
    pub code: String,
}

/// The cache of one build: where it lives and the identity of the engine writing it.
pub(crate) struct Cache {
    dir: PathBuf,
    engine: Vec<u8>,
}

impl Cache {
    /// The cache in `out_dir`, or `None` when the engine cannot tell its own identity
    /// (then every build starts cold).
    pub fn open(out_dir: &Path) -> Option<Cache> {
        let exe = std::env::current_exe().ok()?;
        let meta = std::fs::metadata(exe).ok()?;
        let modified = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        let engine = format!(
            "pgbake-codegen {} {} {}",
            env!("CARGO_PKG_VERSION"),
            meta.len(),
            modified.as_nanos()
        );
        Some(Cache {
            dir: out_dir.join(DIR),
            engine: engine.into_bytes(),
        })
    }

    /// The key of the migration stage: the engine, every file of `migrations/` (name and
    /// text), `sql/pgbake.toml` and the baseline override.
    pub fn migrations_key(
        &self,
        sql_dir: &Path,
        files: &[SqlFile],
        lint_baseline: Option<i64>,
    ) -> Key {
        let config = std::fs::read(sql_dir.join(crate::lint::CONFIG_FILE)).unwrap_or_default();
        let baseline = format!("{lint_baseline:?}");
        let mut parts: Vec<&[u8]> = vec![&self.engine, &config, baseline.as_bytes()];
        for file in files {
            parts.push(file.path.as_bytes());
            parts.push(file.text.as_bytes());
        }
        Key::of(&parts)
    }

    /// The migration stage for `key`, computed by `compute` unless stored, with the key of
    /// its catalog: what query files are keyed by, so a migration that leaves the schema
    /// as it was (an index, a comment, a grant, a data fix) re-types no query.
    pub fn migration_stage(
        &self,
        key: Key,
        compute: impl FnOnce() -> MigrationStage,
    ) -> (MigrationStage, Key) {
        let path = self.dir.join("migrations.json");
        if let Some(stored) = read::<StoredStage>(&path, key) {
            return (stored.stage, stored.catalog_key);
        }
        let stage = compute();
        let catalog = serde_json::to_vec(&stage.catalog).unwrap_or_default();
        let catalog_key = Key::of(&[&self.engine, &catalog]);
        let stored = StoredStage { stage, catalog_key };
        write(&path, key, &stored);
        (stored.stage, catalog_key)
    }

    /// Each query file's entry: stored ones whose key matches, the others computed by
    /// `compute` (typing, then formatting the module of a file without problems).
    /// Entries of files that no longer exist are removed.
    pub fn query_files(
        &self,
        catalog_key: Key,
        options: &EmitOptions,
        files: &[SqlFile],
        compute: impl Fn(&SqlFile) -> FileStage + Sync,
    ) -> Vec<FileEntry> {
        let dir = self.dir.join("queries");
        let options_text = format!("{options:?}");
        let keyed: Vec<(&SqlFile, Key, PathBuf)> = files
            .iter()
            .map(|file| {
                let key = Key::of(&[
                    &catalog_key.bytes(),
                    options_text.as_bytes(),
                    file.path.as_bytes(),
                    file.text.as_bytes(),
                ]);
                (file, key, dir.join(format!("{}.json", file.file_name)))
            })
            .collect();
        let entries = crate::pipeline::parallel_map(&keyed, |(file, key, path)| {
            let code_path = path.with_extension("rs");
            if let Some(stage) = read::<FileStage>(path, *key)
                && let Some(code) = read_code(&code_path, *key)
            {
                return FileEntry { stage, code };
            }
            let entry = file_entry(compute(file), options);
            // The code first: a stage entry is only ever next to the code of its key.
            write_bytes(
                &code_path,
                format!("{}{}", code_header(*key), entry.code).as_bytes(),
            );
            write(path, *key, &entry.stage);
            entry
        });
        remove_stale(&dir, &keyed);
        entries
    }
}

/// A file's entry: its module's code is formatted only when it typed cleanly (otherwise
/// the build fails and nothing is written).
pub(crate) fn file_entry(stage: FileStage, options: &EmitOptions) -> FileEntry {
    let clean =
        (stage.diagnostics.iter()).all(|d| d.severity == crate::diagnostic::Severity::Warning);
    let code = if clean {
        emit_module(&stage.queries.iter().collect::<Vec<_>>(), options)
    } else {
        String::new()
    };
    FileEntry { stage, code }
}

/// The analysis of `sql_dir` for a build writing to `out_dir`, through the cache there,
/// and the formatted module of each query file that typed cleanly, by module name.
pub(crate) fn analyze_for_build(
    sql_dir: &Path,
    out_dir: &Path,
    lint_baseline: Option<i64>,
    options: &EmitOptions,
) -> (crate::pipeline::Analysis, BTreeMap<String, String>) {
    use crate::pipeline::{combine, migration_stage, type_file};
    let tree = crate::source::scan(sql_dir);
    let compute_stage = || migration_stage(sql_dir, &tree.migrations, lint_baseline);
    let (stage, entries) = match Cache::open(out_dir) {
        Some(cache) => {
            let key = cache.migrations_key(sql_dir, &tree.migrations, lint_baseline);
            let (stage, catalog_key) = cache.migration_stage(key, compute_stage);
            let entries = cache.query_files(catalog_key, options, &tree.queries, |file| {
                type_file(&stage.catalog, file)
            });
            (stage, entries)
        }
        None => {
            let stage = compute_stage();
            let entries = crate::pipeline::parallel_map(&tree.queries, |file| {
                file_entry(type_file(&stage.catalog, file), options)
            });
            (stage, entries)
        }
    };
    let mut modules = BTreeMap::new();
    let mut stages = Vec::with_capacity(entries.len());
    for entry in entries {
        if let Some(first) = entry.stage.queries.first() {
            modules.insert(first.module.clone(), entry.code);
        }
        stages.push(entry.stage);
    }
    (combine(tree.diagnostics, stage, stages), modules)
}

fn read<T: for<'de> Deserialize<'de>>(path: &Path, key: Key) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    let entry: Entry<T> = serde_json::from_slice(&bytes).ok()?;
    (entry.key == key).then_some(entry.value)
}

/// The first line of a stored module: the key it was formatted for.
fn code_header(key: Key) -> String {
    format!("// pgbake-cache {:016x}{:016x}\n", key.0, key.1)
}

/// A stored module, when its first line names `key`.
fn read_code(path: &Path, key: Key) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.strip_prefix(&code_header(key)).map(str::to_string)
}

/// Stores an entry whole or not at all (a temporary file renamed into place), so a build
/// stopped half-way never leaves a damaged entry behind.
fn write<T: Serialize>(path: &Path, key: Key, value: &T) {
    if let Ok(bytes) = serde_json::to_vec(&Entry { key, value }) {
        write_bytes(path, &bytes);
    }
}

/// Writes `bytes` to `path` through a temporary file of this process and thread.
fn write_bytes(path: &Path, bytes: &[u8]) {
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(format!(
        ".{}.{:?}.partial",
        std::process::id(),
        std::thread::current().id()
    ));
    let partial = PathBuf::from(partial);
    if std::fs::write(&partial, bytes).is_ok() && std::fs::rename(&partial, path).is_err() {
        let _ = std::fs::remove_file(&partial);
    }
}

/// Removes entries of query files that are gone.
fn remove_stale(dir: &Path, current: &[(&SqlFile, Key, PathBuf)]) {
    let keep: std::collections::BTreeSet<PathBuf> = (current.iter())
        .flat_map(|(_, _, p)| [p.clone(), p.with_extension("rs")])
        .collect();
    let Ok(listing) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in listing.flatten() {
        let path = entry.path();
        if !keep.contains(&path) {
            let _ = std::fs::remove_file(path);
        }
    }
}
