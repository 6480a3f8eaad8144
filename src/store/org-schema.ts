/**
 * The SQLite tables of an organisation's Durable Object (documented in LAYOUT.md, which also
 * names the module under ./org/ that writes each table): settings, units, staff, sessions,
 * second factors, invitations, policy versions, the audit trail and the record of denials.
 *
 * Secrets are stored only as keyed hashes (HMAC-SHA-256 under SERVER_SECRET, with a purpose
 * prefix): session tokens, TOTP login challenges, recovery codes, invitation tokens. Ended
 * sessions keep a row in `ended_sessions` for at least a session's lifetime (12 hours) so a
 * refused request can still say whose session it was. `denials` records refused staff requests
 * and failed sign-ins: who, method, route, when, why; never a body or a path parameter.
 *
 * `CREATE TABLE IF NOT EXISTS` leaves a table that already exists as it was, so a column added
 * after a table first shipped is also listed in `ADDED_COLUMNS`, which `applyOrgSchema` adds
 * to the objects created before it.
 */
export const ORG_SCHEMA = `
CREATE TABLE IF NOT EXISTS org (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('compliance', 'team')),
  require_totp INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  demo INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS units (
  name TEXT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  display_name TEXT,
  role TEXT NOT NULL,
  admin INTEGER NOT NULL DEFAULT 0,
  units TEXT NOT NULL DEFAULT '[]',
  password_hash TEXT,
  disabled INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  totp_secret TEXT,
  totp_pending_secret TEXT,
  totp_last_step INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id);
CREATE TABLE IF NOT EXISTS policies (
  kind TEXT NOT NULL,
  version INTEGER NOT NULL,
  document TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (kind, version)
);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ended_sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  ended_at INTEGER NOT NULL,
  reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS login_challenges (
  challenge_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS recovery_codes (
  code_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS recovery_codes_by_user ON recovery_codes (user_id);
CREATE TABLE IF NOT EXISTS invitations (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE TABLE IF NOT EXISTS denials (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  user_id TEXT,
  role TEXT,
  method TEXT NOT NULL,
  route TEXT NOT NULL,
  reason TEXT NOT NULL
);
`;

/**
 * Columns added to tables after they first shipped, oldest first, each with the statements
 * that add it and fill it from the data already there. A column is added once: its presence
 * (`PRAGMA table_info`) is the record that the step ran.
 */
const ADDED_COLUMNS: ReadonlyArray<{ table: string; column: string; statements: string[] }> = [
  {
    // An account may be an admin and hold a case role; before, `role = 'admin'` was the only
    // way to be an admin.
    table: 'users',
    column: 'admin',
    statements: [
      'ALTER TABLE users ADD COLUMN admin INTEGER NOT NULL DEFAULT 0',
      "UPDATE users SET admin = 1 WHERE role = 'admin'",
    ],
  },
];

/**
 * Creates the tables of a new organisation object and brings one created by an earlier
 * version up to date. Each added column commits with its backfill in one transaction, so an
 * object never holds the column without its values. Idempotent: runs when an organisation
 * is set up, and in every constructor of an object that holds one.
 */
export function applyOrgSchema(storage: DurableObjectStorage): void {
  const sql = storage.sql;
  sql.exec(ORG_SCHEMA);
  for (const step of ADDED_COLUMNS) {
    const columns = sql
      .exec<{ name: string }>(`PRAGMA table_info(${step.table})`)
      .toArray()
      .map((column) => column.name);
    if (columns.includes(step.column)) continue;
    storage.transactionSync(() => {
      for (const statement of step.statements) sql.exec(statement);
    });
  }
}
