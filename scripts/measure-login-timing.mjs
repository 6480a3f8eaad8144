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
// Usage: node scripts/measure-login-timing.mjs [samples per kind, default 200]
import { startLocalServer } from './local-server.mjs';

const SAMPLES = Number(process.argv[2] ?? 200);
/** Wrong passwords per account, below the lockout's 5 free attempts (src/auth/lockout.ts). */
const PER_ACCOUNT = 4;
const ORG = 'demo';
const PASSWORD = 'timing-measurement-passphrase';

async function post(base, path, body, token) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
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

    const unknown = [];
    const wrong = [];
    for (let i = 0; i < SAMPLES; i += 1) {
      const real = emails[Math.floor(i / PER_ACCOUNT)];
      if (i % 2 === 0) {
        unknown.push(await timedLogin(base, `nobody-${i}@demo.test`));
        wrong.push(await timedLogin(base, real));
      } else {
        wrong.push(await timedLogin(base, real));
        unknown.push(await timedLogin(base, `nobody-${i}@demo.test`));
      }
    }

    const u = stats(unknown);
    const w = stats(wrong);
    console.log(`login timing against wrangler dev on ${base}, ${SAMPLES} samples per kind`);
    console.log(`unknown email : median ${fmt(u.median)}  p90 ${fmt(u.p90)}  mean ${fmt(u.mean)}`);
    console.log(`wrong password: median ${fmt(w.median)}  p90 ${fmt(w.p90)}  mean ${fmt(w.mean)}`);
    console.log(
      `difference (wrong - unknown): median ${fmt(w.median - u.median)}  ` +
        `p90 ${fmt(w.p90 - u.p90)}  mean ${fmt(w.mean - u.mean)}`,
    );
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
