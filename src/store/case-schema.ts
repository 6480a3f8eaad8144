/**
 * The SQLite tables of a case's Durable Object (documented in LAYOUT.md).
 * `CREATE ... IF NOT EXISTS` so that every start of the object may run it.
 */
export const CASE_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS report (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  description TEXT NOT NULL,
  answers TEXT NOT NULL,
  minutes TEXT
);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  author TEXT NOT NULL CHECK (author IN ('reporter', 'organisation')),
  kind TEXT NOT NULL,
  display_name TEXT,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  author_id TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dedupe_key TEXT UNIQUE,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  seq INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  claimed_until INTEGER NOT NULL DEFAULT 0
);
`;
