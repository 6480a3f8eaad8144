/**
 * An organisation's settings (tables `org`, a single row, and `units`): creating the
 * organisation once, reading its settings, switching its TOTP requirement. Writes are audited
 * in the organisation's trail in the same transaction.
 */
import type { ProductMode } from '../../../machines/context';
import type { AuditActor } from '../../audit/chain';
import type { Failure } from './failure';
import { appendOrgAudit } from './org-audit';

/** What an organisation is and how it works. */
export interface OrgSettings {
  slug: string;
  name: string;
  mode: ProductMode;
  requireTotp: boolean;
  units: string[];
}

/** The organisation's settings, or null before `setupOrg`. */
export function readSettings(sql: SqlStorage): OrgSettings | null {
  const row = sql
    .exec<{ slug: string; name: string; mode: ProductMode; require_totp: number }>(
      'SELECT slug, name, mode, require_totp FROM org WHERE id = 1',
    )
    .toArray()[0];
  if (!row) return null;
  const units = sql
    .exec<{ name: string }>('SELECT name FROM units ORDER BY name')
    .toArray()
    .map((u) => u.name);

  return {
    slug: row.slug,
    name: row.name,
    mode: row.mode,
    requireTotp: row.require_totp === 1,
    units,
  };
}

/** The organisation's region states for its audit records (before / after a change). */
export function orgStates(sql: SqlStorage): Record<string, string> {
  const settings = readSettings(sql);

  return { requireTotp: settings?.requireTotp ? 'on' : 'off' };
}

/** Creates the organisation once; later calls change nothing and report false. */
export function setupOrg(
  storage: DurableObjectStorage,
  settings: OrgSettings & { demo?: boolean },
): { created: boolean } {
  const sql = storage.sql;
  if (readSettings(sql)) return { created: false };

  const now = Date.now();
  storage.transactionSync(() => {
    sql.exec(
      'INSERT INTO org (id, slug, name, mode, require_totp, created_at, demo) VALUES (1, ?, ?, ' +
        '?, ?, ?, ?)',
      settings.slug,
      settings.name,
      settings.mode,
      settings.requireTotp ? 1 : 0,
      now,
      settings.demo ? 1 : 0,
    );
    for (const unit of settings.units) sql.exec('INSERT INTO units (name) VALUES (?)', unit);
    appendOrgAudit(sql, { id: 'system', role: 'system' }, 'ORG_CREATED', null, orgStates(sql), {
      mode: settings.mode,
    });
  });

  return { created: true };
}

/**
 * Switches the organisation's own TOTP requirement; audited. An unchanged value writes nothing
 * and adds no audit record.
 */
export function updateOrgSettings(
  storage: DurableObjectStorage,
  changes: { requireTotp?: boolean | undefined },
  actor: AuditActor,
): { ok: true; settings: OrgSettings } | Failure<'not_found'> {
  const sql = storage.sql;
  const current = readSettings(sql);
  if (!current) return { ok: false, code: 'not_found', message: 'No such organisation.' };
  if (changes.requireTotp === undefined || changes.requireTotp === current.requireTotp) {
    return { ok: true, settings: current };
  }

  const before = orgStates(sql);
  storage.transactionSync(() => {
    sql.exec('UPDATE org SET require_totp = ? WHERE id = 1', changes.requireTotp ? 1 : 0);
    appendOrgAudit(sql, actor, 'SETTINGS_UPDATED', before, orgStates(sql), {});
  });

  return { ok: true, settings: readSettings(sql) ?? current };
}
