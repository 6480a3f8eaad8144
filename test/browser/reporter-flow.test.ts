/**
 * The reporter's whole journey in Chromium with JavaScript switched off (as in Tor Browser's
 * safest setting): submit a report, write the credentials down from the page, open the
 * mailbox with them and read a handler's reply. Staff act through the JSON API.
 */
import process from 'node:process';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const ORG = 'demo';
const STAFF = { org: ORG, email: 'lead@demo.test', password: 'correct-horse-demo' };

let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
});

async function staff(
  baseUrl: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

describe('reporter in a browser without JavaScript', () => {
  it('reports, writes down the credentials, opens the mailbox and reads the reply', async () => {
    const baseUrl = inject('baseUrl');
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const foreign: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(baseUrl)) foreign.push(request.url());
    });

    const intake = await page.goto(`${baseUrl}/r/${ORG}`);
    expect(intake?.headers()['content-security-policy']).toContain("default-src 'none'");
    await page.getByLabel('Fraud', { exact: false }).first().check();
    await page.getByLabel('Where did it happen?').fill('Accounts payable');
    await page
      .getByLabel('Describe what happened')
      .fill('Invoices from one supplier are paid twice into two different accounts.');
    await page.getByRole('button', { name: 'Send report' }).click();

    expect(await page.getByRole('heading', { name: 'Your report has been sent' }).count()).toBe(1);
    const codes = await page.locator('code.credential').allTextContents();
    const caseRef = (await page.locator('.panel strong').textContent())?.trim() ?? '';
    expect(codes).toHaveLength(2);
    const [token, returnCode] = codes as [string, string];
    expect(token).toMatch(/^MBX-/);

    // A handler acknowledges and replies.
    const login = await staff(baseUrl, 'POST', '/api/auth/login', undefined, STAFF);
    expect(login.status).toBe(200);
    const list = await staff(baseUrl, 'GET', '/api/cases?limit=200', login.body.token);
    const caseId = list.body.items.find((i: { caseRef: string }) => i.caseRef === caseRef)?.id;
    expect(caseId).toBeTruthy();
    for (const event of [
      { type: 'ACKNOWLEDGE' },
      { type: 'REPLY', body: 'Thank you. Which supplier is it?', displayName: 'Compliance team' },
      { type: 'ADD_NOTE', body: 'Internal: check vendor master data' },
    ]) {
      const res = await staff(
        baseUrl,
        'POST',
        `/api/cases/${caseId}/events`,
        login.body.token,
        event,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }

    // The reporter comes back later with what they wrote down.
    await page.goto(`${baseUrl}/r/${ORG}/mailbox`);
    await page.getByLabel('Mailbox token').fill(token);
    await page.getByLabel('Return code').fill(returnCode);
    await page.getByRole('button', { name: 'Open mailbox' }).click();

    expect(new URL(page.url()).pathname).toBe(`/r/${ORG}/mailbox`);
    expect(page.url()).not.toContain(returnCode);
    const text = await page.locator('main').innerText();
    expect(text).toContain('Thank you. Which supplier is it?');
    expect(text).toContain('Compliance team');
    expect(text).not.toContain('vendor master data');
    expect(text).not.toContain(returnCode);
    expect(foreign).toEqual([]);

    await context.close();
  });
});
