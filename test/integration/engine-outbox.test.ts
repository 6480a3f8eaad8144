/**
 * The case's side effects in workerd: the KV read model written through the outbox after each
 * commit, the outbox emptied once delivered, the alarm armed for the next deadline, and the
 * snapshot envelope the object stores. Reads the object's storage with runInDurableObject;
 * writes only through the HTTP API and the object's own RPC methods and alarm.
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

import { CASE_MACHINE_VERSION } from '../../machines/case';
import type { CaseEnvelope } from '../../machines/engine';
import {
  appApi,
  appEvent,
  appSubmitCase,
  auditOf,
  caseObject,
  kvSummary,
  settledSummary,
} from './engine-helpers';
import { createOrg, eventually } from './helpers';

/** The object's own storage: envelope, outbox rows and armed alarm. */
function storageOf(org: string, caseId: string) {
  return runInDurableObject(caseObject(org, caseId), async (_instance, state) => {
    const row = state.storage.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'envelope'")
      .toArray()[0];

    return {
      envelope: row ? (JSON.parse(row.value) as CaseEnvelope) : null,
      outbox: state.storage.sql
        .exec<{ kind: string; attempts: number; next_attempt_at: number }>(
          'SELECT kind, attempts, next_attempt_at FROM outbox ORDER BY id',
        )
        .toArray(),
      alarm: await state.storage.getAlarm(),
    };
  });
}

describe('case outbox and read model', () => {
  it('mirrors the new states and seq to the case key in KV after an accepted event', async () => {
    const org = await createOrg();
    const { lead, handler } = org.users;
    const created = await appSubmitCase(org);
    const before = await kvSummary(org.slug, created.id);

    const assigned = await appEvent(lead!.token, created.id, {
      type: 'ASSIGN',
      assignee: handler!.id,
    });
    const acknowledged = await appEvent(lead!.token, created.id, { type: 'ACKNOWLEDGE' });

    expect(before).toMatchObject({ id: created.id, seq: 2, states: { routing: 'queued' } });
    expect(assigned.status).toBe(200);
    expect(acknowledged.status).toBe(200);
    const after = await settledSummary(org.slug, created.id);
    expect(after).toMatchObject({
      id: created.id,
      caseRef: created.caseRef,
      assignee: handler!.id,
      seq: 4,
      states: {
        lifecycle: 'acknowledged',
        routing: 'assigned',
        hold: 'none',
        retention: 'retained',
      },
    });
    // The list metadata is the same summary: lists never read the value.
    const page = await appApi('GET', '/api/cases', { token: lead!.token });
    expect(page.body.items.find((i: { id: string }) => i.id === created.id)).toEqual(after);
  });

  it('empties the outbox once delivered and arms the alarm for the next deadline', async () => {
    const org = await createOrg();
    const created = await appSubmitCase(org);

    const note = await appEvent(org.users.lead!.token, created.id, { type: 'ADD_NOTE', body: 'n' });

    expect(note.status).toBe(200);
    // Delivered after the answer: wait for it rather than race it.
    const stored = await eventually(
      () => storageOf(org.slug, created.id),
      (s) => s.outbox.length === 0 && s.alarm !== null,
    );
    expect(stored.outbox).toEqual([]);
    // Unacknowledged and open: the next deadline is the acknowledgement's (Art. 9(1)(b)).
    // A deadline is missed once it has passed: the TICK that records it is accepted 1 ms after.
    expect(stored.alarm).toBe(stored.envelope!.snapshot.context.deadlines.acknowledgeBy + 1);
  });

  it('stores the snapshot in an envelope whose seq is the audit length', async () => {
    const org = await createOrg();
    const created = await appSubmitCase(org);
    for (const event of [
      { type: 'ACKNOWLEDGE' },
      { type: 'PLACE_HOLD', reason: 'litigation' },
      { type: 'CLOSE', outcome: 'unfounded' },
    ]) {
      await appEvent(org.users.lead!.token, created.id, event);
    }

    const stored = await storageOf(org.slug, created.id);
    const audit = await auditOf(org.slug, created.id);

    expect(stored.envelope).toMatchObject({
      machine: 'case',
      version: CASE_MACHINE_VERSION,
      seq: audit.records.length,
      snapshot: {
        value: {
          lifecycle: 'acknowledged',
          routing: 'queued',
          hold: 'active',
          retention: 'retained',
        },
        context: { caseId: created.id, orgId: org.slug },
      },
    });
    expect(Object.keys(stored.envelope!).sort()).toEqual(['machine', 'seq', 'snapshot', 'version']);
    expect(audit.records.at(-1)!.after).toEqual(stored.envelope!.snapshot.value);
  });

  // Found by this test: the mirror row was enqueued without the commit's seq, so the first
  // delivery, which claimed the row before awaiting its KV put, deleted it afterwards although
  // later commits had bumped it, and the key stayed stale until the next event.
  it('leaves the read model at the newest seq, or a mirror pending, after a burst', async () => {
    const org = await createOrg();
    const lead = org.users.lead!;
    const stale: Array<{ kv: number | undefined; audit: number }> = [];

    for (let round = 0; round < 5; round += 1) {
      const created = await appSubmitCase(org);
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          appEvent(lead.token, created.id, { type: 'ADD_NOTE', body: `note ${i}` }),
        ),
      );

      const audit = await auditOf(org.slug, created.id);
      // Delivered after the answers, retried by the alarm if a delivery lost the race: the
      // summary must reach the newest seq either way (the alarm is run if it lags).
      const summary = await settledSummary(org.slug, created.id);
      if (summary?.seq !== audit.seq) stale.push({ kv: summary?.seq, audit: audit.seq });
    }

    expect(stale).toEqual([]);
  });
});
