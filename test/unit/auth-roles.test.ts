import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CASE_ROLES,
  ROLES,
  ROLE_ALIASES,
  RoleInputSchema,
  RoleSchema,
  RoleSetInputSchema,
  caseRoleOf,
  normaliseRole,
  primaryRole,
  roleSet,
  type Role,
} from '../../src/auth/roles.js';

const TABLE: [string, Role][] = ROLES.flatMap((role) =>
  [role, ...ROLE_ALIASES[role]].map((title): [string, Role] => [title, role]),
);

describe('normaliseRole', () => {
  it.each(TABLE)('maps "%s" to %s', (title, role) => {
    expect(normaliseRole(title)).toEqual({ ok: true, role });
  });

  it.each<[string, Role]>([
    ['Case manager', 'handler'],
    ['case_manager', 'handler'],
    ['INVESTIGATOR', 'handler'],
    ['Investigator', 'handler'],
    ['Handler', 'handler'],
    ['Compliance Officer', 'compliance_lead'],
    ['Compliance Lead', 'compliance_lead'],
    ['CCO', 'compliance_lead'],
    ['Reviewer', 'reviewer'],
    ['Auditor', 'reviewer'],
    ['Administrator', 'admin'],
    ['Admin', 'admin'],
    ['IT admin', 'admin'],
    ['  it-ADMIN ', 'admin'],
  ])('maps the title organisations use, "%s", to %s', (title, role) => {
    expect(normaliseRole(title)).toEqual({ ok: true, role });
  });

  it('gives no title to two roles', () => {
    const rolesByTitle = new Map<string, Set<Role>>();
    for (const [title, role] of TABLE) {
      const folded = title.toLowerCase().replace(/[\s_-]+/g, ' ');
      rolesByTitle.set(folded, (rolesByTitle.get(folded) ?? new Set()).add(role));
    }

    for (const roles of rolesByTitle.values()) expect(roles.size).toBe(1);
  });

  it('refuses an unknown title and lists the accepted ones', () => {
    const result = normaliseRole('Janitor');

    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.message;
    expect(message).toContain('Janitor');
    for (const [title] of TABLE) expect(message).toContain(title);
  });

  it('refuses empty and near-miss titles', () => {
    for (const title of ['', '   ', 'admins', 'case', 'compliance', 'handlerx', 'super admin']) {
      expect(normaliseRole(title).ok).toBe(false);
    }
  });

  it('maps any case, spacing, underscore or hyphen variant of a title alike', () => {
    const separator = fc.stringMatching(/^[ _\-\t]{1,3}$/);
    const edge = fc.stringMatching(/^[ \t\n]{0,3}$/);

    fc.assert(
      fc.property(
        fc.constantFrom(...TABLE),
        fc.infiniteStream(fc.boolean()),
        fc.infiniteStream(separator),
        edge,
        edge,
        ([title, role], upper, separators, before, after) => {
          const words = title
            .split(/[\s_-]+/)
            .map((word) =>
              Array.from(word, (char) => (upper.next().value ? char.toUpperCase() : char)).join(''),
            );
          const typed =
            before +
            words.reduce((line, word) => `${line}${separators.next().value}${word}`) +
            after;

          expect(normaliseRole(typed)).toEqual({ ok: true, role });
        },
      ),
    );
  });
});

describe('RoleInputSchema', () => {
  it('parses a typed title into its role', () => {
    expect(RoleInputSchema.parse('Case manager')).toBe('handler');
    expect(RoleSchema.parse(RoleInputSchema.parse('CCO'))).toBe('compliance_lead');
  });

  it('reports an unknown title as an issue carrying the accepted names', () => {
    const result = RoleInputSchema.safeParse('Janitor');

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/not a known role.*Case manager/);
  });

  it('refuses a value that is not a string', () => {
    expect(RoleInputSchema.safeParse(3).success).toBe(false);
  });
});

describe('roleSet', () => {
  it('accepts any one role, and admin with any one case role, in canonical order', () => {
    for (const role of ROLES) expect(roleSet([role])).toEqual({ ok: true, roles: [role] });
    for (const caseRole of CASE_ROLES) {
      const expected = { ok: true, roles: ['admin', caseRole] };
      expect(roleSet(['admin', caseRole])).toEqual(expected);
      expect(roleSet([caseRole, 'admin'])).toEqual(expected);
    }
  });

  it('refuses two case roles, whatever else comes with them, and an empty list', () => {
    for (const a of CASE_ROLES) {
      for (const b of CASE_ROLES.filter((role) => role !== a)) {
        const result = roleSet([a, b]);
        expect(result.ok, `${a} and ${b}`).toBe(false);
        expect(result.ok ? '' : result.message).toMatch(/at most one case role/);
        expect(roleSet(['admin', a, b]).ok).toBe(false);
      }
    }
    expect(roleSet([]).ok).toBe(false);
  });

  it('counts the same role named twice once', () => {
    expect(roleSet(['admin', 'admin'])).toEqual({ ok: true, roles: ['admin'] });
    expect(roleSet(['handler', 'handler'])).toEqual({ ok: true, roles: ['handler'] });
  });

  it('shows the case role as the role, and admin only for an admin without one', () => {
    expect(primaryRole(['admin'])).toBe('admin');
    expect(primaryRole(['admin', 'reviewer'])).toBe('reviewer');
    expect(caseRoleOf(['admin'])).toBeNull();
    expect(caseRoleOf(['admin', 'handler'])).toBe('handler');
  });
});

describe('RoleSetInputSchema', () => {
  it('parses titles through the alias table into a role set', () => {
    expect(RoleSetInputSchema.parse(['IT admin', 'Case manager'])).toEqual(['admin', 'handler']);
    expect(RoleSetInputSchema.parse(['Auditor'])).toEqual(['reviewer']);
  });

  it('names the unknown title by its place in the list', () => {
    const result = RoleSetInputSchema.safeParse(['admin', 'Janitor']);

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([1]);
    expect(result.error?.issues[0]?.message).toMatch(/"Janitor" is not a known role/);
  });

  it('refuses two case roles, an empty list and more than two names', () => {
    expect(RoleSetInputSchema.safeParse(['Investigator', 'CCO']).success).toBe(false);
    expect(RoleSetInputSchema.safeParse([]).success).toBe(false);
    expect(RoleSetInputSchema.safeParse(['admin', 'handler', 'admin']).success).toBe(false);
    expect(RoleSetInputSchema.safeParse('admin').success).toBe(false);
  });
});
