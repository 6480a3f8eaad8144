/**
 * The second factor under attack by someone who knows the password: failed codes count on the
 * same growing lockout as passwords, a correct password does not reset it, a challenge does
 * not outlive what it was issued under, and the accept step re-reads what its awaits let
 * others change.
 */
import { runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';

import { BASE_DELAY_MS } from '../../src/auth/lockout';
import { generateTotp } from '../../src/auth/totp';
import {
  challengeRows,
  codeStep,
  enrol,
  holdDecrypt,
  ORGS,
  passwordStep,
  restoreDecrypt,
  setLockedUntil,
  STEP_MS,
  storeChallenges,
  throttleOf,
  until,
} from './auth-helpers';
import { api, createOrg, PASSWORD } from './helpers';

afterEach(restoreDecrypt);

const NEW_PASSWORD = 'a much longer new passphrase';

function sessionsOf(slug: string, userId: string) {
  return runInDurableObject(ORGS.getByName(slug), (_i, state) =>
    state.storage.sql.exec('SELECT 1 FROM sessions WHERE user_id = ?', userId).toArray(),
  );
}

describe('failed codes and the sign-in throttle', () => {
  it('counts failed codes across password steps, each pause longer than the last', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token, email, id } = org.users.handler!;
    const secret = await enrol(token);

    const first = await passwordStep(org.slug, email);
    const beforeFirst = Date.now();
    for (let i = 0; i < 5; i += 1) expect((await codeStep(first, '000000')).status).toBe(401);
    const firstLock = (await throttleOf(org.slug, id)).locked_until - beforeFirst;
    expect(firstLock).toBeGreaterThan(0);

    // The pause goes by; the password is right again, which must not wipe the count.
    await setLockedUntil(org.slug, id, Date.now() - 1);
    const second = await passwordStep(org.slug, email);
    expect((await throttleOf(org.slug, id)).failed_logins).toBe(5);
    const beforeSecond = Date.now();
    expect((await codeStep(second, '000000')).status).toBe(401);
    const secondLock = (await throttleOf(org.slug, id)).locked_until - beforeSecond;
    expect(secondLock).toBeGreaterThan(firstLock);
    expect(secondLock).toBeGreaterThanOrEqual(2 * BASE_DELAY_MS);

    // While paused, even the right code is refused; once the pause is over it opens a session
    // and only then is the count cleared.
    const code = await generateTotp(secret, Date.now() + STEP_MS);
    expect((await codeStep(second, code)).status).toBe(401);
    await setLockedUntil(org.slug, id, Date.now() - 1);
    const done = await codeStep(await passwordStep(org.slug, email), code);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(await throttleOf(org.slug, id)).toEqual({ failed_logins: 0, locked_until: 0 });
    const reasons = (await ORGS.getByName(org.slug).denials()).map((d) => d.reason);
    expect(reasons.filter((r) => r === 'totp_invalid')).toHaveLength(6);
    expect(reasons.filter((r) => r === 'locked')).toHaveLength(1);
  });

  it('does not count a correct password as a failure, nor let it pause the account', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token, email, id } = org.users.handler!;
    await enrol(token);

    const challenge = await passwordStep(org.slug, email);
    for (let i = 0; i < 4; i += 1) expect((await codeStep(challenge, '000000')).status).toBe(401);
    // The password step counts its attempt before the derivation (the fifth here, which
    // would pause the account) and takes it back once the password proves right.
    await passwordStep(org.slug, email);
    const after = await throttleOf(org.slug, id);
    expect(after.failed_logins).toBe(4);
    expect(after.locked_until).toBeLessThanOrEqual(Date.now());

    const next = await passwordStep(org.slug, email);
    expect((await codeStep(next, '000000')).status).toBe(401);
    expect((await throttleOf(org.slug, id)).locked_until).toBeGreaterThan(Date.now());
  });

  it('refuses a right code whose account was paused while the code was being checked', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token, email, id } = org.users.handler!;
    const secret = await enrol(token);
    const challenge = await passwordStep(org.slug, email);
    const code = await generateTotp(secret, Date.now() + STEP_MS);
    const lastStep = () =>
      runInDurableObject(ORGS.getByName(org.slug), (_i, state) =>
        state.storage.sql.exec('SELECT totp_last_step FROM users WHERE id = ?', id).one(),
      );
    const stepBefore = await lastStep();

    const held = holdDecrypt();
    const pending = codeStep(challenge, code);
    await until(() => held.reached() === 1);
    // As failed codes on a parallel request would: the account is paused meanwhile.
    await setLockedUntil(org.slug, id, Date.now() + 60_000);
    held.release();

    expect((await pending).status).toBe(401);
    expect(await lastStep()).toEqual(stepBefore);
    expect(await sessionsOf(org.slug, id)).toHaveLength(1);
  });
});

