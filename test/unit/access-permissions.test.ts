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
import type { StaffRole } from '../../src/auth/permissions';
import {
  canSeeCase,
  CASE_FIELDS,
  mayDo,
  mayRead,
  maySend,
  NON_STAFF_EVENTS,
  PERMISSIONS,
  STAFF_EVENTS,
} from '../../src/auth/permissions';
import { presentCase } from '../../src/cases/present-case';

const ROLES: StaffRole[] = ['admin', 'compliance_lead', 'handler', 'reviewer'];

const contextArb = fc.record({
  mode: fc.constantFrom('compliance' as const, 'team' as const),
  team: fc.option(fc.constantFrom('finance', 'legal'), { nil: null }),
  assignee: fc.option(fc.constantFrom('u1', 'u2', 'u3'), { nil: null }),
  excluded: fc.subarray(['u1', 'u2', 'u3']),
});
const whoArb = fc.record({
  id: fc.constantFrom('u1', 'u2', 'u3'),
  role: fc.constantFrom(...ROLES),
  units: fc.subarray(['finance', 'legal']),
});

describe('the permission table', () => {
  it('gives every case event to staff roles or to Whispr and the reporter, never both', () => {
    for (const type of CASE_EVENT_TYPES) {
      const staff = ROLES.some((role) => maySend(role, type));
      expect(staff && NON_STAFF_EVENTS.has(type), type).toBe(false);
    }
    for (const role of ROLES) {
      for (const type of STAFF_EVENTS[role]) expect(NON_STAFF_EVENTS.has(type)).toBe(false);
    }
  });

  it('lets admins and reviewers send no event and read no report content', () => {
    for (const role of ['admin', 'reviewer'] as const) {
      expect(PERMISSIONS[role].events).toEqual([]);
      expect(mayRead(role, 'content')).toBe(false);
    }
    expect(mayRead('reviewer', 'audit')).toBe(true);
    expect(mayRead('reviewer', 'states')).toBe(true);
  });

  it('keeps users and settings to admins, and case lists from them', () => {
    for (const role of ROLES) {
      expect(mayDo(role, 'users.manage')).toBe(role === 'admin');
      expect(mayDo(role, 'settings.manage')).toBe(role === 'admin');
      expect(mayDo(role, 'cases.read')).toBe(role !== 'admin');
    }
  });

  it('reserves assignment, holds, retention and export to compliance leads', () => {
    for (const type of [
      'ASSIGN',
      'PLACE_HOLD',
      'RELEASE_HOLD',
      'SET_RETENTION',
      'EXPORT',
    ] as const) {
      expect(ROLES.filter((role) => maySend(role, type))).toEqual(['compliance_lead']);
    }
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
        const handler = { ...who, role: 'handler' as const };
        expect(canSeeCase(context, handler)).toBe(inScope(context, handler));
      }),
    );
  });

  it('shows a handler in compliance mode only the cases assigned to them', () => {
    fc.assert(
      fc.property(contextArb, whoArb, (context, who) => {
        const handler = { ...who, role: 'handler' as const };
        const compliance = { ...context, mode: 'compliance' as const };
        if (canSeeCase(compliance, handler)) expect(compliance.assignee).toBe(handler.id);
      }),
    );
  });
});

describe('presentCase', () => {
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

  it('shows every field of the view to a lead, so no field is missing from the table', () => {
    const view = presentCase(envelope(created, 1), {
      role: 'compliance_lead',
      nextEvents: [],
      content,
    });

    expect(Object.keys(view).sort()).toEqual(Object.keys(CASE_FIELDS).sort());
  });

  it('shows a reviewer states and deadlines but never content', () => {
    const view = presentCase(envelope(created, 1), { role: 'reviewer', nextEvents: [], content });

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
