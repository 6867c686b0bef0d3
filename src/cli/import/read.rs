//! Reads another tool's migration folder into one [`Imported`] per migration, in that tool's
//! order, with its own markers (sections, no-transaction lines) taken out of the SQL.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Tool;

/// One migration of the other tool.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The version exactly as the tool writes it into its history table.
    pub tool_version: String,
    /// Where it sorts in the tool's own order.
    pub order: Order,
    /// The name as the tool spells it (normalised later).
    pub name: String,
    /// The up script.
    pub up: ImportedScript,
    /// The down script, when there is one with a statement in it.
    pub down: Option<ImportedScript>,
}

/// The order a tool applies its migrations in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Order {
    /// sqlx, refinery and goose compare versions as integers.
    Number(i64),
    /// diesel and dbmate compare version strings.
    Text(String),
}

/// One script, without the tool's own marker lines.
#[derive(Debug, Clone)]
pub struct ImportedScript {
    /// The SQL to run.
    pub text: String,
    /// Whether the tool runs it outside a transaction.
    pub no_transaction: bool,
    /// The file it came from.
    pub origin: PathBuf,
}

/// What was read, and the entries that are not migrations (reported, never dropped silently).
#[derive(Debug, Default)]
pub struct Folder {
    /// The migrations, in the tool's order.
    pub migrations: Vec<Imported>,
    /// Entries the tool itself ignores, with the reason.
    pub skipped: Vec<String>,
}

/// Reads `dir` as `tool` lays it out. Every problem is collected; any problem fails the read.
pub fn read_folder(tool: Tool, dir: &Path) -> anyhow::Result<Folder> {
    let mut entries: Vec<(String, PathBuf, bool)> = Vec::new();
    let listing = std::fs::read_dir(dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot read {}: {e}; pass the folder that holds the {} migrations",
            dir.display(),
            tool.name()
        )
    })?;
    for entry in listing {
        let entry = entry.map_err(|e| anyhow::anyhow!("cannot read {}: {e}", dir.display()))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        entries.push((file_name, entry.path(), entry.path().is_dir()));
    }
    entries.sort();
    let mut reader = Reader {
        folder: Folder::default(),
        problems: Vec::new(),
    };
    match tool {
        Tool::Diesel => reader.diesel(&entries),
        Tool::Sqlx => reader.sqlx(&entries),
        Tool::Refinery => reader.refinery(&entries),
        Tool::Dbmate | Tool::Goose => reader.sectioned(tool, &entries),
    }
    if !reader.problems.is_empty() {
        anyhow::bail!(
            "cannot import {} as {} migrations; nothing was written:\n  {}",
            dir.display(),
            tool.name(),
            reader.problems.join("\n  ")
        );
    }
    if reader.folder.migrations.is_empty() {
        anyhow::bail!(
            "no {} migration found in {}; nothing was written (is this the right folder and --from?)",
            tool.name(),
            dir.display()
        );
    }
    let mut folder = reader.folder;
    folder.migrations.sort_by(|a, b| a.order.cmp(&b.order));
    Ok(folder)
}

struct Reader {
    folder: Folder,
    problems: Vec<String>,
}

impl Reader {
    fn read_text(&mut self, path: &Path) -> Option<String> {
        match std::fs::read(path) {
            Ok(bytes) => match std::str::from_utf8(&bytes) {
                Ok(text) => Some(
                    text.strip_prefix('\u{feff}')
                        .unwrap_or(text)
                        .replace("\r\n", "\n"),
                ),
                Err(_) => {
                    self.problems.push(format!(
                        "{}: not UTF-8 text; convert it to UTF-8",
                        path.display()
                    ));
                    None
                }
            },
            Err(e) => {
                self.problems
                    .push(format!("{}: cannot read it: {e}", path.display()));
                None
            }
        }
    }

    fn skip(&mut self, path: &Path, why: &str) {
        self.folder
            .skipped
            .push(format!("{} ({why})", path.display()));
    }

