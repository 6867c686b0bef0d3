//! Nullability decisions, column by column: sound first (anything PostgreSQL can return as
//! NULL is nullable), precise second.

use std::path::PathBuf;

fn describe(queries: &str) -> serde_json::Value {
    let root: PathBuf = std::env::temp_dir().join(format!(
        "pgbake-nullability-{}-{}",
        std::process::id(),
        queries.len()
    ));
    std::fs::create_dir_all(root.join("migrations")).unwrap();
    std::fs::create_dir_all(root.join("queries")).unwrap();
    std::fs::write(
        root.join("migrations/V1__schema.sql"),
        "CREATE TABLE teams (id bigint PRIMARY KEY, name text NOT NULL);\n\
         CREATE TABLE people (id bigint PRIMARY KEY, team_id bigint REFERENCES teams, name text NOT NULL, \
         salary numeric NOT NULL, nickname text, joined date NOT NULL);\n\
         CREATE TABLE people_copy AS SELECT id, name FROM people;",
    )
    .unwrap();
    std::fs::write(root.join("queries/q.sql"), queries).unwrap();
    let described = pgbake_codegen::describe(&root);
    let _ = std::fs::remove_dir_all(&root);
    // Some cases select `*` over two tables on purpose: the duplicate names the build
    // refuses do not matter to nullability.
    let errors: Vec<&serde_json::Value> = described.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["code"] != "duplicate-column")
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    described.json
}

/// `name -> nullable` for every column of the only query.
fn nullability(sql: &str) -> Vec<(String, bool)> {
    first_query_columns(&describe(&format!("--! q :many\n{sql};\n")))
}

