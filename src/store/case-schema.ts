/**
 * The SQLite tables of a case's Durable Object (documented in LAYOUT.md).
 * `CREATE ... IF NOT EXISTS` so that every start of the object may run it. New facts go into new
 * tables rather than new columns, so objects created before them still open.
 *
 * attachments: metadata of the reporter's files (the bytes are in R2 under `attachmentKey`);
 *   `message_id` null for files sent with the report. Reporter-visible.
 * oral_record: how an oral report was heard (phone or meeting, the date) and when its minutes
 *   were last amended. Reporter-visible.
 * mailbox_sessions: keyed digests of the reporter's live mailbox sessions.
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
CREATE TABLE IF NOT EXISTS attachments (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  message_id INTEGER,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  size INTEGER NOT NULL,
  removed TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS oral_record (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  medium TEXT NOT NULL,
  heard_on TEXT NOT NULL,
  amended_at INTEGER
);
CREATE TABLE IF NOT EXISTS mailbox_sessions (
  token_hash TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
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