    /// `<version>_<name>/up.sql`, `down.sql`, optional `metadata.toml`; the version is the
    /// folder name before the first `_` without its dashes (what diesel records).
    fn diesel(&mut self, entries: &[(String, PathBuf, bool)]) {
        for (file_name, path, is_dir) in entries {
            if !is_dir {
                self.skip(path, "not a migration folder; diesel reads folders only");
                continue;
            }
            let Some((prefix, name)) = file_name.split_once('_') else {
                self.problems.push(format!(
                    "{}: not a diesel migration folder (`<version>_<name>`)",
                    path.display()
                ));
                continue;
            };
            let tool_version = prefix.replace('-', "");
            if tool_version.is_empty() || !tool_version.bytes().all(|b| b.is_ascii_digit()) {
                self.problems.push(format!(
                    "{}: the version `{prefix}` is not made of digits and dashes",
                    path.display()
                ));
                continue;
            }
            let up_path = path.join("up.sql");
            let down_path = path.join("down.sql");
            if !up_path.is_file() {
                self.problems.push(format!(
                    "{}: no up.sql in this migration folder",
                    path.display()
                ));
                continue;
            }
            let no_transaction = match std::fs::read_to_string(path.join("metadata.toml")) {
                Ok(metadata) => metadata.lines().any(|line| {
                    let line = line.split('#').next().unwrap_or_default().replace(' ', "");
                    line == "run_in_transaction=false"
                }),
                Err(_) => false,
            };
            let Some(up) = self.read_text(&up_path) else {
                continue;
            };
            let down = if down_path.is_file() {
                self.read_text(&down_path)
            } else {
                None
            };
            self.folder.migrations.push(Imported {
                order: Order::Text(tool_version.clone()),
                tool_version,
                name: name.to_string(),
                up: script(up, no_transaction, up_path),
                down: down.map(|text| script(text, no_transaction, down_path)),
            });
        }
    }

    /// `<version>_<description>.sql` (simple) or `.up.sql` + `.down.sql` (reversible);
    /// `-- no-transaction` on the first line.
    fn sqlx(&mut self, entries: &[(String, PathBuf, bool)]) {
        let mut found: BTreeMap<i64, SqlxPair> = BTreeMap::new();
        for (file_name, path, is_dir) in entries {
            let Some(stem) = file_name.strip_suffix(".sql").filter(|_| !is_dir) else {
                self.skip(path, "not a .sql file; sqlx reads .sql files only");
                continue;
            };
            let (stem, down) = if let Some(stem) = stem.strip_suffix(".down") {
                (stem, true)
            } else {
                (stem.strip_suffix(".up").unwrap_or(stem), false)
            };
            let Some((version, name)) = numbered(stem) else {
                self.problems.push(format!(
                    "{}: not a sqlx migration name (`<version>_<description>.sql`)",
                    path.display()
                ));
                continue;
            };
            let Some(text) = self.read_text(path) else {
                continue;
            };
            let entry = found
                .entry(version)
                .or_insert_with(|| (name.to_string(), None, None));
            let slot = if down { &mut entry.2 } else { &mut entry.1 };
            if let Some((_, other)) = slot {
                self.problems.push(format!(
                    "{} and {}: two migrations with version {version}",
                    other.display(),
                    path.display()
                ));
                continue;
            }
            *slot = Some((text, path.clone()));
        }
        for (version, (name, up, down)) in found {
            let Some((up, up_path)) = up else {
                let path = down.map(|(_, p)| p).unwrap_or_default();
                self.problems.push(format!(
                    "{}: a down script without its up script",
                    path.display()
                ));
                continue;
            };
            let sqlx_script = |text: String, origin: PathBuf| {
                let marked = text.starts_with("-- no-transaction");
                let text = if marked {
                    text.split_once('\n')
                        .map_or("", |(_, rest)| rest)
                        .to_string()
                } else {
                    text
                };
                script(text, marked, origin)
            };
            self.folder.migrations.push(Imported {
                tool_version: version.to_string(),
                order: Order::Number(version),
                name,
                up: sqlx_script(up, up_path),
                down: down.map(|(text, path)| sqlx_script(text, path)),
            });
        }
    }

