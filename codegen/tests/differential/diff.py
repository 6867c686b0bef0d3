#!/usr/bin/env python3
"""Differential test of pgbake-codegen inference against a live PostgreSQL 15.

usage: diff.py DESCRIBE_BIN 'host=/tmp/qe2pg port=5496 user=postgres' DIR [DIR…] [-v]

Each DIR holds migrations/ (V<n>__*.sql), queries/*.sql and optionally seed.sql.
For each DIR: creates two fresh databases (seeded and empty), applies the
migrations, runs `describe`, and for every query:
  * PREPAREs describe's `sql`, reads pg_prepared_statements.parameter_types and
    `\\gdesc` columns, and reports type / name mismatches (normalised like
    peer-corpus/score.py) and accept/reject disagreements;
  * EXECUTEs it (inside BEGIN … ROLLBACK) on both databases with representative
    parameter values, and reports every column inferred non-nullable that came
    back NULL (SOUND) and, with -v, nullable columns never NULL (PREC, informational).
"""
import csv
import io
import json
import pathlib
import subprocess
import sys

sys.path.insert(0, "/work/shared/peer-corpus")
try:
    from score import norm_type  # type: ignore
except Exception:  # pragma: no cover
    def norm_type(t):
        return (t, False)

args = [a for a in sys.argv[1:] if not a.startswith("-")]
verbose = "-v" in sys.argv
record = "--truth" in sys.argv  # write DIR/truth.json (engine test format) from the server
describe_bin, conn = args[0], args[1]
dirs = [pathlib.Path(d) for d in args[2:]]
opts = dict(kv.split("=", 1) for kv in conn.split())
PSQL = ["psql", "-X", "-q", "-h", opts["host"], "-p", opts["port"], "-U", opts["user"]]
NULLMARK = "\u2400NULL\u2400"


def norm(t):
    b, arr = norm_type(t)
    if b is None:
        return t
    return b + ("[]" if arr else "")


def psql(db, script, check=False):
    r = subprocess.run(PSQL + ["-d", db, "-v", "ON_ERROR_STOP=1"], input=script,
                       capture_output=True, text=True)
    if check and r.returncode:
        raise RuntimeError(r.stderr)
    return r


VALUES = {
    "int2": "1", "int4": "1", "int8": "1", "numeric": "1.5", "float4": "1.5", "float8": "1.5",
    "text": "'a'", "varchar": "'a'", "bpchar": "'a'", "name": "'a'", "citext": "'a'",
    "bool": "true", "uuid": "'00000000-0000-0000-0000-000000000001'",
    "timestamptz": "now()", "timestamp": "localtimestamp", "date": "current_date",
    "time": "localtime", "timetz": "current_time", "interval": "'1 day'",
    "jsonb": "'{\"a\": 1}'", "json": "'{\"a\": 1}'", "bytea": "'\\x01'", "inet": "'127.0.0.1'",
    "cidr": "'10.0.0.0/8'", "regclass": "'pg_class'", "oid": "1", "char": "'a'",
    "tsquery": "'a'", "tsvector": "'a'", "int4range": "'[1,10)'", "int8range": "'[1,10)'",
    "tstzrange": "'[2020-01-01,2030-01-01)'", "daterange": "'[2020-01-01,2030-01-01)'",
    "numrange": "'[1,10)'", "xml": "'<a/>'", "money": "1", "bit": "B'1'", "varbit": "B'1'",
}


ENUMS = set()


def param_value(name, typ):
    """A representative value expression for a parameter of server type `typ`."""
    lname = (name or "").lower()
    base = typ.rstrip("[]").split("(")[0].strip()
    arr = typ.endswith("[]")
    if any(k in lname for k in ("limit", "size", "count", "max", "per_page", "take")) and not arr:
        v = "1000"
    elif "offset" in lname or "skip" in lname:
        v = "0"
    else:
        v = None
    if v is None:
        scalar = VALUES.get(base)
        if scalar is None:
            # enums and other types: first value of a column of that type if any, else NULL
            scalar = f"(enum_range(NULL::{base}))[1]" if base in ENUMS else "NULL"
        v = f"ARRAY[{scalar}]::{typ}" if arr else scalar
    return f"{v}::{typ}" if not arr else v


