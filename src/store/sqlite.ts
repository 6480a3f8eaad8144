/**
 * A helper over a Durable Object's SQLite storage, shared by the objects in this folder.
 */

/**
 * Whether a table exists in this object's database. Reading sqlite_master writes nothing, so
 * asking leaves an object that was only opened (a name nobody created) without storage.
 */
export function hasTable(sql: SqlStorage, name: string): boolean {
  return (
    sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", name).toArray()
      .length > 0
  );
}
