import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

import { LIMITS } from '../../src/reporter/rate-limit';
import { api, createOrg, sendEvent, tablesOf } from './helpers';
import { b64, bytesContain, env, jpegWithExif, r2Keys } from './reporter-fixtures';
import { PageClient, setCookies } from './reporter-page-client';

const FORM = {
  category: 'fraud',
  description: 'Invoices are approved twice and paid to two different accounts.',
  'answers.where': 'Accounts payable',
};

function credentialsOf(html: string) {
  const codes = [...html.matchAll(/<code class="credential">([^<]+)<\/code>/g)].map((m) => m[1]!);

  return { token: codes[0]!, returnCode: codes[1]! };
}

/** A reporter who sent a report through the API and has its mailbox page open. */
async function signedInReporter(slug: string): Promise<PageClient> {
  const created = await api('POST', `/api/public/${slug}/reports`, {
    body: { category: 'fraud', description: FORM.description },
  });
  const client = new PageClient();
  await client.logIn(slug, created.body.mailbox);
  await client.get(`/r/${slug}/mailbox`);

  return client;
}

async function caseIdOf(org: { users: Record<string, { token: string }> }, caseRef: string) {
  const list = await api('GET', '/api/cases', { token: org.users.lead!.token });

  return list.body.items.find((i: { caseRef: string }) => i.caseRef === caseRef).id as string;
}