/// `name -> nullable` for every column of the first query of describe's JSON.
fn first_query_columns(json: &serde_json::Value) -> Vec<(String, bool)> {
    json["queries"][0]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["nullable"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn columns(pairs: &[(&str, bool)]) -> Vec<(String, bool)> {
    pairs.iter().map(|(n, b)| (n.to_string(), *b)).collect()
}

#[test]
fn a_table_made_by_create_table_as_has_no_not_null_columns() {
    assert_eq!(
        nullability("SELECT id, name FROM people_copy"),
        columns(&[("id", true), ("name", true)])
    );
}

#[test]
fn aggregates_are_null_on_empty_input_but_not_per_group() {
    assert_eq!(
        nullability(
            "SELECT count(*) AS n, min(salary) AS low, sum(salary) AS total, array_agg(name) AS names FROM people"
        ),
        columns(&[
            ("n", false),
            ("low", true),
            ("total", true),
            ("names", true)
        ])
    );
    assert_eq!(
        nullability(
            "SELECT team_id, count(*) AS n, min(salary) AS low, max(nickname) AS nick, array_agg(nickname) AS nicks, \
             sum(salary) FILTER (WHERE joined > '2020-01-01') AS recent, string_agg(name, ', ') AS names \
             FROM people GROUP BY team_id"
        ),
        columns(&[
            ("team_id", true),
            ("n", false),
            ("low", false),
            ("nick", true),
            ("nicks", false),
            ("recent", true),
            ("names", false),
        ])
    );
    // Grouping sets add groups where the grouped columns are NULL; rollup's grand total
    // is one more group, never empty input for count.
    assert_eq!(
        nullability("SELECT name, min(salary) AS low FROM people GROUP BY ROLLUP (name)"),
        columns(&[("name", true), ("low", true)])
    );
}

#[test]
fn outer_joins_make_the_other_side_nullable() {
    assert_eq!(
        nullability(
            "SELECT p.name, t.name AS team FROM people p LEFT JOIN teams t ON t.id = p.team_id"
        ),
        columns(&[("name", false), ("team", true)])
    );
    assert_eq!(
        nullability(
            "SELECT p.name, t.name AS team FROM people p RIGHT JOIN teams t ON t.id = p.team_id"
        ),
        columns(&[("name", true), ("team", false)])
    );
    assert_eq!(
        nullability(
            "SELECT p.name, t.name AS team FROM people p FULL JOIN teams t ON t.id = p.team_id"
        ),
        columns(&[("name", true), ("team", true)])
    );
    assert_eq!(
        nullability("SELECT p.name, t.name AS team FROM people p JOIN teams t ON t.id = p.team_id"),
        columns(&[("name", false), ("team", false)])
    );
}

#[test]
fn expressions_follow_their_inputs() {
    assert_eq!(
        nullability(
            "SELECT coalesce(nickname, name) AS shown, nullif(name, '') AS maybe, upper(nickname) AS loud, \
             length(name) AS len, (SELECT max(id) FROM teams) AS top, EXISTS (SELECT 1 FROM teams) AS any_team, \
             CASE WHEN salary > 0 THEN name END AS no_else, CASE WHEN salary > 0 THEN name ELSE 'x' END AS with_else \
             FROM people"
        ),
        columns(&[
            ("shown", false),
            ("maybe", true),
            ("loud", true),
            ("len", false),
            ("top", true),
            ("any_team", false),
            ("no_else", true),
            ("with_else", false),
        ])
    );
}

#[test]
fn scalar_subqueries_are_null_when_they_can_find_no_row() {
    assert_eq!(
        nullability(
            "SELECT (SELECT count(*) FROM teams) AS teams, (SELECT max(id) FROM teams) AS top, \
             (SELECT count(*) FROM teams LIMIT 1) AS limited, (SELECT name FROM teams LIMIT 1) AS first, \
             (SELECT count(*) FROM teams t GROUP BY t.name LIMIT 1) AS grouped, \
             (SELECT count(p.id) FROM teams t) AS outer_aggregate \
             FROM people p"
        ),
        columns(&[
            ("teams", false),
            ("top", true),
            ("limited", true),
            ("first", true),
            ("grouped", true),
            ("outer_aggregate", true),
        ])
    );
}

#[test]
fn where_conditions_rule_out_null() {
    assert_eq!(
        nullability(
            "SELECT p.nickname, t.name AS team, p.team_id FROM people p LEFT JOIN teams t ON t.id = p.team_id \
             WHERE p.nickname IS NOT NULL AND t.name LIKE 'a%' AND (p.team_id > 0)"
        ),
        columns(&[("nickname", false), ("team", false), ("team_id", false)])
    );
    // OR, IS NULL, IS DISTINCT FROM and negations prove nothing.
    assert_eq!(
        nullability(
            "SELECT p.nickname, t.name AS team FROM people p LEFT JOIN teams t ON t.id = p.team_id \
             WHERE (p.nickname IS NOT NULL OR p.id > 0) AND t.name IS DISTINCT FROM 'x' AND NOT (p.nickname = 'y')"
        ),
        columns(&[("nickname", true), ("team", true)])
    );
    // `*` follows, and an ON condition of an outer join is not a filter.
    assert_eq!(
        nullability(
            "SELECT * FROM teams t RIGHT JOIN people p ON p.team_id = t.id AND t.name = 'x' WHERE p.nickname = 'n'"
        ),
        columns(&[
            ("id", true),
            ("name", true),
            ("id", false),
            ("team_id", true),
            ("name", false),
            ("salary", false),
            ("nickname", false),
            ("joined", false),
        ])
    );
}

#[test]
fn a_lateral_aggregate_joined_on_true_is_never_null_extended() {
    assert_eq!(
        nullability(
            "SELECT t.name, s.people, s.top, x.people AS filtered FROM teams t \
             LEFT JOIN LATERAL (SELECT count(*) AS people, max(p.salary) AS top FROM people p WHERE p.team_id = t.id) s ON true \
             LEFT JOIN LATERAL (SELECT count(*) AS people FROM people p WHERE p.team_id = t.id) x ON t.id > 1"
        ),
        columns(&[
            ("name", false),
            ("people", false),
            ("top", true),
            ("filtered", true)
        ])
    );
}

#[test]
fn window_functions_over_frames_that_hold_the_current_row() {
    assert_eq!(
        nullability(
            "SELECT sum(salary) OVER (PARTITION BY team_id) AS team_total, \
             max(nickname) OVER () AS any_nick, \
             sum(salary) OVER (ORDER BY joined ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING) AS before, \
             sum(salary) OVER (ORDER BY joined ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS around, \
             first_value(name) OVER (ORDER BY joined) AS first, \
             nth_value(name, 2) OVER (ORDER BY joined) AS second, \
             lag(name) OVER (ORDER BY joined) AS prev, lag(name, 1, '-') OVER (ORDER BY joined) AS prev_or_dash, \
             count(*) OVER w AS n, sum(salary) OVER w AS named \
             FROM people WINDOW w AS (ORDER BY id)"
        ),
        columns(&[
            ("team_total", false),
            ("any_nick", true),
            ("before", true),
            ("around", false),
            ("first", false),
            ("second", true),
            ("prev", true),
            ("prev_or_dash", false),
            ("n", false),
            ("named", true),
        ])
    );
}

#[test]
fn delete_returning_shows_rows_that_passed_where() {
    let json = describe(
        "--! purge :many\nDELETE FROM people WHERE nickname IS NOT NULL AND team_id = :team RETURNING id, nickname, team_id, joined;\n",
    );
    let got = first_query_columns(&json);
    assert_eq!(
        got,
        columns(&[
            ("id", false),
            ("nickname", false),
            ("team_id", false),
            ("joined", false)
        ])
    );
}

/// PostgreSQL folds unquoted names: a select-list item spelled in capitals is still the
/// grouping-set expression, NULL in the sets without it.
#[test]
fn grouping_set_expressions_match_whatever_the_case_of_their_names() {
    let got = nullability(
        "SELECT COALESCE(nickname, 'none') AS nick, count(*) AS n FROM people \
         GROUP BY ROLLUP (coalesce(nickname, 'none'))",
    );
    assert_eq!(got, columns(&[("nick", true), ("n", false)]));
}