    /// `V<version>__<name>.sql` and `U<version>__<name>.sql` (unversioned: run once, in any
    /// order); refinery has no down scripts.
    fn refinery(&mut self, entries: &[(String, PathBuf, bool)]) {
        let mut versions: BTreeMap<i64, PathBuf> = BTreeMap::new();
        for (file_name, path, is_dir) in entries {
            if file_name.ends_with(".rs") && !is_dir {
                self.problems.push(format!(
                    "{}: a Rust migration; pgbake imports SQL only: rewrite it as SQL (or drop it) first",
                    path.display()
                ));
                continue;
            }
            let Some(stem) = file_name.strip_suffix(".sql").filter(|_| !is_dir) else {
                self.skip(path, "not a .sql file");
                continue;
            };
            let parsed = stem
                .strip_prefix(['V', 'v', 'U', 'u'])
                .and_then(|rest| rest.split_once("__"))
                .and_then(|(version, name)| Some((version.parse::<i64>().ok()?, name)));
            let Some((version, name)) = parsed else {
                self.problems.push(format!(
                    "{}: not a refinery migration name (`V<version>__<name>.sql`)",
                    path.display()
                ));
                continue;
            };
            if let Some(other) = versions.insert(version, path.clone()) {
                self.problems.push(format!(
                    "{} and {}: two migrations with version {version}",
                    other.display(),
                    path.display()
                ));
                continue;
            }
            let Some(text) = self.read_text(path) else {
                continue;
            };
            self.folder.migrations.push(Imported {
                tool_version: version.to_string(),
                order: Order::Number(version),
                name: name.to_string(),
                up: script(text, false, path.clone()),
                down: None,
            });
        }
    }

    /// dbmate and goose: `<version>_<name>.sql` holding an up and a down section.
    fn sectioned(&mut self, tool: Tool, entries: &[(String, PathBuf, bool)]) {
        let mut versions: BTreeMap<String, PathBuf> = BTreeMap::new();
        for (file_name, path, is_dir) in entries {
            if tool == Tool::Goose && file_name.ends_with(".go") && numbered(file_name).is_some() {
                self.problems.push(format!(
                    "{}: a Go migration; pgbake imports SQL only: rewrite it as SQL first",
                    path.display()
                ));
                continue;
            }
            let Some(stem) = file_name.strip_suffix(".sql").filter(|_| !is_dir) else {
                self.skip(path, "not a .sql file");
                continue;
            };
            let Some((digits, name)) = stem.split_once('_').filter(|(digits, _)| {
                !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
            }) else {
                self.problems.push(format!(
                    "{}: not a {} migration name (`<version>_<name>.sql`)",
                    path.display(),
                    tool.name()
                ));
                continue;
            };
            // goose records the version as a number; dbmate as the text before `_`.
            let (tool_version, order) = if tool == Tool::Goose {
                match digits.parse::<i64>() {
                    Ok(number) => (number.to_string(), Order::Number(number)),
                    Err(_) => {
                        self.problems.push(format!(
                            "{}: the version does not fit in 64 bits",
                            path.display()
                        ));
                        continue;
                    }
                }
            } else {
                (digits.to_string(), Order::Text(digits.to_string()))
            };
            if let Some(other) = versions.insert(tool_version.clone(), path.clone()) {
                self.problems.push(format!(
                    "{} and {}: two migrations with version {tool_version}",
                    other.display(),
                    path.display()
                ));
                continue;
            }
            let Some(text) = self.read_text(path) else {
                continue;
            };
            let sections = match split_sections(tool, &text) {
                Ok(sections) => sections,
                Err(problem) => {
                    self.problems.push(format!("{}: {problem}", path.display()));
                    continue;
                }
            };
            self.folder.migrations.push(Imported {
                tool_version,
                order,
                name: name.to_string(),
                up: script(sections.up, sections.up_no_transaction, path.clone()),
                down: sections
                    .down
                    .map(|down| script(down, sections.down_no_transaction, path.clone())),
            });
        }
    }
}

/// A sqlx migration's name, up script and down script (text and file), as found.
type SqlxPair = (String, Option<(String, PathBuf)>, Option<(String, PathBuf)>);

fn script(text: String, no_transaction: bool, origin: PathBuf) -> ImportedScript {
    ImportedScript {
        text,
        no_transaction,
        origin,
    }
}

/// `<digits>_<rest>` as a 64-bit version and the rest.
fn numbered(stem: &str) -> Option<(i64, &str)> {
    let (digits, name) = stem.split_once('_')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((digits.parse().ok()?, name))
}

