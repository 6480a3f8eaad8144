import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { escapeHtml, html, raw } from '../../src/reporter/html';
import {
  REPORTER_CSS,
  REPORTER_CSS_PATH,
  questionFieldName,
  renderErrorPage,
  renderIntakePage,
  renderMailboxLoginPage,
  renderMailboxPage,
  renderReceiptPage,
  type IntakePolicyView,
  type MailboxView,
} from '../../src/reporter/pages';

// An escape written independently of the one under test.
const reference = (text: string) =>
  text
    .split('&')
    .join('&amp;')
    .split('<')
    .join('&lt;')
    .split('>')
    .join('&gt;')
    .split('"')
    .join('&quot;')
    .split("'")
    .join('&#39;');

const ALLOWED_TAGS = new Set(
  'html head meta title link body header main footer section article div p a h1 h2 ul ol li dl dt dd strong code span time form input label textarea button fieldset legend'.split(
    ' ',
  ),
);
const ALLOWED_ATTRS = new Set(
  'lang charset name content rel href class id role tabindex for type value method action enctype autocomplete autocapitalize spellcheck required checked multiple accept maxlength rows datetime aria-labelledby aria-describedby aria-invalid'.split(
    ' ',
  ),
);
const URL_ATTRS = new Set(['href', 'action', 'src']);

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+(?:="[^"]*")?)*)\s*\/?>/g;
const ATTR = /\s+([a-zA-Z-]+)(?:="([^"]*)")?/g;

/**
 * A strict scan of the page: every `<` opens a tag from the allowlist, every attribute is from
 * the allowlist (so no `on*` handler or `style` slipped in), every URL is a same-origin path, and
 * the text left between tags holds no `<` or `>`.
 */
