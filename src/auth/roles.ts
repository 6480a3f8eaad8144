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
 *   unless also given another role.
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
