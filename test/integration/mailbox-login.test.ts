import { describe, expect, it } from 'vitest';

import { api, createOrg, submitCase } from './helpers';
import { editMailboxMeta } from './reporter-fixtures';

/** A credential of the right shape that was never issued. */
const FORGED_TOKEN = 'MBX-0000-0000-0000-0000-0000';
const FORGED_CODE = 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ';

function login(body: { token: string; returnCode: string }) {
  return api('POST', '/api/mailbox/login', { body });
}

describe('mailbox login', () => {
  it('opens a session with the token and the return code, typed loosely', async () => {
    const org = await createOrg();
    const { mailbox } = await submitCase(org);

    const res = await login({
      token: mailbox.token.toLowerCase().replaceAll('-', ' '),
      returnCode: mailbox.returnCode.replaceAll('0', 'O'),
    });
    const view = await api('GET', '/api/mailbox', { token: res.body.session });

    expect(res.status).toBe(200);
    expect(res.body.session).toMatch(/^mbs\./);
    expect(view.status).toBe(200);
  });

  it('refuses a wrong token and a wrong return code with the same answer', async () => {
    const org = await createOrg();
    const { mailbox } = await submitCase(org);

    const wrongToken = await login({ token: FORGED_TOKEN, returnCode: mailbox.returnCode });
    const wrongCode = await login({ token: mailbox.token, returnCode: FORGED_CODE });
    const malformed = await login({ token: 'nonsense', returnCode: 'x' });

    expect(wrongToken.status).toBe(401);
    expect(wrongCode.status).toBe(401);
    expect(malformed.status).toBe(401);
    expect(wrongCode.body).toEqual(wrongToken.body);
    expect(malformed.body).toEqual(wrongToken.body);
    expect([...wrongCode.headers.keys()].sort()).toEqual([...wrongToken.headers.keys()].sort());
  });

  it('never accepts credentials in the URL', async () => {
    const org = await createOrg();
    const { mailbox } = await submitCase(org);
    const query = new URLSearchParams({ token: mailbox.token, returnCode: mailbox.returnCode });

    const res = await api('GET', `/api/mailbox/login?${query}`);

    expect(res.status).toBe(404);
  });

  it('locks the mailbox after 10 wrong codes, records it without the guesses, and releases it after the period', async () => {
    const org = await createOrg();
    const created = await submitCase(org);
    const guesses = Array.from({ length: 10 }, (_, i) => `GUES-S${i}00-0000-0000-0000`);

    for (const guess of guesses) {
      const res = await login({ token: created.mailbox.token, returnCode: guess });
      expect(res.status).toBe(401);
    }
    const locked = await login(created.mailbox);
    const audit = await api('GET', `/api/cases/${created.id}/audit`, {
      token: org.users.lead!.token,
    });

    expect(locked.status).toBe(423);
    expect(locked.body.error).toBe('locked');
    const record = audit.body.records.at(-1);
    expect(record.type).toBe('MAILBOX_LOCKED');
    expect(record.actor).toEqual({ id: 'system', role: 'system' });
    expect(Date.parse(record.details.until) - Date.parse(record.at)).toBe(15 * 60 * 1000);
    for (const guess of guesses) expect(JSON.stringify(audit.body)).not.toContain(guess);

    // The period is stored state; move it into the past rather than wait 15 minutes.
    await editMailboxMeta(org.slug, created.id, (meta) => ({
      ...meta,
      lockedUntil: Date.now() - 1,
    }));
    const released = await login(created.mailbox);

    expect(released.status).toBe(200);
  });

  it('doubles the period on the next lockout', async () => {
    const org = await createOrg();
    const created = await submitCase(org);
    const failTen = async () => {
      for (let i = 0; i < 10; i++) {
        await login({ token: created.mailbox.token, returnCode: FORGED_CODE });
      }
    };

    await failTen();
    await editMailboxMeta(org.slug, created.id, (meta) => ({
      ...meta,
      lockedUntil: Date.now() - 1,
    }));
    await failTen();
    const meta = await editMailboxMeta(org.slug, created.id, (m) => m);
    const audit = await api('GET', `/api/cases/${created.id}/audit`, {
      token: org.users.lead!.token,
    });
    const locks = audit.body.records.filter((r: { type: string }) => r.type === 'MAILBOX_LOCKED');

    expect(meta.lockouts).toBe(2);
    expect(locks).toHaveLength(2);
    expect(Date.parse(locks[1].details.until) - Date.parse(locks[1].at)).toBe(30 * 60 * 1000);
  });

  it('starts counting again after a successful login', async () => {
    const org = await createOrg();
    const created = await submitCase(org);

    for (let i = 0; i < 9; i++)
      await login({ token: created.mailbox.token, returnCode: FORGED_CODE });
    expect((await login(created.mailbox)).status).toBe(200);
    for (let i = 0; i < 9; i++)
      await login({ token: created.mailbox.token, returnCode: FORGED_CODE });

    expect((await login(created.mailbox)).status).toBe(200);
  });

  it('ends the session on logout and refuses a forged or foreign session', async () => {
    const org = await createOrg();
    const a = await submitCase(org);
    const b = await submitCase(org);
    const session = (await login(a.mailbox)).body.session as string;
    const forged = session.replace(a.id, b.id);

    const foreign = await api('GET', '/api/mailbox', { token: forged });
    const out = await api('POST', '/api/mailbox/logout', { token: session });
    const after = await api('GET', '/api/mailbox', { token: session });
    const none = await api('GET', '/api/mailbox');

    expect(foreign.status).toBe(401);
    expect(out.status).toBe(204);
    expect(after.status).toBe(401);
    expect(none.status).toBe(401);
  });
});