#[derive(Debug, Default, PartialEq)]
struct Sections {
    up: String,
    down: Option<String>,
    up_no_transaction: bool,
    down_no_transaction: bool,
}

/// Splits a dbmate (`-- migrate:up [transaction:false]`, `-- migrate:down`) or goose
/// (`-- +goose Up`, `-- +goose Down`, `-- +goose NO TRANSACTION`) file into its sections,
/// dropping the directive lines.
fn split_sections(tool: Tool, text: &str) -> Result<Sections, String> {
    #[derive(PartialEq)]
    enum In {
        Preamble,
        Up,
        Down,
    }
    let mut sections = Sections::default();
    let mut down = String::new();
    let mut seen_down = false;
    let mut seen_up = false;
    let mut at = In::Preamble;
    let mut goose_no_transaction = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let directive = match tool {
            Tool::Dbmate => trimmed.strip_prefix("-- migrate:").map(str::trim),
            _ => trimmed.strip_prefix("-- +goose").map(str::trim),
        };
        if let Some(directive) = directive {
            let mut words = directive.split_whitespace();
            let command = words.next().unwrap_or_default().to_ascii_lowercase();
            let rest: Vec<String> = words.map(str::to_ascii_lowercase).collect();
            match (tool, command.as_str()) {
                (_, "up") => {
                    seen_up = true;
                    at = In::Up;
                    sections.up_no_transaction |= rest.iter().any(|w| w == "transaction:false");
                    continue;
                }
                (_, "down") => {
                    seen_down = true;
                    at = In::Down;
                    sections.down_no_transaction |= rest.iter().any(|w| w == "transaction:false");
                    continue;
                }
                (Tool::Goose, "no") if rest.first().is_some_and(|w| w == "transaction") => {
                    goose_no_transaction = true;
                    continue;
                }
                (Tool::Goose, "statementbegin" | "statementend") => continue,
                (Tool::Goose, "envsub") => {
                    return Err("uses `-- +goose ENVSUB`: environment substitution cannot be imported; expand the variables first".into());
                }
                _ => return Err(format!("unknown directive `{trimmed}`")),
            }
        }
        match at {
            In::Preamble if trimmed.is_empty() || trimmed.starts_with("--") => {}
            In::Preamble => {
                return Err(format!(
                    "SQL before the up section; put it under `{}`",
                    if tool == Tool::Dbmate {
                        "-- migrate:up"
                    } else {
                        "-- +goose Up"
                    }
                ));
            }
            In::Up => sections.up.push_str(line),
            In::Down => down.push_str(line),
        }
    }
    if !seen_up {
        return Err(format!(
            "no up section (`{}`)",
            if tool == Tool::Dbmate {
                "-- migrate:up"
            } else {
                "-- +goose Up"
            }
        ));
    }
    sections.up_no_transaction |= goose_no_transaction;
    sections.down_no_transaction |= goose_no_transaction;
    if seen_down {
        sections.down = Some(down);
    }
    Ok(sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dbmate_sections_and_transaction_option() {
        let sections = split_sections(
            Tool::Dbmate,
            "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n-- migrate:down\nDROP INDEX i;\n",
        )
        .unwrap();
        assert_eq!(sections.up, "CREATE INDEX CONCURRENTLY i ON t (a);\n\n");
        assert_eq!(sections.down.as_deref(), Some("DROP INDEX i;\n"));
        assert!(sections.up_no_transaction && !sections.down_no_transaction);
    }

    #[test]
    fn goose_sections_statement_blocks_and_no_transaction() {
        let sections = split_sections(
            Tool::Goose,
            "-- +goose NO TRANSACTION\n-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n-- +goose StatementEnd\n-- +goose Down\nDROP FUNCTION f();\n",
        )
        .unwrap();
        assert_eq!(
            sections.up,
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n"
        );
        assert_eq!(sections.down.as_deref(), Some("DROP FUNCTION f();\n"));
        assert!(sections.up_no_transaction && sections.down_no_transaction);
        assert!(split_sections(Tool::Goose, "CREATE TABLE t ();\n").is_err());
        assert!(
            split_sections(
                Tool::Goose,
                "-- +goose ENVSUB ON\n-- +goose Up\nSELECT 1;\n"
            )
            .is_err()
        );
    }
}
