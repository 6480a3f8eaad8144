/**
 * Staff roles and the table that maps the job titles organisations use onto them.
 *
 * Pure: no I/O. `RoleInputSchema` is for the edge (invitations, imports, the admin UI), where a
 * person types a title; stored values use the canonical names in `ROLES` (`RoleSchema`).
 */
import { z } from 'zod';

/** The four staff roles, in decreasing order of authority over the organisation. */
export const ROLES = ['admin', 'compliance_lead', 'handler', 'reviewer'] as const;

/** A canonical role name, as stored. */
export const RoleSchema = z.enum(ROLES);

/** A canonical role name, as stored. */
export type Role = z.infer<typeof RoleSchema>;

/**
 * Titles accepted for each role, as people write them; matching ignores case and treats runs
 * of spaces, underscores and hyphens as one space.
 *
 * - admin: runs the organisation's account (users, domains, billing); sees no case content
 *   unless also given a case role (`RoleSet`).
 * - compliance_lead: owns the reporting channel and its policies; the "impartial person or
 *   department" that designates handlers (Directive (EU) 2019/1937, Art. 9(1)(c)).
 * - handler: follows up reports, talks with the reporter and investigates.
 * - reviewer: reads cases and the audit trail without changing anything (auditors, oversight).
 */
export const ROLE_ALIASES: Readonly<Record<Role, readonly string[]>> = {
  admin: [
    'Admin',
    'Administrator',
    'IT admin',
    'IT administrator',
    'System administrator',
    'Sysadmin',
    'Account admin',
  ],
  compliance_lead: [
    'Compliance lead',
    'Compliance officer',
    'Chief compliance officer',
    'CCO',
    'Head of compliance',
    'Compliance manager',
    'Compliance director',
  ],
  handler: [
    'Handler',
    'Case handler',
    'Case manager',
    'Case officer',
    'Caseworker',
    'Case worker',
    'Investigator',
  ],
  reviewer: ['Reviewer', 'Auditor', 'Internal auditor', 'External auditor', 'Read only', 'Viewer'],
};

/** Folds case, surrounding whitespace and separators, so "IT_Admin " and "it-admin" agree. */
function fold(title: string): string {
  return title
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

const ROLE_BY_TITLE: ReadonlyMap<string, Role> = new Map(
  ROLES.flatMap((role) =>
    [role, ...ROLE_ALIASES[role]].map((title) => [fold(title), role] as const),
  ),
);

const ACCEPTED_TITLES = ROLES.map((role) => `${role} (${ROLE_ALIASES[role].join(', ')})`).join(
  '; ',
);

/** Result of `normaliseRole`. */
export type NormaliseRoleResult = { ok: true; role: Role } | { ok: false; message: string };

/**
 * Maps a title as typed ("Case manager", "INVESTIGATOR", "compliance_lead") to its role.
 * Unknown titles are refused with a message that lists every accepted one.
 */
export function normaliseRole(input: string): NormaliseRoleResult {
  const role = ROLE_BY_TITLE.get(fold(input));
  if (role !== undefined) return { ok: true, role };

  return {
    ok: false,
    message: `"${input.trim().slice(0, 60)}" is not a known role. Use one of: ${ACCEPTED_TITLES}.`,
  };
}

/** A role title as typed, parsed into its canonical role; unknown titles are an issue. */
export const RoleInputSchema = z
  .string()
  .max(100)
  .transform((value, ctx) => {
    const result = normaliseRole(value);
    if (!result.ok) {
      ctx.addIssue({ code: 'custom', message: result.message });

      return z.NEVER;
    }

    return result.role;
  });

/** A role title after parsing: the canonical role. */
export type RoleInput = z.infer<typeof RoleInputSchema>;

/** The roles that work with cases; an account holds at most one of them. */
export const CASE_ROLES = ['compliance_lead', 'handler', 'reviewer'] as const;

/** A role that works with cases. */
export type CaseRole = (typeof CASE_ROLES)[number];

/**
 * The roles of one account: a single role, or admin together with one case role. Admin is
 * kept apart from the case roles because it runs the account and reads no case (Directive
 * (EU) 2019/1937 Art. 16: only those who handle a report learn who made it), so granting a
 * case role to an admin is a separate, visible decision. Two case roles are never combined:
 * a lead already holds a handler's events, and a reviewer is read-only by definition.
 */
export type RoleSet = readonly [Role] | readonly ['admin', CaseRole];

/** Is this role one of the case roles? */
export function isCaseRole(role: Role): role is CaseRole {
  return (CASE_ROLES as readonly Role[]).includes(role);
}

/** The account's case role, or null for an admin without one. */
export function caseRoleOf(roles: readonly Role[]): CaseRole | null {
  return roles.find(isCaseRole) ?? null;
}

/**
 * The single role the API shows as `role` and a case event is recorded under: the case role
 * when there is one, else admin.
 */
export function primaryRole(roles: readonly Role[]): Role {
  return caseRoleOf(roles) ?? 'admin';
}

/** Result of `roleSet`. */
export type RoleSetResult = { ok: true; roles: RoleSet } | { ok: false; message: string };

/**
 * Checks a list of canonical roles and puts it in canonical order (admin first). The same
 * role twice counts once ("Admin" and "IT admin" are one role); an empty list and two case
 * roles are refused.
 */
export function roleSet(roles: readonly Role[]): RoleSetResult {
  const unique = ROLES.filter((role) => roles.includes(role));
  const cases = unique.filter(isCaseRole);
  if (unique.length === 0) return { ok: false, message: 'Give the account at least one role.' };
  if (cases.length > 1) {
    return {
      ok: false,
      message:
        `An account holds at most one case role (${CASE_ROLES.join(', ')}), not ` +
        `${cases.join(' and ')}; it may in addition be an admin.`,
    };
  }

  const [caseRole] = cases;
  if (caseRole === undefined) return { ok: true, roles: ['admin'] };

  return { ok: true, roles: unique.includes('admin') ? ['admin', caseRole] : [caseRole] };
}

/**
 * One or two role titles as typed, parsed into a `RoleSet`; an unknown title is an issue at
 * its index, two case roles an issue on the list.
 */
export const RoleSetInputSchema = z
  .array(RoleInputSchema)
  .min(1, 'give one or two roles')
  .max(2, 'give at most two roles: admin and one case role')
  .transform((roles, ctx) => {
    const result = roleSet(roles);
    if (!result.ok) {
      ctx.addIssue({ code: 'custom', message: result.message });

      return z.NEVER;
    }

    return result.roles;
  });