def server_types(db, sql, nparams):
    """(param types, columns) or an error message, from PREPARE + \\gdesc."""
    script = (f"\\pset format unaligned\n\\pset tuples_only on\n\\pset fieldsep '\\t'\n"
              f"PREPARE pgbake_q AS {sql};\n"
              "\\echo @@PARAMS\n"
              "SELECT array_to_string(ARRAY(SELECT CASE WHEN ty.typcategory = 'A' AND ty.typelem <> 0 THEN quote_ident(e.typname) || '[]' ELSE quote_ident(ty.typname) END FROM unnest(parameter_types) WITH ORDINALITY u(t, i) JOIN pg_type ty ON ty.oid = u.t::oid LEFT JOIN pg_type e ON e.oid = ty.typelem ORDER BY u.i), E'\\t') FROM pg_prepared_statements WHERE name = 'pgbake_q';\n"
              "\\echo @@COLS\n"
              f"{sql} \\gdesc\n")
    r = psql(db, script)
    if r.returncode:
        return None, r.stderr.strip().splitlines()[0] if r.stderr.strip() else "error"
    out = r.stdout.split("@@PARAMS\n", 1)[1]
    ptxt, ctxt = out.split("@@COLS\n", 1)
    ptxt = ptxt.strip("\n")
    params = [p for p in ptxt.split("\t")] if ptxt else []
    cols = []
    for line in ctxt.splitlines():
        if "\t" in line:
            n, t = line.rsplit("\t", 1)
            cols.append((n, t))
    return (params, cols), None


_typnames = {}


def typname(db, t):
    """pg_type.typname of a type spelling (arrays as `elem[]`), as truth.json records it."""
    if t not in _typnames:
        lit = t.replace("'", "''")
        r = psql(db, "\\pset format unaligned\n\\pset tuples_only on\n"
                 f"SELECT CASE WHEN ty.typcategory = 'A' AND ty.typelem <> 0 THEN e.typname || '[]' ELSE ty.typname END "
                 f"FROM pg_type ty LEFT JOIN pg_type e ON e.oid = ty.typelem WHERE ty.oid = '{lit}'::regtype;\n")
        _typnames[t] = r.stdout.strip() or t
    return _typnames[t]


def execute(db, sql, ptypes, pnames):
    vals = ", ".join(param_value(pnames[i] if i < len(pnames) else "", t) for i, t in enumerate(ptypes))
    decl = f"({', '.join(ptypes)})" if ptypes else ""
    exe = f"EXECUTE pgbake_q({vals})" if ptypes else "EXECUTE pgbake_q"
    script = (f"\\pset format csv\n\\pset null '{NULLMARK}'\nBEGIN;\n"
              f"PREPARE pgbake_q{decl} AS {sql};\n{exe};\nROLLBACK;\n")
    r = psql(db, script)
    if r.returncode:
        return None, r.stderr.strip()
    rows = list(csv.reader(io.StringIO(r.stdout)))
    return rows, None


