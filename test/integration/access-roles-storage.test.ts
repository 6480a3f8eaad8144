/**
 * The `users.admin` column (an admin may also hold a case role) on organisation objects
 * created before it existed: `applyOrgSchema` adds it once, fills it from `role`, and the
 * accounts keep working as they did. Runs in workerd on the runtime's own SQLite.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

import type { Env } from '../../src/env';
import { applyOrgSchema } from '../../src/store/org-schema';
import { api, createOrg } from './helpers';

// `env` from cloudflare:workers is typed without this project's bindings.
const ORGS = (env as unknown as Env).ORGS;

/** `users` exactly as the version before the `admin` column created it. */
const PREVIOUS_USERS_TABLE = `
CREATE TABLE users_previous (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  display_name TEXT,
  role TEXT NOT NULL,
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
)`;

const PREVIOUS_COLUMNS =
  'id, email, display_name, role, units, password_hash, disabled, failed_logins, locked_until, ' +
  'totp_secret, totp_pending_secret, totp_last_step, created_at, updated_at';

/** Turns an organisation's `users` table back into the previous version's, rows kept. */
function toPreviousVersion(storage: DurableObjectStorage): void {
  const sql = storage.sql;
  storage.transactionSync(() => {
    sql.exec(PREVIOUS_USERS_TABLE);
    sql.exec(`INSERT INTO users_previous SELECT ${PREVIOUS_COLUMNS} FROM users`);
    sql.exec('DROP TABLE users');
    sql.exec('ALTER TABLE users_previous RENAME TO users');
  });
}

function columns(storage: DurableObjectStorage): string[] {
  return storage.sql
    .exec<{ name: string }>('PRAGMA table_info(users)')
    .toArray()
    .map((c) => c.name);
}

describe('organisation objects from the previous version', () => {
  it('gain the admin column once, filled from role, and their accounts keep working', async () => {
    const org = await createOrg({
      staff: [
        { name: 'admin', role: 'admin' },
        { name: 'handler', role: 'handler' },
      ],
    });
    const { admin, handler } = org.users;
    const stub = ORGS.getByName(org.slug);
    const invited = await api('POST', '/api/users', {
      token: admin!.token,
      body: { email: `later@${org.slug}.test`, role: 'Administrator' },
    });
    expect(invited.status).toBe(201);

    const migrated = await runInDurableObject(stub, (_instance, state: DurableObjectState) => {
      toPreviousVersion(state.storage);
      const before = columns(state.storage);
      applyOrgSchema(state.storage);
      applyOrgSchema(state.storage);

      return {
        before,
        after: columns(state.storage),
        rows: state.storage.sql
          .exec<{ email: string; role: string; admin: number }>(
            'SELECT email, role, admin FROM users ORDER BY email',
          )
          .toArray(),
      };
    });

    expect(migrated.before).not.toContain('admin');
    expect(migrated.after.filter((c) => c === 'admin')).toHaveLength(1);
    expect(migrated.rows).toEqual([
      { email: admin!.email, role: 'admin', admin: 1 },
      { email: handler!.email, role: 'handler', admin: 0 },
      { email: `later@${org.slug}.test`, role: 'admin', admin: 1 },
    ]);

    // Sessions opened before survive; every account reads as it did.
    const users = await api('GET', '/api/users', { token: admin!.token });
    expect(users.status).toBe(200);
    expect(users.body.users.map((u: { roles: string[] }) => u.roles)).toEqual([
      ['admin'],
      ['handler'],
      ['admin'],
    ]);
    expect((await api('GET', '/api/cases', { token: handler!.token })).status).toBe(200);
    // The invited admin does not count as active, so the old admin is still the last one.
    const system = { id: 'system', role: 'system' };
    const demoted = await stub.updateUser(admin!.id, { roles: ['reviewer'] }, system);
    expect(demoted.ok ? 'ok' : demoted.code).toBe('last_admin');
    const granted = await api('PATCH', `/api/users/${handler!.id}`, {
      token: admin!.token,
      body: { roles: ['admin', 'handler'] },
    });
    expect(granted.body).toMatchObject({ role: 'handler', roles: ['admin', 'handler'] });
  });
});
