// Part (b) of `npm run bench`: the full HTTP event round trip of the product on local workerd
// (wrangler dev) against the baseline Worker in bench/baseline/. Measurement only.
//
// Touches: two `wrangler dev` processes it starts in their own process groups, each on a free
// loopback port with `--persist-to` a fresh temporary directory (never the repo's .wrangler/state),
// and the HTTP traffic it sends to them on 127.0.0.1. Every request loop is bounded by a count.

import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const READY_TIMEOUT_MS = 120_000;

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `wrangler dev` in a new process group (so that stopping it stops workerd too), its
 * output going to `logFile`. Returns a handle with `url`, `stop()` and `log()`.
 */
export async function startWrangler({ root, config, persistTo, logFile, vars = [] }) {
  const port = await freePort();
  const inspectorPort = await freePort();
  const out = openSync(logFile, 'w');
  const args = [
    join(root, 'node_modules/wrangler/bin/wrangler.js'),
    'dev',
    '--config',
    config,
    '--local',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspectorPort),
    '--persist-to',
    persistTo,
    '--show-interactive-dev-session=false',
    ...vars.flatMap((v) => ['--var', v]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      NO_COLOR: '1',
    },
  });
  closeSync(out);
  let running = true;
  const exited = new Promise((resolve) => child.once('exit', resolve)).then(() => {
    running = false;
  });

  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    exited,
    running: () => running,
    log: () => readFileSync(logFile, 'utf8'),
    async stop() {
      if (!running) return;
      killGroup(child.pid, 'SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!done) killGroup(child.pid, 'SIGKILL');
    },
  };
}

/** Signals the whole process group led by `pid`; a group already gone is fine. */
export function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

/** Polls `url` until it answers 200, or fails with the server's log when it never does. */
export async function waitReady(server, path) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && server.running()) {
    try {
      const response = await fetch(server.url + path);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  throw new Error(`${server.url} did not come up. Its log:\n${server.log().slice(-3000)}`);
}

/**
 * Sends `count` requests from `clients` concurrent loops; request i is `send(i)`. Latency is
 * taken around the fetch and the reading of its body. Returns per-request latencies in ms, the
 * wall time, and the first few failures (a failure still counts as a request).
 */
export async function load({ clients, count, send }) {
  const latencies = new Float64Array(count);
  const failures = [];
  let next = 0;
  const started = performance.now();
  const loop = async () => {
    for (let i = next++; i < count; i = next++) {
      const t0 = performance.now();
      let status = 0;
      let text = '';
      try {
        const response = await send(i);
        status = response.status;
        text = await response.text();
      } catch (error) {
        text = String(error);
      }
      latencies[i] = performance.now() - t0;
      if (status < 200 || status >= 300) failures.push(`${status} ${text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));

  return { latencies, wallMs: performance.now() - started, failures };
}

/**
 * Loads several sides in alternating rounds (side A's first slice, then B's, ..., then A's second
 * slice), so that a burst of other work on the machine falls on every side alike. Each side is
 * warmed up first. Returns one merged run per side.
 */
export async function loadInterleaved({ clients, warmup, rounds, sides }) {
  for (const side of sides) await load({ clients, count: warmup, send: side.send });
  const runs = sides.map(() => ({ latencies: [], wallMs: 0, failures: [] }));
  for (let round = 0; round < rounds; round++) {
    for (const [s, side] of sides.entries()) {
      const slice = Math.ceil(side.count / rounds);
      const offset = round * slice;
      const count = Math.min(slice, side.count - offset);
      const run = await load({ clients, count, send: (i) => side.send(offset + i) });
      runs[s].latencies.push(...run.latencies);
      runs[s].wallMs += run.wallMs;
      runs[s].failures.push(...run.failures);
    }
  }

  return runs.map(stats);
}

/** p50, p99 (ms) and requests per second of a load run. */
export function stats({ latencies, wallMs, failures }) {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

  return {
    p50: at(0.5),
    p99: at(0.99),
    perSecond: (latencies.length / wallMs) * 1000,
    failures: failures.length,
    firstFailure: failures[0] ?? null,
  };
}

/** Sends requests in order from `clients` loops and collects the JSON answers. */
async function each(count, clients, send) {
  const results = new Array(count);
  const run = await load({
    clients,
    count,
    send: async (i) => {
      const response = await send(i);
      results[i] = { status: response.status, body: await response.clone().text() };
      return response;
    },
  });
  if (run.failures.length > 0) throw new Error(`setup request failed: ${run.failures[0]}`);

  return results.map((r) => JSON.parse(r.body));
}

const json = (token, body) => ({
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  },
  body: JSON.stringify(body),
});

/**
 * Prepares the product: logs in as the demo's compliance lead and creates `cases` cases. They
 * come through the public intake until it answers 429 (its rate limit), then as
 * oral reports recorded by the lead. Returns the session token, the case ids and the counts.
 */
export async function prepareProduct(url, cases) {
  const login = await fetch(
    `${url}/api/auth/login`,
    json(null, { org: 'demo', email: 'lead@demo.test', password: 'correct-horse-demo' }),
  );
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const { token } = await login.json();
  if (typeof token !== 'string') throw new Error('login answered without a token (TOTP on?)');

  const channels = { written: 0, oral: 0 };
  let intakeOpen = true;
  const report = async (i) => {
    const description = `Benchmark report ${i}: invoices are approved twice and paid twice.`;
    if (intakeOpen) {
      const body = { category: 'fraud', description };
      const response = await fetch(`${url}/api/public/demo/reports`, json(null, body));
      if (response.status !== 429) {
        if (response.ok) channels.written++;
        return response;
      }
      intakeOpen = false;
    }
    const oral = {
      channel: 'oral',
      medium: 'phone',
      heardOn: new Date().toISOString().slice(0, 10),
      category: 'fraud',
      minutes: description,
    };
    const response = await fetch(`${url}/api/cases`, json(token, oral));
    if (response.ok) channels.oral++;
    return response;
  };
  const reports = await each(cases, 4, report);
  const refs = new Set(reports.map((r) => r.caseRef));

  // The list is the KV read model; the mirror is written before a report is answered.
  const list = await fetch(`${url}/api/cases?limit=200`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!list.ok) throw new Error(`case list failed: ${list.status} ${await list.text()}`);
  const ids = (await list.json()).items.filter((c) => refs.has(c.caseRef)).map((c) => c.id);
  if (ids.length !== cases) throw new Error(`expected ${cases} cases, listed ${ids.length}`);

  return { token, ids, channels };
}

/** The product's event request: ADD_NOTE, which a lead may send in every state of these cases. */
export function productEvent(url, token, ids) {
  return (i) =>
    fetch(
      `${url}/api/cases/${ids[i % ids.length]}/events`,
      json(token, { type: 'ADD_NOTE', body: `Benchmark note ${i}.` }),
    );
}

/**
 * The baseline's request: the same body, to the Durable Object of case i mod `cases`. `query`
 * picks a profiling variant of bench/baseline/worker.ts (`?session`, `?session&mirror`).
 */
export function baselineEvent(url, cases, query = '') {
  return (i) =>
    fetch(
      `${url}/case/${i % cases}${query}`,
      json(null, { type: 'ADD_NOTE', body: `Benchmark note ${i}.` }),
    );
}

/** GET / of the baseline: no Durable Object, only wrangler dev's own path in and out. */
export function floor(url) {
  return () => fetch(`${url}/`);
}

/** GET /api/me: the session check at the organisation's Durable Object and nothing else. */
export function sessionCheck(url, token) {
  return () => fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
}