function checkMarkup(page: string): void {
  expect(page.startsWith('<!doctype html>')).toBe(true);
  expect(page).toMatch(/<html lang="en">/);

  const text = page.slice('<!doctype html>'.length).replace(TAG, (_whole, _close, tag, attrs) => {
    if (!ALLOWED_TAGS.has(tag)) throw new Error(`unexpected tag <${tag}>`);
    for (const [, name = '', value = ''] of (attrs as string).matchAll(ATTR)) {
      if (!ALLOWED_ATTRS.has(name)) throw new Error(`unexpected attribute ${name} on <${tag}>`);
      if (URL_ATTRS.has(name) && !/^(\/(?!\/)|#)/.test(value)) {
        throw new Error(`${name}="${value}" leaves the origin`);
      }
    }
    return ' ';
  });

  expect(text).not.toMatch(/[<>]/);
}

// Strings made to break out of text and attributes, plus arbitrary Unicode.
const hostile = fc.string({
  unit: fc.oneof(
    fc.constantFrom('<', '>', '&', '"', "'", '=', '/', ' ', '\n', '`', '&amp;', '&lt;'),
    fc.constantFrom('script', 'svg', 'onload', 'img src=x', 'javascript:', '-->', '<!--'),
    fc.string({ unit: 'grapheme', maxLength: 1 }),
  ),
  maxLength: 24,
});
// Every payload carries a tag and an attribute break-out, whatever fast-check generates.
const CANARY = `<b0gus x="'" onmouseover="alert(1)">`;

function policyWith(p: (k: string) => string): IntakePolicyView {
  return {
    version: 3,
    categories: [
      { id: p('cat-id'), label: p('cat-label'), description: p('cat-desc') },
      { id: 'fraud', label: 'Fraud' },
    ],
    questions: [
      { id: p('q1'), label: p('q1-label'), help: p('q1-help'), kind: 'text', required: true },
      { id: 'q2', label: p('q2-label'), kind: 'longtext', required: false, maxLength: 500 },
      {
        id: 'q3',
        label: p('q3-label'),
        kind: 'choice',
        required: true,
        options: [p('q3-opt'), 'Other'],
      },
      { id: 'q4', label: p('q4-label'), kind: 'date', required: false },
      { id: 'q5', label: p('q5-label'), kind: 'yesno', required: true },
    ],
    attachments: { maxFiles: 5, maxBytesPerFile: 10 * 1024 * 1024, allowedTypes: [p('type')] },
  };
}

function mailboxWith(p: (k: string) => string): MailboxView {
  return {
    caseRef: p('caseRef'),
    status: 'in_progress',
    deadlines: { acknowledgeBy: p('ack'), feedbackBy: p('feedback') },
    messages: [
      { id: 'm1', at: p('at'), from: 'you', body: p('body-1') },
      {
        id: 'm2',
        at: '2026-03-02T10:15:00Z',
        from: 'organisation',
        displayName: p('display'),
        body: p('body-2'),
        attachments: [{ id: p('file-id'), name: p('file-name'), size: 2048 }],
      },
    ],
    oralRecord: { status: 'unconfirmed', minutes: p('minutes'), recordedAt: p('recorded') },
  };
}

function renderAll(p: (k: string) => string): string[] {
  const org = { slug: p('slug'), name: p('org') };
  const policy = policyWith(p);

  return [
    renderIntakePage({
      org,
      policy,
      values: {
        category: p('cat-id'),
        description: p('description-value'),
        [questionFieldName(p('q1'))]: p('q1-value'),
        [questionFieldName('q2')]: p('q2-value'),
        [questionFieldName('q3')]: p('q3-opt'),
      },
      errors: {
        category: p('err-category'),
        [questionFieldName(p('q1'))]: p('err-q1'),
        description: p('err-description'),
        attachments: p('err-attachments'),
        [p('err-unknown-key')]: p('err-unknown'),
      },
      csrfToken: p('csrf'),
    }),
    renderReceiptPage({
      org,
      caseRef: p('caseRef'),
      token: p('token'),
      returnCode: p('code'),
      deadlines: { acknowledgeBy: p('ack'), feedbackBy: p('feedback') },
    }),
    renderMailboxLoginPage({ org, error: p('login-error'), csrfToken: p('csrf') }),
    renderMailboxPage({
      org,
      view: mailboxWith(p),
      notice: p('notice'),
      errors: { body: p('err-body'), correction: p('err-correction') },
      attachments: policy.attachments,
      csrfToken: p('csrf'),
    }),
    renderErrorPage({ org, status: 404, title: p('title'), message: p('message') }),
  ];
}

// Fields whose text the pages show as written (escaped), as opposed to ids and slugs.
const SHOWN = {
  0: ['org', 'cat-label', 'cat-desc', 'cat-id', 'q1-label', 'q1-help', 'q1-value', 'q2-label']
    .concat(['q2-value', 'q3-label', 'q3-opt', 'q4-label', 'q5-label', 'description-value'])
    .concat(['err-category', 'err-q1', 'err-description', 'err-attachments', 'err-unknown'])
    .concat(['csrf', 'q1', 'type']),
  1: ['org', 'caseRef', 'token', 'code', 'ack', 'feedback'],
  2: ['org', 'login-error', 'csrf'],
  3: ['org', 'caseRef', 'ack', 'feedback', 'at', 'body-1', 'display', 'body-2', 'file-name'].concat(
    ['minutes', 'recorded', 'notice', 'err-body', 'err-correction', 'csrf'],
  ),
  4: ['org', 'title', 'message'],
} as const;

// Whitespace between attributes and tags is the formatter's business, not the page's meaning.
const flat = (page: string) => page.replace(/\s+/g, ' ');

describe('reporter pages', () => {
  it('escape every interpolated value: no tag, attribute or URL can be injected', () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        const p = (k: string) => `[${k}]${a}${CANARY}${b}`;

        const pages = renderAll(p);

        pages.forEach((page, i) => {
          checkMarkup(page);
          expect(page).not.toContain('<b0gus');
          expect(page.toLowerCase()).not.toContain('<script');
          for (const key of SHOWN[i as keyof typeof SHOWN]) {
            expect(page, `page ${i} shows ${key}`).toContain(reference(p(key)));
          }
        });
      }),
    );
  });

  it('contain no script, no inline style and no address on another origin', () => {
    const p = (k: string) => `Value of ${k}`;

    for (const page of renderAll(p)) {
      checkMarkup(page);
      expect(page).not.toMatch(/<script|<style|style=|https?:|\/\/[a-z]/i);
      expect(page).toContain(`<link rel="stylesheet" href="${REPORTER_CSS_PATH}"`);
    }
    expect(REPORTER_CSS).not.toMatch(/url\(|@import|https?:/);
  });

  it('tie every visible input to a label and every error link to a field', () => {
    const p = (k: string) => `Value of ${k}`;

    for (const page of renderAll(p)) {
      const ids = new Set([...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
      const labelled = new Set([...page.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]));
      for (const [input] of page.matchAll(/<(input|textarea)\b[^>]*>/g)) {
        if (/type="(hidden|submit)"/.test(input)) continue;
        const id = /\sid="([^"]+)"/.exec(input)?.[1];
        expect(id && labelled.has(id), input).toBe(true);
      }
      for (const [, target] of page.matchAll(/href="#([^"]+)"/g)) {
        expect(ids.has(target), `#${target}`).toBe(true);
      }
    }
  });

  it('renders the intake form as a plain multipart POST with answers kept after an error', () => {
    const page = renderIntakePage({
      org: { slug: 'acme gmbh', name: 'ACME' },
      policy: policyWith((k) => k),
      values: { [questionFieldName('q3')]: 'q3-opt', description: 'line 1\nline 2' },
      errors: { description: 'Describe what happened' },
    });

    expect(flat(page)).toContain(
      '<form method="post" action="/r/acme%20gmbh/report" enctype="multipart/form-data">',
    );
    expect(page).toMatch(/<title>Error: Make a report/);
    expect(page).toMatch(/<a href="#f-description">Describe what happened<\/a>/);
    expect(page).toMatch(/value="q3-opt"\s+checked/);
    expect(page).toMatch(/>\nline 1\nline 2<\/textarea>/);
    expect(page).toMatch(/<input type="hidden" name="policy_version" value="3"/);
    expect(page).toMatch(/name="attachments"\s+multiple/);
    expect(page).toContain('cannot see who you are');
  });

  it('posts the mailbox login in the body with autocomplete off, never in the URL', () => {
    const page = flat(renderMailboxLoginPage({ org: { slug: 'acme', name: 'ACME' } }));

    expect(page).toMatch(
      /<form method="post" action="\/r\/acme\/mailbox\/login" autocomplete="off">/,
    );
    expect(page).toMatch(/name="token"[^>]*autocomplete="off"/);
    expect(page).toMatch(/name="return_code"[^>]*autocomplete="off"/);
    expect(page).not.toMatch(/method="get"/i);
  });

  it('shows the mailbox thread, reply, logout and oral-record forms on the right routes', () => {
    const view = mailboxWith((k) => k);
    const page = flat(renderMailboxPage({ org: { slug: 'acme', name: 'ACME' }, view }));

    expect(page).toContain('Being looked into');
    for (const route of ['messages', 'logout', 'oral/confirm', 'oral/correction']) {
      expect(page).toContain(`<form method="post" action="/r/acme/mailbox/${route}"`);
    }
    expect(page).toContain('href="/r/acme/mailbox/attachments/file-id"');
    expect(page).toContain('<time datetime="2026-03-02T10:15:00.000Z">2 March 2026');

    const confirmed = renderMailboxPage({
      org: { slug: 'acme', name: 'ACME' },
      view: { ...view, oralRecord: { ...view.oralRecord!, status: 'confirmed' } },
    });
    expect(confirmed).not.toContain('/mailbox/oral/confirm');
    expect(confirmed).toContain('You confirmed this record.');
  });

  it('shows each credential once on the receipt, with the deadlines as dates', () => {
    const page = renderReceiptPage({
      org: { slug: 'acme', name: 'ACME' },
      caseRef: 'WB-7K3Q-9DTF',
      token: 'MBX-7K3Q-9DTF-W2HM-4RCX-0000',
      returnCode: 'ABCD-EFGH-JKMN-PQRS-TVWX',
      deadlines: { acknowledgeBy: '2026-03-09T00:00:00Z', feedbackBy: null },
    });

    expect(page.split('MBX-7K3Q-9DTF-W2HM-4RCX-0000')).toHaveLength(2);
    expect(page.split('ABCD-EFGH-JKMN-PQRS-TVWX')).toHaveLength(2);
    expect(page).toContain('9 March 2026');
    expect(page).toContain('href="/r/acme/mailbox"');
  });
});

describe('html', () => {
  it('escapes interpolations and leaves html and raw fragments alone', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(html`<p>${text}</p>`.toString()).toBe(`<p>${reference(text)}</p>`);
        expect(escapeHtml(text)).toBe(reference(text));
        expect(html`<p>${html`<b>${text}</b>`}</p>`.toString()).toBe(
          `<p><b>${reference(text)}</b></p>`,
        );
      }),
    );
    expect(html`${raw('<br>')}${[1, 'a<', null, false, undefined]}`.toString()).toBe('<br>1a&lt;');
  });
});
