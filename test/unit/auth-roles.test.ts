import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ROLES,
  ROLE_ALIASES,
  RoleInputSchema,
  RoleSchema,
  normaliseRole,
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
