//! The nullability overrides of a `--!` header: `(param?, …) -> (column!, tags[?], …)`.

/// A nullability override from the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// Parameter or column name.
    pub name: String,
    /// `true` for `?` (force Option), `false` for `!` (force non-null).
    pub nullable: bool,
    /// `name[?]` / `name[!]`: the override is about the elements of an array column.
    pub element: bool,
    /// Byte offset of the name in the file.
    pub offset: usize,
}

/// A malformed part of a header: its offset and what is wrong.
pub(crate) type HeaderProblem = (usize, String);

/// The `(param?, …) -> (column!, …)` overrides of a header from `pos`: (param overrides,
/// column overrides, where the header continues).
pub(crate) fn parse_overrides(
    text: &str,
    mut pos: usize,
    header_end: usize,
) -> Result<(Vec<Override>, Vec<Override>, usize), HeaderProblem> {
    let mut param_overrides = Vec::new();
    let mut column_overrides = Vec::new();
    pos += count_ws(&text[pos..header_end]);
    if pos < header_end && text.as_bytes()[pos] == b'(' {
        pos = parse_override_list(text, pos, header_end, &mut param_overrides)
            .map_err(|o| (o, "malformed parameter overrides".to_string()))?;
        pos += count_ws(&text[pos..header_end]);
    }
    if text[pos..header_end].starts_with("->") {
        pos += 2;
        pos += count_ws(&text[pos..header_end]);
        if pos >= header_end || text.as_bytes()[pos] != b'(' {
            return Err((
                pos,
                "malformed column overrides: expected `(` after `->`".into(),
            ));
        }
        pos = parse_override_list(text, pos, header_end, &mut column_overrides)
            .map_err(|o| (o, "malformed column overrides".to_string()))?;
        pos += count_ws(&text[pos..header_end]);
    }
    Ok((param_overrides, column_overrides, pos))
}

/// Parses `(a?, b!, c)` at `pos`; returns the offset after `)`, or the offset of the error.
fn parse_override_list(
    text: &str,
    pos: usize,
    end: usize,
    out: &mut Vec<Override>,
) -> Result<usize, usize> {
    let close = text[pos..end].find(')').map(|n| pos + n).ok_or(pos)?;
    let inner_start = pos + 1;
    let mut offset = inner_start;
    for part in text[inner_start..close].split(',') {
        let lead = part.len() - part.trim_start().len();
        let item = part.trim();
        let item_offset = offset + lead;
        offset += part.len() + 1;
        if item.is_empty() {
            if text[inner_start..close].trim().is_empty() {
                continue;
            }
            return Err(item_offset);
        }
        // `tags[?]`: the elements of array column `tags`.
        let (marked, element) = match item.strip_suffix(']') {
            Some(inner) => (inner, true),
            None => (item, false),
        };
        let (name, nullable) = if let Some(n) = marked.strip_suffix('?') {
            (n, true)
        } else if let Some(n) = marked.strip_suffix('!') {
            (n, false)
        } else {
            return Err(item_offset + item.len());
        };
        let name = match (element, name.strip_suffix('[')) {
            (true, Some(n)) => n.trim_end(),
            (true, None) => return Err(item_offset + item.len()),
            (false, _) => name.trim_end(),
        };
        if name.is_empty() {
            return Err(item_offset);
        }
        out.push(Override {
            name: name.to_string(),
            nullable,
            element,
            offset: item_offset,
        });
    }
    Ok(close + 1)
}

fn count_ws(s: &str) -> usize {
    s.len() - s.trim_start_matches([' ', '\t']).len()
}
