/**
 * An organisation's Durable Object: the authoritative, strongly consistent home of its
 * settings, staff accounts, sessions and policy versions. Every staff request asks it who
 * is calling, so disabling a user ends their sessions on the next request anywhere (a KV
 * cache could lag by a minute). Tables: LAYOUT.md.
 *
 * Public methods are RPC and return result values rather than throwing.
 */
import { DurableObject } from 'cloudflare:workers';

import type { ProductMode } from '../../machines/context';
import type { IntakePolicy, RetentionPolicy, RoutingPolicy } from '../../policies';
import {
  DEFAULT_INTAKE_POLICY,
  DEFAULT_RETENTION_POLICY,
  DEFAULT_ROUTING_POLICY,
} from '../../policies';
import { burnPasswordCheck, hashPassword, verifyPassword } from '../auth/password';
import type { StaffRole } from '../auth/permissions';
import { hmacSha256Hex, randomToken } from '../auth/tokens';
import type { Env } from '../env';
import { ORG_SCHEMA } from './org-schema';

/** Idle timeout of a staff session: 30 minutes without a request. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** Absolute lifetime of a staff session: 12 hours, whatever the activity. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

export interface OrgSettings {
  slug: string;
  name: string;
  mode: ProductMode;
  requireTotp: boolean;
  units: string[];
}

/** A staff member as every request sees them. */
export interface StaffUser {
  id: string;
  org: string;
  email: string;
  displayName: string | null;
  role: StaffRole;
  units: string[];
}

export interface OrgPolicies {
  routing: RoutingPolicy;
  retention: RetentionPolicy;
  intake: IntakePolicy;
}

type UserRow = {
  id: string;
  email: string;
  display_name: string | null;
  role: string;
  units: string;
  password_hash: string | null;
  disabled: number;
  locked_until: number;
};

export type LoginResult =
  | { ok: true; token: string; user: StaffUser }
  | { ok: false; code: 'invalid_credentials' | 'org_not_found'; message: string };

const INVALID = {
  ok: false,
  code: 'invalid_credentials',
  message: 'The email or the password is wrong.',
} as const;