describe('login challenges', () => {
  it('keeps one challenge per account, and drops expired ones whenever one is issued', async () => {
    const org = await createOrg({
      staff: [
        { name: 'handler', role: 'handler' },
        { name: 'other', role: 'handler' },
      ],
    });
    const { token, email, id } = org.users.handler!;
    const secret = await enrol(token);
    await storeChallenges(org.slug, org.users.other!.id, 3, Date.now() - 1);
    await storeChallenges(org.slug, org.users.other!.id, 1);

    const earlier = await passwordStep(org.slug, email);
    const later = await passwordStep(org.slug, email);
    const rows = await challengeRows(org.slug);
    expect(rows.map((r) => r.user_id).sort()).toEqual([id, org.users.other!.id].sort());
    expect(rows.every((r) => r.expires_at > Date.now())).toBe(true);

    const code = await generateTotp(secret, Date.now() + STEP_MS);
    expect((await codeStep(earlier, code)).status).toBe(401);
    expect((await codeStep(later, code)).status).toBe(200);
    expect((await challengeRows(org.slug)).map((r) => r.user_id)).toEqual([org.users.other!.id]);
  });

  it("deletes an account's open challenge whenever all its sessions end", async () => {
    const org = await createOrg({
      staff: [
        { name: 'admin', role: 'admin' },
        { name: 'handler', role: 'handler' },
      ],
    });
    const admin = org.users.admin!;
    const handler = org.users.handler!;
    const secret = await enrol(handler.token);
    const open = async () => {
      const challenge = await passwordStep(org.slug, handler.email);
      expect(await challengeRows(org.slug)).toHaveLength(1);
      return challenge;
    };

    // A new password: a sign-in begun with the old one cannot finish.
    const beforeChange = await open();
    const changed = await api('POST', '/api/me/password', {
      token: handler.token,
      body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(changed.status).toBe(204);
    expect(await challengeRows(org.slug)).toHaveLength(0);
    const code = await generateTotp(secret, Date.now() + STEP_MS);
    expect((await codeStep(beforeChange, code)).status).toBe(401);

    // A disabling, through the object as the admin routes call it.
    const stub = ORGS.getByName(org.slug);
    const beforeDisable = await passwordStep(org.slug, handler.email, NEW_PASSWORD);
    expect(await challengeRows(org.slug)).toHaveLength(1);
    const actor = { id: admin.id, role: admin.role };
    expect((await stub.updateUser(handler.id, { disabled: true }, actor)).ok).toBe(true);
    expect(await challengeRows(org.slug)).toHaveLength(0);
    expect((await codeStep(beforeDisable, code)).status).toBe(401);
    expect((await stub.updateUser(handler.id, { disabled: false }, actor)).ok).toBe(true);

    // A reset second factor.
    await passwordStep(org.slug, handler.email, NEW_PASSWORD);
    const reset = await api('POST', `/api/users/${handler.id}/totp/reset`, { token: admin.token });
    expect(reset.status).toBe(204);
    expect(await challengeRows(org.slug)).toHaveLength(0);
  });

  it('refuses a right code whose challenge ended while the code was being checked', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token, email, id } = org.users.handler!;
    const secret = await enrol(token);
    const challenge = await passwordStep(org.slug, email);
    const code = await generateTotp(secret, Date.now() + STEP_MS);

    const held = holdDecrypt();
    const pending = codeStep(challenge, code);
    await until(() => held.reached() === 1);
    const changed = await api('POST', '/api/me/password', {
      token,
      body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(changed.status).toBe(204);
    held.release();

    expect((await pending).status).toBe(401);
    expect(await sessionsOf(org.slug, id)).toHaveLength(0);
  });
});
