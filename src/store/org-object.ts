/**
 * An organisation's Durable Object: the authoritative, strongly consistent home of its
 * settings, staff accounts, sessions, second factors, invitations, policy versions, its own
 * audit trail and its record of denied requests. Every staff request asks it who is calling,
 * so disabling a user, or changing their role or password, ends their sessions on the next
 * request anywhere (a KV cache could lag by a minute). Tables: LAYOUT.md, org-schema.ts.
 *
 * This class is the RPC surface only: it owns the storage handle and the server secret and
 * delegates each method to a module under ./org/ (one idea each; see their headers).
 *
 * Every check-and-set (lockout counters, a TOTP step, a recovery code, an invitation) runs
 * synchronously after the last await of its method, so the object's input gate keeps two
 * requests from both passing the check (PLATFORM.md, "Input gate"). The delegates keep that
 * rule; this shell adds no await of its own.
 *
 * Public methods are RPC and return result values rather than throwing (workers-sdk 14736).
 */
import { DurableObject } from 'cloudflare:workers';

import type { AuditActor, AuditRecord, ChainVerification } from '../audit/chain';
import { burnPasswordCheck } from '../auth/password';
import type { StaffRole } from '../auth/permissions';
import type { RoleSet } from '../auth/roles';
import type { Env } from '../env';
import { resolveEnv } from '../env';
import { configureLogging } from '../log';
import type { StaffAccount } from './org/accounts';
import { listAccounts, toAccount, userById } from './org/accounts';
import type { ConfirmPasswordFailure } from './org/confirm-password';
import type { Denial, RequestInfo } from './org/denials';
import { insertDenial, listDenials } from './org/denials';
import type { Failure } from './org/failure';
import { acceptInvitation, INVALID_INVITATION, inviteUser } from './org/invitations';
import type { LoginResult } from './org/login';
import { BAD_CODE, completeTotpLogin, INVALID, login } from './org/login';
import { readOrgAuditTrail } from './org/org-audit';
import { changeEmail, changePassword } from './org/own-account';
import type { OrgPolicies, PolicyKind, StoredPolicyVersion } from './org/policies';
import {
  currentPolicies,
  defaultPolicies,
  listPolicyVersions,
  publishPolicy,
} from './org/policies';
import type { AuthResult } from './org/sessions';
import { authenticate, logout } from './org/sessions';
import type { OrgSettings } from './org/settings';
import { readSettings, setupOrg, updateOrgSettings } from './org/settings';
import type { UserChanges } from './org/staff';
import { addUser, updateUser } from './org/staff';
import { confirmTotp, resetTotp, startTotp } from './org/totp';
import { applyOrgSchema } from './org-schema';
import { hasTable } from './sqlite';

export type { StaffAccount, StaffUser } from './org/accounts';
export { DENIALS_KEPT } from './org/denials';
export type { Denial, RequestInfo } from './org/denials';
export { INVITATION_LIFETIME_MS } from './org/invitations';
export { CHALLENGE_ATTEMPTS, CHALLENGE_LIFETIME_MS } from './org/login';
export type { LoginResult } from './org/login';
export type { OrgPolicies, PolicyKind, StoredPolicyVersion } from './org/policies';
export { RECOVERY_CODES } from './org/recovery-codes';
export { SESSION_IDLE_MS, SESSION_LIFETIME_MS } from './org/sessions';
export type { AuthResult } from './org/sessions';
export type { OrgSettings } from './org/settings';
export type { UserChanges } from './org/staff';

