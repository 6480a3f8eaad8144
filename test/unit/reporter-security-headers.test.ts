import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';

import { apiSecurityHeaders, reporterSecurityHeaders } from '../../src/http/security-headers';

const REPORTER_EXPECTED = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function reporterApp() {
  const app = new Hono();
  app.use(reporterSecurityHeaders());
  app.get('/', (c) => c.html('<p>hi</p>'));
  app.get('/cached', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.html('<p>cached?</p>');
  });
  app.get('/boom', () => {
    throw new HTTPException(400, { message: 'bad' });
  });
  app.get('/redirect', () => Response.redirect('http://localhost/r/acme', 303));

  return app;
}

describe('reporterSecurityHeaders', () => {
  it('sets the reporter security headers on a page', async () => {
    const res = await reporterApp().request('/');

    expect(res.status).toBe(200);
    for (const [name, value] of Object.entries(REPORTER_EXPECTED)) {
      expect(res.headers.get(name), name).toBe(value);
    }
    const permissions = res.headers.get('permissions-policy') ?? '';
    for (const feature of ['camera', 'microphone', 'geolocation', 'interest-cohort']) {
      expect(permissions).toContain(`${feature}=()`);
    }
  });

  it('sets them on errors, 404s and immutable redirect responses too', async () => {
    const app = reporterApp();

    for (const path of ['/boom', '/missing', '/redirect']) {
      const res = await app.request(path);
      expect(res.status, path).not.toBe(200);
      expect(res.headers.get('content-security-policy'), path).toBe(
        REPORTER_EXPECTED['content-security-policy'],
      );
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
    expect((await app.request('/redirect')).headers.get('location')).toBe(
      'http://localhost/r/acme',
    );
  });

  it('overrides a handler that tries to make a page cacheable', async () => {
    const res = await reporterApp().request('/cached');

    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('apiSecurityHeaders', () => {
  it('marks JSON responses no-store, nosniff and unframeable', async () => {
    const app = new Hono();
    app.use(apiSecurityHeaders());
    app.get('/api/x', (c) => c.json({ ok: true }));

    const res = await app.request('/api/x');

    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await res.json()).toEqual({ ok: true });
  });
});
