import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { FIRST_LOCKOUT_MS, lockoutPeriod, MAX_LOCKOUT_MS } from '../../src/mailbox/lockout';

describe('lockoutPeriod', () => {
  it('starts at 15 minutes and doubles with each lockout', () => {
    expect([1, 2, 3, 4].map(lockoutPeriod)).toEqual([15, 30, 60, 120].map((m) => m * 60_000));
  });

  it('never shrinks, never exceeds a day, and is never shorter than the first period', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 10_000 }), (n) => {
        const period = lockoutPeriod(n);
        expect(period).toBeGreaterThanOrEqual(FIRST_LOCKOUT_MS);
        expect(period).toBeLessThanOrEqual(MAX_LOCKOUT_MS);
        expect(lockoutPeriod(n + 1)).toBeGreaterThanOrEqual(period);
      }),
    );
  });
});