export class OrgObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(ORG_SCHEMA);
  }

  /** Creates the organisation once; later calls change nothing and report false. */
  async setup(settings: OrgSettings & { demo?: boolean }): Promise<{ created: boolean }> {
    if (this.settingsRow()) return { created: false };

    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        'INSERT INTO org (id, slug, name, mode, require_totp, created_at, demo) VALUES (1, ?, ?, ?, ?, ?, ?)',
        settings.slug,
        settings.name,
        settings.mode,
        settings.requireTotp ? 1 : 0,
        now,
        settings.demo ? 1 : 0,
      );
      for (const unit of settings.units) this.sql.exec('INSERT INTO units (name) VALUES (?)', unit);
    });

    return { created: true };
  }

  /** The organisation's settings, or null when it does not exist. */
  async settings(): Promise<OrgSettings | null> {
    return this.settingsRow();
  }

  /** The policies in force: the newest stored version of each, else the defaults. */
  async policies(): Promise<OrgPolicies> {
    const latest = (kind: string) =>
      this.sql
        .exec<{ document: string }>(
          'SELECT document FROM policies WHERE kind = ? ORDER BY version DESC LIMIT 1',
          kind,
        )
        .toArray()[0]?.document;
    const routing = latest('routing');
    const retention = latest('retention');
    const intake = latest('intake');

    return {
      routing: routing ? (JSON.parse(routing) as RoutingPolicy) : DEFAULT_ROUTING_POLICY,
      retention: retention ? (JSON.parse(retention) as RetentionPolicy) : DEFAULT_RETENTION_POLICY,
      intake: intake ? (JSON.parse(intake) as IntakePolicy) : DEFAULT_INTAKE_POLICY,
    };
  }

  /** Adds a staff member with a password (demo seeding and tests); idempotent by email. */
  async addUser(user: {
    email: string;
    role: StaffRole;
    units?: string[];
    displayName?: string;
    password: string;
  }): Promise<{ id: string; created: boolean }> {
    const email = user.email.toLowerCase();
    const existing = this.userByEmail(email);
    if (existing) return { id: existing.id, created: false };

    const passwordHash = await hashPassword(user.password);
    const id = `u_${randomToken(16)}`;
    const now = Date.now();
    this.sql.exec(
      'INSERT OR IGNORE INTO users (id, email, display_name, role, units, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      id,
      email,
      user.displayName ?? null,
      user.role,
      JSON.stringify(user.units ?? []),
      passwordHash,
      now,
      now,
    );
    const stored = this.userByEmail(email);

    return { id: stored?.id ?? id, created: stored?.id === id };
  }

  /**
   * Checks a password and opens a session. An unknown email runs the same key derivation
   * as a wrong password, so the two cannot be told apart by their answer or their time.
   */
  async login(input: { email: string; password: string }): Promise<LoginResult> {
    if (!this.settingsRow()) {
      await burnPasswordCheck(input.password);
      return INVALID;
    }

    const row = this.userByEmail(input.email.toLowerCase());
    const check = row?.password_hash
      ? await verifyPassword(input.password, row.password_hash)
      : await burnPasswordCheck(input.password);
    if (!row || !check.ok || row.disabled) return INVALID;

    const token = `${this.settingsRow()?.slug}.${randomToken(32)}`;
    const now = Date.now();
    this.sql.exec(
      'INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      this.tokenHash(token),
      row.id,
      now,
      now,
      now + SESSION_LIFETIME_MS,
    );

    return { ok: true, token, user: this.toUser(row) };
  }

  /** Who holds this session token, read from the authoritative store; null when invalid. */
  async authenticate(token: string): Promise<StaffUser | null> {
    const now = Date.now();
    const hash = this.tokenHash(token);
    const session = this.sql
      .exec<{ user_id: string; last_seen_at: number; expires_at: number }>(
        'SELECT user_id, last_seen_at, expires_at FROM sessions WHERE token_hash = ?',
        hash,
      )
      .toArray()[0];
    if (!session) return null;
    if (now >= session.expires_at || now - session.last_seen_at > SESSION_IDLE_MS) {
      this.sql.exec('DELETE FROM sessions WHERE token_hash = ?', hash);
      return null;
    }

    const row = this.userById(session.user_id);
    if (!row || row.disabled) {
      this.sql.exec('DELETE FROM sessions WHERE user_id = ?', session.user_id);
      return null;
    }
    this.sql.exec('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?', now, hash);

    return this.toUser(row);
  }

  /** Ends one session on the server. */
  async logout(token: string): Promise<void> {
    this.sql.exec('DELETE FROM sessions WHERE token_hash = ?', this.tokenHash(token));
  }

  /** A staff member by id (assignment checks, notification addresses), or null. */
  async user(id: string): Promise<(StaffUser & { disabled: boolean }) | null> {
    const row = this.userById(id);

    return row ? { ...this.toUser(row), disabled: row.disabled === 1 } : null;
  }

  /** All staff, for the admin UI and for resolving notification recipients. */
  async users(): Promise<Array<StaffUser & { disabled: boolean }>> {
    return this.sql
      .exec<UserRow>('SELECT * FROM users ORDER BY email')
      .toArray()
      .map((row) => ({ ...this.toUser(row), disabled: row.disabled === 1 }));
  }

  private tokenHash(token: string): string {
    return hmacSha256Hex(this.env.SERVER_SECRET, `session:${token}`);
  }

  private settingsRow(): OrgSettings | null {
    const row = this.sql
      .exec<{ slug: string; name: string; mode: ProductMode; require_totp: number }>(
        'SELECT slug, name, mode, require_totp FROM org WHERE id = 1',
      )
      .toArray()[0];
    if (!row) return null;
    const units = this.sql
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

  private userByEmail(email: string): UserRow | undefined {
    return this.sql.exec<UserRow>('SELECT * FROM users WHERE email = ?', email).toArray()[0];
  }

  private userById(id: string): UserRow | undefined {
    return this.sql.exec<UserRow>('SELECT * FROM users WHERE id = ?', id).toArray()[0];
  }

  private toUser(row: UserRow): StaffUser {
    return {
      id: row.id,
      org: this.settingsRow()?.slug ?? '',
      email: row.email,
      displayName: row.display_name,
      role: row.role as StaffRole,
      units: JSON.parse(row.units) as string[],
    };
  }
}
