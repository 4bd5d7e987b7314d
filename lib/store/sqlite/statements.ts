import type Database from "better-sqlite3";

/** Prepared statements cached per connection: each repository's `q(sql)`. */
export function statementCache(db: Database.Database): (sql: string) => Database.Statement {
  const stmts = new Map<string, Database.Statement>();
  return (sql) => {
    let s = stmts.get(sql);
    if (!s) stmts.set(sql, (s = db.prepare(sql)));
    return s;
  };
}
