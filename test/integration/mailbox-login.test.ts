import { listDurableObjectIds, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

import { LIMITS } from '../../src/reporter/rate-limit';
import { appApi } from './engine-helpers';
import { api, createOrg, freshSlug, submitCase, tablesOf } from './helpers';
import { editMailboxMeta, env, mailboxLogin } from './reporter-fixtures';

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

  it('locks after 10 wrong codes, records it without the guesses, releases later', async () => {
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

  it('refuses a token it did not issue before reading, counting or creating anything', async () => {
    const org = await createOrg();
    const created = await submitCase(org);
    const issued = await mailboxLogin(created.mailbox);
    const tagless = issued.slice(0, issued.lastIndexOf('.'));
    const secret = 'A'.repeat(43);
    const tag = '0'.repeat(32);
    // Valid shape, wrong tag: the real session, a case that does not exist, and an
    // organisation that does not exist; each would create an object if it got that far.
    const forged = [
      `${tagless}.${tag}`,
      `mbs.${org.slug}.c_${'0'.repeat(20)}.${secret}.${tag}`,
      `mbs.${freshSlug('none')}.c_${'1'.repeat(20)}.${secret}.${tag}`,
    ];
    const limiter = env.MAILBOXES.getByName(`limit-${org.slug}`);
    const objects = async () => ({
      cases: (await listDurableObjectIds(env.CASES)).map(String).sort(),
      orgs: (await listDurableObjectIds(env.ORGS)).map(String).sort(),
      mailboxes: (await listDurableObjectIds(env.MAILBOXES)).map(String).sort(),
      windows: (await tablesOf(limiter)).windows,
    });
    const before = await objects();

    for (const token of forged) {
      let pulled = false;
      // highWaterMark 0: the stream is pulled only when someone reads the body.
      const body = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            pulled = true;
            controller.enqueue(new TextEncoder().encode(JSON.stringify({ body: 'flood' })));
            controller.close();
          },
        },
        { highWaterMark: 0 },
      );
      const res = await appApi('POST', '/api/mailbox/messages', { token, body });

      expect(res.status).toBe(401);
      expect(pulled, 'the body was read').toBe(false);
    }
    const after = await objects();

    expect(after).toEqual(before);
    expect((await api('GET', '/api/mailbox', { token: issued })).status).toBe(200);
  });

  it('refuses a forged page cookie before reading the form or creating an object', async () => {
    const org = await createOrg();
    const created = await submitCase(org);
    const issued = await mailboxLogin(created.mailbox);
    const forged = `${issued.slice(0, issued.lastIndexOf('.'))}.${'f'.repeat(32)}`;
    const cases = async () => (await listDurableObjectIds(env.CASES)).map(String).sort();
    const before = await cases();
    let pulled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled = true;
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );

    const res = await appApi('POST', `/r/${org.slug}/mailbox/messages`, {
      body,
      headers: {
        cookie: `whispr-mailbox=${forged}`,
        'content-type': 'multipart/form-data; boundary=x',
      },
    });

    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/r/${org.slug}/mailbox`);
    expect(pulled, 'the form was read').toBe(false);
    expect(await cases()).toEqual(before);
  });

  it("does not let an ended session use up the organisation's message limit", async () => {
    const org = await createOrg();
    const created = await submitCase(org);
    const ended = await mailboxLogin(created.mailbox);
    await api('POST', '/api/mailbox/logout', { token: ended });
    // One message short of the limit, as stored state rather than hundreds of requests.
    const limiter = env.MAILBOXES.getByName(`limit-${org.slug}`);
    await runInDurableObject(limiter, (_instance, state) => {
      state.storage.sql.exec(
        "INSERT INTO windows (bucket, starts_at, count) VALUES ('message', ?, ?)",
        Date.now(),
        LIMITS.message.org - 1,
      );
    });

    const refused: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api('POST', '/api/mailbox/messages', {
        token: ended,
        body: { body: 'flood' },
      });
      refused.push(res.status);
    }
    const live = await mailboxLogin(created.mailbox);
    const sent = await api('POST', '/api/mailbox/messages', {
      token: live,
      body: { body: 'I am still here.' },
    });
    const full = await api('POST', '/api/mailbox/messages', {
      token: live,
      body: { body: 'And once more.' },
    });

    expect(refused).toEqual([401, 401, 401]);
    expect(sent.status).toBe(201);
    expect(full.status).toBe(429);
  });
});
