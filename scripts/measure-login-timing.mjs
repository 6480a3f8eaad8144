// Measures whether a login with an unknown email and a login with a wrong password for a real
// account take the same time, against a local `wrangler dev` this script starts itself (a free
// port, a fresh --persist-to directory, the demo workspace). Outside the test suite on purpose:
// timings are noisy and belong in a note, not in an assertion.
//
// The accounts measured are created through the admin API (invited, then accepted), and each
// gets fewer wrong passwords than the lockout allows, so every sample runs the wrong-password
// path itself rather than the paused-account path. The two kinds are interleaved so that drift
// in the machine's load hits both alike.
//
// The reporter's mailbox login is measured the same way: an unknown mailbox token against a
// real token with a wrong return code (each real mailbox gets fewer wrong codes than its
// lockout allows, so every sample runs the comparison, not the locked path). Each unknown
// token is tried as often as each real one, so that both series meet their Durable Objects
// equally warm: a never-seen token's first try can meet a decoy object that has not started
// yet, which costs start-up time (about 9 ms here), not work the real path skips.
//
// Usage: node scripts/measure-login-timing.mjs [samples per kind, default 200]
import { startLocalServer } from './local-server.mjs';

const SAMPLES = Number(process.argv[2] ?? 200);
/** Wrong passwords per account, below the lockout's 5 free attempts (src/auth/lockout.ts). */
const PER_ACCOUNT = 4;
const ORG = 'demo';
const PASSWORD = 'timing-measurement-passphrase';

/**
 * Each request claims its own address from the IPv6 documentation range (RFC 3849), so the
 * reporter channel's per-client limit (30 logins in 10 minutes) does not end the series; the
 * address is only a header value, nothing is sent to it.
 */
let client = 0;
const nextClient = () => `2001:db8::${(client += 1).toString(16)}`;

async function post(base, path, body, token) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'cf-connecting-ip': nextClient(),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();

  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function timedLogin(base, email) {
  const started = process.hrtime.bigint();
  const res = await post(base, '/api/auth/login', {
    org: ORG,
    email,
    password: 'definitely-not-the-password',
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (res.status !== 401) throw new Error(`expected 401 for ${email}, got ${res.status}`);

  return ms;
}

/** Wrong return codes per mailbox, below its lockout's 10 (src/mailbox/lockout.ts). */
const PER_MAILBOX = 8;
/** A well-formed mailbox credential nobody was given: Crockford groups, as the real ones. */
const fakeCode = (prefix, i) => `${prefix}${String(i).padStart(4, '0')}-ZZZZ-ZZZZ-ZZZZ-ZZZZ`;

async function timedMailboxLogin(base, token) {
  const started = process.hrtime.bigint();
  const res = await post(base, '/api/mailbox/login', {
    token,
    returnCode: fakeCode('', 0),
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (res.status !== 401) throw new Error(`expected 401 for a mailbox login, got ${res.status}`);

  return ms;
}

/** Times both kinds in alternating order, so drift in the machine's load hits both alike. */
async function interleaved(samples, first, second) {
  const a = [];
  const b = [];
  for (let i = 0; i < samples; i += 1) {
    if (i % 2 === 0) {
      a.push(await first(i));
      b.push(await second(i));
    } else {
      b.push(await second(i));
      a.push(await first(i));
    }
  }

  return [a, b];
}

function report(title, [left, right], [a, b]) {
  const u = stats(a);
  const w = stats(b);
  const pad = Math.max(left.length, right.length);
  console.log(title);
  console.log(
    `${left.padEnd(pad)}: median ${fmt(u.median)}  p90 ${fmt(u.p90)}  mean ${fmt(u.mean)}`,
  );
  console.log(
    `${right.padEnd(pad)}: median ${fmt(w.median)}  p90 ${fmt(w.p90)}  mean ${fmt(w.mean)}`,
  );
  console.log(
    `difference (${right} - ${left}): median ${fmt(w.median - u.median)}  ` +
      `p90 ${fmt(w.p90 - u.p90)}  mean ${fmt(w.mean - u.mean)}\n`,
  );
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = sorted.reduce((sum, v) => sum + v, 0) / sorted.length;

  return { n: sorted.length, median: at(0.5), p90: at(0.9), mean };
}

const fmt = (ms) => `${ms.toFixed(2)} ms`;

async function main() {
  const server = await startLocalServer();
  const base = server.url;
  process.on('SIGINT', () => {
    void server.stop().then(() => process.exit(130));
  });

  try {
    const admin = await post(base, '/api/auth/login', {
      org: ORG,
      email: 'admin@demo.test',
      password: 'correct-horse-demo',
    });
    if (!admin.body?.token) throw new Error(`admin login failed: ${JSON.stringify(admin.body)}`);

    const accounts = Math.ceil(SAMPLES / PER_ACCOUNT);
    const emails = [];
    for (let i = 0; i < accounts; i += 1) {
      const email = `timing-${i}@demo.test`;
      const invited = await post(base, '/api/users', { email, role: 'reviewer' }, admin.body.token);
      if (invited.status !== 201) throw new Error(`invite failed: ${JSON.stringify(invited.body)}`);
      const token = invited.body.invitation.url.slice('/invite#'.length);
      const accepted = await post(base, '/api/auth/accept-invitation', {
        org: ORG,
        token,
        password: PASSWORD,
      });
      if (accepted.status !== 204) throw new Error(`accept failed: ${accepted.status}`);
      emails.push(email);
    }

    // Warm up both paths so that the first compilations do not land in either series.
    for (let i = 0; i < 10; i += 1) await timedLogin(base, `warmup-${i}@nowhere.test`);

    const staff = await interleaved(
      SAMPLES,
      (i) => timedLogin(base, `nobody-${i}@demo.test`),
      (i) => timedLogin(base, emails[Math.floor(i / PER_ACCOUNT)]),
    );
    report(
      `staff login timing against wrangler dev on ${base}, ${SAMPLES} samples per kind`,
      ['unknown email', 'wrong password'],
      staff,
    );

    // Real mailboxes: oral reports the lead records, whose credentials the answer carries.
    const lead = await post(base, '/api/auth/login', {
      org: ORG,
      email: 'lead@demo.test',
      password: 'correct-horse-demo',
    });
    const tokens = [];
    for (let i = 0; i < Math.ceil(SAMPLES / PER_MAILBOX); i += 1) {
      const oral = await post(
        base,
        '/api/cases',
        {
          channel: 'oral',
          medium: 'phone',
          heardOn: new Date().toISOString().slice(0, 10),
          category: 'fraud',
          minutes: 'Minutes of a call, recorded for the timing measurement.',
        },
        lead.body.token,
      );
      if (oral.status !== 201) throw new Error(`oral report failed: ${JSON.stringify(oral.body)}`);
      tokens.push(oral.body.mailbox.token);
    }
    for (let i = 0; i < 10; i += 1) await timedMailboxLogin(base, fakeCode('MBX-', 9000 + i));
    const mailbox = await interleaved(
      SAMPLES,
      (i) => timedMailboxLogin(base, fakeCode('MBX-', Math.floor(i / PER_MAILBOX))),
      (i) => timedMailboxLogin(base, tokens[Math.floor(i / PER_MAILBOX)]),
    );
    report(
      `mailbox login timing, ${SAMPLES} samples per kind`,
      ['unknown token', 'wrong return code'],
      mailbox,
    );
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
