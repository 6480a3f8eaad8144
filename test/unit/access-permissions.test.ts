import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createCase, envelope } from '../../machines/engine';
import { CASE_EVENT_TYPES } from '../../machines/events';
import { inScope } from '../../machines/guards';
import {
  BASE_DELAY_MS,
  FREE_ATTEMPTS,
  lockedUntilAfter,
  MAX_DELAY_MS,
  parseTotpEnforcement,
  totpRequired,
} from '../../src/auth/lockout';
import type { StaffAction, StaffRole } from '../../src/auth/permissions';
import {
  ASSIGNABLE_ROLES,
  canSeeCase,
  CASE_FIELDS,
  mayBeAssigned,
  mayDo,
  mayRead,
  maySend,
  NON_STAFF_EVENTS,
  PERMISSIONS,
  STAFF_EVENTS,
} from '../../src/auth/permissions';
import { CASE_ROLES } from '../../src/auth/roles';
import { presentCase } from '../../src/cases/present-case';

const ROLES: StaffRole[] = ['admin', 'compliance_lead', 'handler', 'reviewer'];
const ACTIONS = [...new Set(ROLES.flatMap((role) => PERMISSIONS[role].actions))];

const created = createCase({
  caseId: 'c_00000000000000000000',
  orgId: 'org',
  caseRef: 'ABCD-EFGH',
  mode: 'compliance',
  channel: 'written',
  category: 'fraud',
  receivedAt: Date.UTC(2026, 0, 5),
  retention: { policyVersion: 1, closedCaseDays: 1095, oralRecordDays: 1095, byOutcome: {} },
});
const content = { report: { description: 'secret' }, messages: [], notes: [] } as never;

const contextArb = fc.record({
  mode: fc.constantFrom('compliance' as const, 'team' as const),
  team: fc.option(fc.constantFrom('finance', 'legal'), { nil: null }),
  assignee: fc.option(fc.constantFrom('u1', 'u2', 'u3'), { nil: null }),
  excluded: fc.subarray(['u1', 'u2', 'u3']),
});
const whoArb = fc
  .record({
    id: fc.constantFrom('u1', 'u2', 'u3'),
    role: fc.constantFrom(...ROLES),
    units: fc.subarray(['finance', 'legal']),
  })
  .map((who) => ({ ...who, roles: [who.role] }));

describe('the permission table', () => {
  it('gives every case event to staff roles or to Whispr and the reporter, never both', () => {
    for (const type of CASE_EVENT_TYPES) {
      const staff = ROLES.some((role) => maySend([role], type));
      expect(staff && NON_STAFF_EVENTS.has(type), type).toBe(false);
    }
    for (const role of ROLES) {
      for (const type of STAFF_EVENTS[role]) expect(NON_STAFF_EVENTS.has(type)).toBe(false);
    }
  });

  it('lets admins and reviewers send no event and read no report content', () => {
    for (const role of ['admin', 'reviewer'] as const) {
      expect(PERMISSIONS[role].events).toEqual([]);
      expect(mayRead([role], 'content')).toBe(false);
    }
    expect(mayRead(['reviewer'], 'audit')).toBe(true);
    expect(mayRead(['reviewer'], 'states')).toBe(true);
  });

  it('keeps users and settings to admins, and case lists from them', () => {
    for (const role of ROLES) {
      expect(mayDo([role], 'users.manage')).toBe(role === 'admin');
      expect(mayDo([role], 'settings.manage')).toBe(role === 'admin');
      expect(mayDo([role], 'cases.read')).toBe(role !== 'admin');
    }
  });

  it('lets exactly the roles with events to send work cases and be assigned one', () => {
    for (const role of ROLES) {
      expect(mayDo([role], 'cases.work'), role).toBe(PERMISSIONS[role].events.length > 0);
    }
    expect([...ASSIGNABLE_ROLES].sort()).toEqual(['compliance_lead', 'handler']);
    expect(mayBeAssigned(['reviewer'])).toBe(false);
    expect(mayBeAssigned(['admin'])).toBe(false);
    expect(mayBeAssigned(['admin', 'handler'])).toBe(true);
  });

  it('reserves assignment, holds, retention and export to compliance leads', () => {
    for (const type of [
      'ASSIGN',
      'PLACE_HOLD',
      'RELEASE_HOLD',
      'SET_RETENTION',
      'EXPORT',
    ] as const) {
      expect(ROLES.filter((role) => maySend([role], type))).toEqual(['compliance_lead']);
    }
  });
});

