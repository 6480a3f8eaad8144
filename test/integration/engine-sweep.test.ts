import { createScheduledController, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

import worker from '../../src/index';
import {
  appApi,
  appEvent,
  appSubmitCase,
  bindings,
  caseObject,
  kvSummary,
  settledSummary,
} from './engine-helpers';
import { createOrg } from './helpers';

async function runCron(scheduledTime: number): Promise<void> {
  const controller = createScheduledController({ scheduledTime, cron: '*/15 * * * *' });
  await worker.scheduled(controller, bindings);
}

describe('cron sweep', () => {
  it('purges a case whose alarm was lost, once its retention date has passed', async () => {
    const org = await createOrg();
    const lead = org.users.lead!;
    const created = await appSubmitCase(org);
    await appEvent(lead.token, created.id, { type: 'CLOSE', outcome: 'unfounded' });
    const closed = await appApi('GET', `/api/cases/${created.id}`, { token: lead.token });
    const until = Date.parse(closed.body.closedAt) + 1;
    await appEvent(lead.token, created.id, {
      type: 'SET_RETENTION',
      until: new Date(until).toISOString(),
      reason: 'test',
    });
    expect((await settledSummary(org.slug, created.id))?.nextWakeAt).toBe(
      new Date(until).toISOString(),
    );
    await runInDurableObject(caseObject(org.slug, created.id), (_, state) =>
      state.storage.deleteAlarm(),
    );

    await runCron(Date.now() + 1000);

    const view = await appApi('GET', `/api/cases/${created.id}`, { token: lead.token });
    expect(view.body.states.retention).toBe('purged');
  });

  it('leaves a case alone whose next wake-up lies in the future, and re-arms nothing early', async () => {
    const org = await createOrg();
    const created = await appSubmitCase(org);
    const before = await appApi('GET', `/api/cases/${created.id}/audit`, {
      token: org.users.lead!.token,
    });

    await runCron(Date.now());

    const after = await appApi('GET', `/api/cases/${created.id}/audit`, {
      token: org.users.lead!.token,
    });
    expect(after.body.seq).toBe(before.body.seq);
    const alarm = await runInDurableObject(caseObject(org.slug, created.id), (_, state) =>
      state.storage.getAlarm(),
    );
    expect(alarm).toBe(Date.parse((await kvSummary(org.slug, created.id))!.nextWakeAt!));
  });
});