totals = {"queries": 0, "TYPE": 0, "NAME": 0, "REJECT": 0, "ENGINE": 0, "UNTYPED": 0, "SOUND": 0, "PREC": 0, "EXECERR": 0}
for d in dirs:
    d = d.resolve()
    dbs = [f"pgbake_diff_{d.name}", f"pgbake_diff_{d.name}_empty"]
    for db in dbs:
        psql("postgres", f"DROP DATABASE IF EXISTS {db};\nCREATE DATABASE {db};\n", check=True)
        for m in sorted((p for p in (d / "migrations").glob("V*.sql") if not p.name.endswith(".down.sql")), key=lambda p: int(p.name[1:].split("__")[0])):
            if m.name.endswith(".down.sql"):
                continue
            r = subprocess.run(PSQL + ["-d", db, "-v", "ON_ERROR_STOP=1", "-f", str(m)], capture_output=True, text=True)
            if r.returncode:
                raise SystemExit(f"{m}: {r.stderr}")
    if (d / "seed.sql").exists():
        r = subprocess.run(PSQL + ["-d", dbs[0], "-v", "ON_ERROR_STOP=1", "-f", str(d / "seed.sql")], capture_output=True, text=True)
        if r.returncode:
            raise SystemExit(f"seed: {r.stderr}")
    r = psql(dbs[0], "\\pset format unaligned\n\\pset tuples_only on\nSELECT typname FROM pg_type WHERE typtype = 'e';\n")
    ENUMS.update(r.stdout.split())
    described = json.loads(subprocess.run([describe_bin, "describe", "--sql", str(d), "--format", "json"],
                                          capture_output=True, text=True).stdout)
    errors = {}
    for e in described.get("errors", []):
        errors.setdefault(e.get("query"), e.get("message"))
    # queries the engine rejected still need their SQL: rebuild from annotate via the source
    truth = {}
    for q in described["queries"]:
        totals["queries"] += 1
        key = f"{d.name}/{q['module']}.{q['name']}"
        srv, err = server_types(dbs[0], q["sql"], len(q["params"]))
        if record:
            if err:
                truth[q["name"]] = {"error": err}
            else:
                truth[q["name"]] = {"params": [typname(dbs[0], t) for t in srv[0]],
                                    "columns": [{"name": n, "pg_type": typname(dbs[0], t)} for n, t in srv[1]]}
        if err:
            if q["name"] not in errors:
                totals["REJECT"] += 1
                print(f"REJECT {key}: server rejects but engine typed it: {err}")
            continue
        if q["name"] in errors:
            totals["ENGINE"] += 1
            print(f"ENGINE {key}: engine error but server accepts: {errors[q['name']]}")
            continue
        ptypes, cols = srv
        mine = [p["pg_type"] for p in q["params"]]
        if [norm(t) for t in mine] != [norm(t) for t in ptypes]:
            totals["TYPE"] += 1
            print(f"TYPE   {key}: params engine={mine} server={ptypes}")
        if q["cardinality"] != "exec" or q["columns"]:
            ecols = [(c["name"], c["pg_type"]) for c in q["columns"]]
            if len(ecols) != len(cols):
                totals["TYPE"] += 1
                print(f"TYPE   {key}: columns engine={ecols} server={cols}")
            else:
                for (en, et), (sn, st) in zip(ecols, cols):
                    if norm(et) != norm(st):
                        totals["TYPE"] += 1
                        print(f"TYPE   {key}: column {sn}: engine={et} server={st}")
                    if en.lower() != sn.lower():
                        totals["NAME"] += 1
                        print(f"NAME   {key}: column engine={en} server={sn}")
        if not cols:
            continue
        pnames = [p["name"] for p in q["params"]]
        seen_null = [False] * len(cols)
        nrows = 0
        for db in dbs:
            rows, xerr = execute(db, q["sql"], ptypes, pnames)
            if xerr:
                totals["EXECERR"] += 1
                if verbose:
                    print(f"EXEC   {key} on {db}: {xerr.splitlines()[0]}")
                continue
            for row in rows[1:]:
                nrows += 1
                for i, v in enumerate(row[:len(cols)]):
                    if v == NULLMARK:
                        seen_null[i] = True
        for i, c in enumerate(q["columns"][:len(cols)]):
            if seen_null[i] and not c["nullable"]:
                totals["SOUND"] += 1
                print(f"SOUND  {key}: column {c['name']} inferred NOT NULL but came back NULL")
            elif nrows and not seen_null[i] and c["nullable"]:
                totals["PREC"] += 1
                if verbose:
                    print(f"PREC   {key}: column {c['name']} inferred nullable, never NULL in {nrows} rows")
    if record:
        (d / "truth.json").write_text(json.dumps(dict(sorted(truth.items())), indent=2) + "\n")
    for name, msg in errors.items():
        if name not in {q["name"] for q in described["queries"]}:
            # The engine did not type it, so describe has no `$n` SQL to prepare: counted,
            # and to be checked by hand against the server (the server may reject it too).
            totals["UNTYPED"] += 1
            print(f"UNTYPED {d.name}/{name}: engine error, server not asked: {msg}")
print("totals:", json.dumps(totals))