describe('an admin who also holds a case role', () => {
  it('may take every action of either role, and no other', () => {
    for (const caseRole of CASE_ROLES) {
      for (const action of ACTIONS as StaffAction[]) {
        const either = mayDo(['admin'], action) || mayDo([caseRole], action);
        expect(mayDo(['admin', caseRole], action), `admin+${caseRole} ${action}`).toBe(either);
      }
    }
    expect(mayDo(['admin', 'handler'], 'users.manage')).toBe(true);
    expect(mayDo(['admin', 'handler'], 'cases.record_oral')).toBe(true);
    expect(mayDo(['admin', 'reviewer'], 'policies.manage')).toBe(false);
  });

  it('sends and reads of a case exactly what the case role alone does', () => {
    for (const caseRole of CASE_ROLES) {
      for (const type of CASE_EVENT_TYPES) {
        expect(maySend(['admin', caseRole], type), `${caseRole} ${type}`).toBe(
          maySend([caseRole], type),
        );
      }
      for (const part of ['states', 'content', 'audit'] as const) {
        expect(mayRead(['admin', caseRole], part)).toBe(mayRead([caseRole], part));
      }
    }
  });

  it('sees the cases the case role sees: an admin and handler only those in scope', () => {
    fc.assert(
      fc.property(contextArb, whoArb, fc.constantFrom(...CASE_ROLES), (context, who, caseRole) => {
        const alone = { ...who, role: caseRole, roles: [caseRole] };
        const both = { ...who, role: caseRole, roles: ['admin' as const, caseRole] };
        expect(canSeeCase(context, both)).toBe(canSeeCase(context, alone));
        if (caseRole === 'handler') {
          expect(canSeeCase(context, both)).toBe(inScope(context, { ...who, role: 'handler' }));
        }
      }),
    );
  });

  it('is shown the fields of a case its case role reads, content included for a handler', () => {
    const view = presentCase(envelope(created, 1), {
      roles: ['admin', 'handler'],
      nextEvents: [],
      content,
    });
    const reviewer = presentCase(envelope(created, 1), {
      roles: ['admin', 'reviewer'],
      nextEvents: [],
      content,
    });

    expect(view).toHaveProperty('content');
    expect(reviewer).not.toHaveProperty('content');
  });
});

describe('canSeeCase', () => {
  it('never shows a case to an admin, or to anyone excluded from it', () => {
    fc.assert(
      fc.property(contextArb, whoArb, (context, who) => {
        if (who.role === 'admin' || context.excluded.includes(who.id)) {
          expect(canSeeCase(context, who)).toBe(false);
        }
      }),
    );
  });

  it("shows a handler exactly the cases the machine's isAssignee rule lets them work", () => {
    fc.assert(
      fc.property(contextArb, whoArb, (context, who) => {
        const handler = { ...who, role: 'handler' as const, roles: ['handler' as const] };
        expect(canSeeCase(context, handler)).toBe(inScope(context, handler));
      }),
    );
  });

  it('shows a handler in compliance mode only the cases assigned to them', () => {
    fc.assert(
      fc.property(contextArb, whoArb, (context, who) => {
        const handler = { ...who, role: 'handler' as const, roles: ['handler' as const] };
        const compliance = { ...context, mode: 'compliance' as const };
        if (canSeeCase(compliance, handler)) expect(compliance.assignee).toBe(handler.id);
      }),
    );
  });
});

describe('presentCase', () => {
  it('shows every field of the view to a lead, so no field is missing from the table', () => {
    const view = presentCase(envelope(created, 1), {
      roles: ['compliance_lead'],
      nextEvents: [],
      content,
    });

    expect(Object.keys(view).sort()).toEqual(Object.keys(CASE_FIELDS).sort());
  });

  it('shows a reviewer states and deadlines but never content', () => {
    const view = presentCase(envelope(created, 1), {
      roles: ['reviewer'],
      nextEvents: [],
      content,
    });

    expect(view).not.toHaveProperty('content');
    expect(view).toHaveProperty('deadlines');
    expect(JSON.stringify(view)).not.toContain('secret');
  });
});

describe('lockout', () => {
  it('allows the first failures, then delays by a doubling amount up to one hour', () => {
    const now = 1_000_000;
    for (let n = 0; n < FREE_ATTEMPTS; n += 1) expect(lockedUntilAfter(n, now)).toBe(0);
    expect(lockedUntilAfter(FREE_ATTEMPTS, now)).toBe(now + BASE_DELAY_MS);
    expect(lockedUntilAfter(FREE_ATTEMPTS + 1, now)).toBe(now + 2 * BASE_DELAY_MS);
    fc.assert(
      fc.property(fc.integer({ min: FREE_ATTEMPTS, max: 10_000 }), (n) => {
        const delay = lockedUntilAfter(n, now) - now;
        expect(delay).toBeLessThanOrEqual(MAX_DELAY_MS);
        expect(lockedUntilAfter(n + 1, now) - now).toBeGreaterThanOrEqual(delay);
      }),
    );
  });
});

describe('TOTP enforcement', () => {
  it('requires TOTP for everyone under "all", and per organisation under "org"', () => {
    expect(totpRequired('all', false)).toBe(true);
    expect(totpRequired('org', true)).toBe(true);
    expect(totpRequired('org', false)).toBe(false);
  });

  it('reads an unknown deployment setting as "all", failing closed', () => {
    expect(parseTotpEnforcement('org')).toBe('org');
    expect(parseTotpEnforcement(undefined)).toBe('org');
    expect(parseTotpEnforcement('al')).toBe('all');
    expect(parseTotpEnforcement('ALL')).toBe('all');
  });
});