export class OrgObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly storage: DurableObjectStorage;
  /**
   * Whether an organisation was set up here. The object of a name nobody created (a slug in
   * a URL, a login form, a forged token's prefix) gets no tables: the methods a stranger can
   * reach answer as for nobody, and nothing is stored for them. Every other method is reached
   * only through a session, which only an organisation that exists has.
   */
  private exists: boolean;

  constructor(ctx: DurableObjectState, bindings: Env) {
    const env = resolveEnv(bindings).env;
    super(ctx, env);
    configureLogging(env.LOG_LEVEL);
    this.storage = ctx.storage;
    this.sql = ctx.storage.sql;
    this.exists = hasTable(this.sql, 'org');
    if (this.exists) applyOrgSchema(ctx.storage);
  }

  /** Creates the organisation once; later calls change nothing and report false. */
  async setup(settings: OrgSettings & { demo?: boolean }): Promise<{ created: boolean }> {
    if (!this.exists) applyOrgSchema(this.storage);
    this.exists = true;

    return setupOrg(this.storage, settings);
  }

  /** The organisation's settings, or null when it does not exist. */
  async settings(): Promise<OrgSettings | null> {
    return this.exists ? readSettings(this.sql) : null;
  }

  /** Switches the organisation's own TOTP requirement; audited. */
  async updateSettings(
    changes: { requireTotp?: boolean | undefined },
    actor: AuditActor,
  ): Promise<{ ok: true; settings: OrgSettings } | Failure<'not_found'>> {
    return updateOrgSettings(this.storage, changes, actor);
  }

  /** The policies in force: the newest stored version of each, else the defaults. */
  async policies(): Promise<OrgPolicies> {
    return this.exists ? currentPolicies(this.sql) : defaultPolicies();
  }

  /** Every stored version of one kind of policy, newest first. */
  async policyVersions(kind: PolicyKind): Promise<StoredPolicyVersion[]> {
    return listPolicyVersions(this.sql, kind);
  }

  /**
   * Publishes a new version of one kind of policy (the next version number, whatever the
   * document says); audited in the same transaction.
   */
  async publishPolicy(
    kind: PolicyKind,
    document: Record<string, unknown>,
    actor: AuditActor,
  ): Promise<
    { ok: true; version: StoredPolicyVersion } | Failure<'not_found' | 'validation_failed'>
  > {
    return publishPolicy(this.storage, kind, document, actor);
  }

  /**
   * Adds a staff member with a password, without an invitation: demo seeding and tests only
   * (real accounts come through `inviteUser`). Idempotent by email.
   */
  async addUser(user: {
    email: string;
    role: StaffRole | RoleSet;
    units?: string[];
    displayName?: string;
    password: string;
  }): Promise<{ id: string; created: boolean }> {
    return addUser(this.sql, user);
  }

  /** Checks a password; with a second factor the answer is a challenge (see login.ts). */
  async login(input: { email: string; password: string }): Promise<LoginResult> {
    if (!this.exists) {
      // The same derivation as for an unknown email, though organisations are no secret.
      await burnPasswordCheck(input.password);
      return INVALID;
    }

    return login(this.sql, this.env.SERVER_SECRET, input);
  }

  /** Completes a login with a TOTP code or a recovery code, each accepted once. */
  async completeTotpLogin(input: { challenge: string; code: string }): Promise<LoginResult> {
    if (!this.exists) return BAD_CODE;

    return completeTotpLogin(this.sql, this.env.SERVER_SECRET, input);
  }

  /**
   * Who holds this session token, read from the authoritative store. A refused session is
   * recorded in `denials` with whose it was, when the token names one of ours.
   */
  async authenticate(token: string, request?: RequestInfo): Promise<AuthResult> {
    if (!this.exists) return { ok: false, reason: 'unknown_organisation' };
    const { SERVER_SECRET, TOTP_ENFORCEMENT } = this.env;

    return authenticate(this.sql, SERVER_SECRET, TOTP_ENFORCEMENT, token, request);
  }

  /** Ends one session on the server. */
  async logout(token: string): Promise<void> {
    if (!this.exists) return;
    logout(this.sql, this.env.SERVER_SECRET, token);
  }

  /** A staff member by id (assignment checks, notification addresses), or null. */
  async user(id: string): Promise<StaffAccount | null> {
    const row = userById(this.sql, id);

    return row ? toAccount(this.sql, row) : null;
  }

  /** All staff, for the admin UI and for resolving notification recipients. */
  async users(): Promise<StaffAccount[]> {
    return listAccounts(this.sql);
  }

  /** Invites a staff member; the caller shows the one-time token once (72 hours). */
  async inviteUser(
    input: { email: string; roles: RoleSet; units: string[] },
    actor: AuditActor,
  ): Promise<
    | { ok: true; user: StaffAccount; token: string; expiresAt: number }
    | Failure<'already_exists' | 'validation_failed' | 'not_found'>
  > {
    return inviteUser(this.storage, this.env.SERVER_SECRET, input, actor);
  }

  /** Sets the password of an invited account; the invitation works once, within 72 hours. */
  async acceptInvitation(input: {
    token: string;
    password: string;
  }): Promise<{ ok: true } | Failure<'invalid_invitation' | 'password_policy'>> {
    if (!this.exists) return INVALID_INVITATION;

    return acceptInvitation(this.storage, this.env.SERVER_SECRET, input);
  }

  /**
   * Changes an account's roles, units or disabled flag; ends its sessions on a change of roles
   * or a disabling. Nobody changes their own; the last active admin cannot be demoted or
   * disabled.
   */
  async updateUser(
    id: string,
    changes: UserChanges,
    actor: AuditActor,
  ): Promise<
    | { ok: true; user: StaffAccount }
    | Failure<'not_found' | 'forbidden' | 'last_admin' | 'validation_failed'>
  > {
    return updateUser(this.storage, id, changes, actor);
  }

  /** Removes an account's second factor and recovery codes and ends its sessions. */
  async resetTotp(id: string, actor: AuditActor): Promise<{ ok: true } | Failure<'not_found'>> {
    return resetTotp(this.storage, id, actor);
  }

  /** Starts (or restarts) enrolment of a second factor; needs the password again. */
  async startTotp(
    userId: string,
    password: string,
  ): Promise<{ ok: true; secret: string; uri: string } | ConfirmPasswordFailure> {
    return startTotp(this.sql, this.env.SERVER_SECRET, userId, password);
  }

  /** Switches the pending second factor on after a first valid code; issues recovery codes. */
  async confirmTotp(
    userId: string,
    code: string,
    actor: AuditActor,
  ): Promise<{ ok: true; recoveryCodes: string[] } | Failure<'no_enrolment' | 'invalid_code'>> {
    return confirmTotp(this.storage, this.env.SERVER_SECRET, userId, code, actor);
  }

  /** Changes one's own password (the current one is required); ends every session. */
  async changePassword(
    userId: string,
    input: { current: string; next: string },
  ): Promise<{ ok: true } | ConfirmPasswordFailure | Failure<'password_policy'>> {
    return changePassword(this.storage, userId, input);
  }

  /** Changes one's own email (the password is required); unique within the organisation. */
  async changeEmail(
    userId: string,
    input: { email: string; password: string },
  ): Promise<
    { ok: true; user: StaffAccount } | ConfirmPasswordFailure | Failure<'already_exists'>
  > {
    return changeEmail(this.storage, userId, input);
  }

  /** Records a refused staff request (route-level 403/404 after authentication). */
  async recordDenial(entry: {
    userId: string;
    role: string;
    method: string;
    route: string;
    reason: string;
  }): Promise<void> {
    if (!this.exists) return;
    insertDenial(this.sql, entry.userId, entry.role, entry, entry.reason);
  }

  /** The newest denials first, at most `limit`. */
  async denials(limit = 500): Promise<Denial[]> {
    return listDenials(this.sql, limit);
  }

  /** The organisation's audit trail with the verification of its hash chain. */
  async auditTrail(): Promise<{
    records: AuditRecord[];
    verification: ChainVerification;
    seq: number;
  }> {
    return readOrgAuditTrail(this.sql);
  }
}