describe('reporter pages', () => {
  it('serves the form with strict headers, no script, nothing from elsewhere', async () => {
    const org = await createOrg();
    const client = new PageClient();

    const page = await client.get(`/r/${org.slug}`);
    const css = await client.get('/r/assets/style.css');
    const icon = await client.get('/favicon.ico');

    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).not.toMatch(/<script/i);
    expect(page.text).not.toMatch(/(src|href|action)="(https?:)?\/\//i);
    expect(page.text).toContain(`action="/r/${org.slug}/report"`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(icon.status).toBe(204);
  });

  it('answers an unknown organisation with an HTML 404 page', async () => {
    const page = await new PageClient().get('/r/no-such-org-x');

    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('takes a report by form post, shows the credentials once, and opens the mailbox', async () => {
    const org = await createOrg();
    const reporter = new PageClient();
    await reporter.get(`/r/${org.slug}`);

    const receipt = await reporter.post(
      `/r/${org.slug}/report`,
      { ...FORM, attachments: new File([jpegWithExif('GPS-SECRET')], 'photo.jpg') },
      true,
    );
    const credentials = credentialsOf(receipt.text);
    const caseRef = /<strong>(WB-[^<]+)<\/strong>/.exec(receipt.text)?.[1] ?? '';
    const caseId = await caseIdOf(org, caseRef);
    await sendEvent(org.users.lead!.token, caseId, { type: 'ACKNOWLEDGE' });
    await sendEvent(org.users.lead!.token, caseId, { type: 'REPLY', body: 'Which supplier?' });
    await sendEvent(org.users.lead!.token, caseId, { type: 'ADD_NOTE', body: 'INTERNAL-NOTE-77' });

    const login = await reporter.logIn(org.slug, credentials);
    const mailbox = await reporter.get(`/r/${org.slug}/mailbox`);
    const again = await reporter.get(`/r/${org.slug}/mailbox`);

    expect(receipt.status).toBe(201);
    expect(receipt.headers.get('cache-control')).toBe('no-store');
    expect(credentials.token).toMatch(/^MBX-/);
    expect(await r2Keys(org.slug)).toHaveLength(1);
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe(`/r/${org.slug}/mailbox`);
    const cookie = setCookies(login.headers).join('\n');
    expect(cookie).toMatch(/whispr-mailbox=mbs\./);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(mailbox.text).toContain('Which supplier?');
    expect(mailbox.text).toContain('photo.jpg');
    expect(mailbox.text).not.toContain('INTERNAL-NOTE-77');
    expect(again.text).not.toContain(credentials.returnCode);
    expect(mailbox.text).not.toContain(credentials.returnCode);
  });

  it('sends one report when the receipt is refreshed, and shows no credentials again', async () => {
    const org = await createOrg();
    const client = new PageClient();
    await client.get(`/r/${org.slug}`);
    const cases = async () =>
      (await api('GET', '/api/cases', { token: org.users.lead!.token })).body.items.length;

    const receipt = await client.post(`/r/${org.slug}/report`, FORM, true);
    const credentials = credentialsOf(receipt.text);
    // A refresh of the receipt: the browser posts the very same form, token and all.
    const refreshed = await client.post(`/r/${org.slug}/report`, FORM, true);
    const afterRefresh = await cases();
    const mailbox = await client.logIn(org.slug, credentials);
    await client.get(`/r/${org.slug}`);
    const next = await client.post(`/r/${org.slug}/report`, FORM, true);

    expect(receipt.status).toBe(201);
    expect(refreshed.status).toBe(409);
    expect(refreshed.text).toContain('This report was already sent');
    expect(refreshed.text).not.toContain(credentials.token);
    expect(refreshed.text).not.toContain(credentials.returnCode);
    expect(refreshed.text).not.toContain('class="credential"');
    expect(afterRefresh).toBe(1);
    expect(mailbox.status).toBe(303);
    // A new form from the same browser is a new report.
    expect(next.status).toBe(201);
    expect(await cases()).toBe(2);
  });

  it('downloads the photo without Exif from the page, and no file of another case', async () => {
    const org = await createOrg();
    const reporter = new PageClient();
    await reporter.get(`/r/${org.slug}`);
    const receipt = await reporter.post(
      `/r/${org.slug}/report`,
      { ...FORM, attachments: new File([jpegWithExif('SERIAL-PAGE-93')], 'photo.jpg') },
      true,
    );
    const other = await api('POST', `/api/public/${org.slug}/reports`, {
      body: {
        category: 'fraud',
        description: FORM.description,
        attachments: [{ name: 'other.txt', data: b64('not yours') }],
      },
    });
    const otherId = await caseIdOf(org, other.body.caseRef);
    const otherCase = await api('GET', `/api/cases/${otherId}`, { token: org.users.lead!.token });
    const otherFile = otherCase.body.content.report.attachments[0].id as string;

    await reporter.logIn(org.slug, credentialsOf(receipt.text));
    const page = await reporter.get(`/r/${org.slug}/mailbox`);
    const link = /href="(\/r\/[^"]+\/mailbox\/attachments\/[^"]+)"/.exec(page.text)?.[1] ?? '';
    const photo = await reporter.get(link);
    const foreign = await reporter.get(`/r/${org.slug}/mailbox/attachments/${otherFile}`);

    expect(link).toMatch(new RegExp(`^/r/${org.slug}/mailbox/attachments/a_`));
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expect(photo.headers.get('content-disposition')).toMatch(/^attachment; filename="photo.jpg"/);
    expect([...photo.bytes.slice(0, 2)]).toEqual([0xff, 0xd8]);
    expect(bytesContain(photo.bytes, 'Exif')).toBe(false);
    expect(bytesContain(photo.bytes, 'SERIAL-PAGE-93')).toBe(false);
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toMatch(/^text\/html/);
    expect(foreign.text).not.toContain('not yours');
  });

  it('refuses a form post without the form token and stores nothing', async () => {
    const org = await createOrg();
    const client = new PageClient();
    await client.get(`/r/${org.slug}`);

    const res = await client.post(`/r/${org.slug}/report`, { ...FORM, csrf: 'forged' }, true);
    const list = await api('GET', '/api/cases', { token: org.users.lead!.token });

    expect(res.status).toBe(403);
    expect(res.text).toContain('Invoices are approved twice');
    expect(list.body.items).toHaveLength(0);
  });

  it('puts the answers back with the errors when the report is incomplete', async () => {
    const org = await createOrg();
    const client = new PageClient();
    await client.get(`/r/${org.slug}`);

    const res = await client.post(`/r/${org.slug}/report`, { ...FORM, category: '' }, true);

    expect(res.status).toBe(422);
    expect(res.text).toContain('There is a problem');
    expect(res.text).toContain('Accounts payable');
  });

  it('shows the same login error for a wrong token and a wrong code', async () => {
    const org = await createOrg();
    const created = await api('POST', `/api/public/${org.slug}/reports`, {
      body: { category: 'fraud', description: FORM.description },
    });
    const { token, returnCode } = created.body.mailbox;
    const a = new PageClient();
    const b = new PageClient();

    const wrongCode = await a.logIn(org.slug, { token, returnCode: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ' });
    const wrongToken = await b.logIn(org.slug, {
      token: 'MBX-0000-0000-0000-0000-0000',
      returnCode,
    });
    const strip = (html: string) => html.replace(/value="[^"]{43}"/g, '');

    expect(wrongCode.status).toBe(401);
    expect(wrongToken.status).toBe(401);
    expect(strip(wrongCode.text)).toBe(strip(wrongToken.text));
  });

  it('sends a message from the mailbox page and signs out', async () => {
    const org = await createOrg();
    const client = await signedInReporter(org.slug);

    const sent = await client.post(
      `/r/${org.slug}/mailbox/messages`,
      { body: 'The supplier is ACME.' },
      true,
    );
    const after = await client.get(`/r/${org.slug}/mailbox?notice=sent`);
    const out = await client.post(`/r/${org.slug}/mailbox/logout`, {});
    const closed = await client.get(`/r/${org.slug}/mailbox`);

    expect(sent.status).toBe(303);
    expect(after.text).toContain('The supplier is ACME.');
    expect(after.text).toContain('Your message has been sent.');
    expect(out.status).toBe(303);
    expect(closed.text).toContain('Open your mailbox');
    expect(closed.text).not.toContain('The supplier is ACME.');
  });

  it('keeps the reporter signed in when a logout form comes without its token', async () => {
    const org = await createOrg();
    const client = await signedInReporter(org.slug);

    // What another site's form would send: no form token (its cookie is SameSite=Strict).
    const forged = await client.post(`/r/${org.slug}/mailbox/logout`, { csrf: 'forged' });
    const still = await client.get(`/r/${org.slug}/mailbox`);

    expect(forged.status).toBe(403);
    expect(setCookies(forged.headers).join('\n')).not.toMatch(/whispr-mailbox/);
    expect(still.status).toBe(200);
    expect(still.text).toContain('Sign out');
    expect(still.text).not.toContain('Open your mailbox');
  });

  it('counts a page login against its organisation, and refuses it at that limit', async () => {
    const org = await createOrg();
    const created = await api('POST', `/api/public/${org.slug}/reports`, {
      body: { category: 'fraud', description: FORM.description },
    });
    const limiter = env.MAILBOXES.getByName(`limit-${org.slug}`);
    const loginCount = async () =>
      (await tablesOf(limiter)).windows?.find((w) => w.bucket === 'login')?.count ?? 0;

    const opened = await new PageClient().logIn(org.slug, created.body.mailbox);
    const counted = await loginCount();
    await runInDurableObject(limiter, (_instance, state) => {
      state.storage.sql.exec(
        "UPDATE windows SET count = ? WHERE bucket = 'login'",
        LIMITS.login.org,
      );
    });
    const refused = await new PageClient().logIn(org.slug, created.body.mailbox);

    expect(opened.status).toBe(303);
    expect(counted).toBe(1);
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Too many requests just now');
    expect(setCookies(refused.headers).join('\n')).not.toMatch(/whispr-mailbox=mbs/);
  });
});
