//! The lint baseline: migrations at or below it were applied everywhere before pgbake linted
//! them (an imported history), so the build and `pgbake lint` skip them.
//!
//! It lives in `sql/pgbake.toml` as `lint_baseline = <version>`; `pgbake migrate import`
//! writes it, and the user may change or delete it. The file holds `key = value` lines and
//! `#` comments; an unknown key or a bad value is a build error naming the file.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};

/// The file of pgbake's project settings, inside the `sql/` folder.
pub const CONFIG_FILE: &str = "pgbake.toml";

const BASELINE_KEY: &str = "lint_baseline";

/// The lint baseline of `sql_dir`: `None` when `pgbake.toml` or its key is absent.
pub fn read_lint_baseline(sql_dir: &Path) -> Result<Option<i64>, Box<Diagnostic>> {
    let path = sql_dir.join(CONFIG_FILE);
    let shown = path.to_string_lossy().replace('\\', "/");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Box::new(Diagnostic::file(
                Code::Config,
                shown,
                format!("cannot read the settings file: {e}"),
            )));
        }
    };
    let mut baseline = None;
    for (index, line) in text.lines().enumerate() {
        let content = line.split('#').next().unwrap_or_default().trim();
        if content.is_empty() {
            continue;
        }
        let problem = |message: String| {
            Diagnostic::file(
                Code::Config,
                &shown,
                format!("line {}: {message}", index + 1),
            )
        };
        let Some((key, value)) = content.split_once('=') else {
            return Err(with_help(
                problem(format!("`{content}` is not `key = value`")),
                format!("write `{BASELINE_KEY} = <version>`"),
            ));
        };
        let (key, value) = (key.trim(), value.trim());
        if key != BASELINE_KEY {
            return Err(with_help(
                problem(format!("unknown setting `{key}`")),
                format!("the only setting is `{BASELINE_KEY} = <version>`"),
            ));
        }
        match value.replace('_', "").parse::<i64>() {
            Ok(version) if version >= 0 => baseline = Some(version),
            _ => {
                return Err(with_help(
                    problem(format!(
                        "`{BASELINE_KEY}` must be a migration version (a non-negative integer), not `{value}`"
                    )),
                    "migrations at or below this version are not linted".into(),
                ));
            }
        }
    }
    Ok(baseline)
}

fn with_help(diagnostic: Diagnostic, help: String) -> Box<Diagnostic> {
    Box::new(diagnostic.with_help(help))
}

/// Sets the lint baseline of `sql_dir` to `version` unless it is already higher (other lines
/// are kept); returns the file and the baseline in force.
pub fn raise_lint_baseline(sql_dir: &Path, version: i64) -> std::io::Result<(PathBuf, i64)> {
    let path = sql_dir.join(CONFIG_FILE);
    let current = read_lint_baseline(sql_dir)
        .map_err(|d| std::io::Error::new(std::io::ErrorKind::InvalidData, d.message))?;
    if let Some(current) = current.filter(|current| *current >= version) {
        return Ok((path, current));
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            "# pgbake settings. Migrations at or below lint_baseline are not linted\n\
             # (they were applied before pgbake linted them).\n"
                .to_string()
        }
        Err(e) => return Err(e),
    };
    let line = format!("{BASELINE_KEY} = {version}");
    let mut replaced = false;
    let mut lines: Vec<String> = text
        .lines()
        .map(|l| {
            if l.split('#')
                .next()
                .unwrap_or_default()
                .trim()
                .starts_with(BASELINE_KEY)
            {
                replaced = true;
                line.clone()
            } else {
                l.to_string()
            }
        })
        .collect();
    if !replaced {
        lines.push(line);
    }
    std::fs::create_dir_all(sql_dir)?;
    std::fs::write(&path, lines.join("\n") + "\n")?;
    Ok((path, version))
}
