// `npm run bench`: one run that prints, side by side, (a) the pure decide step per event against a
// hand-written reducer, and (b) the product's HTTP event round trip on local workerd against the
// baseline Worker in bench/baseline/. Measurement only: it prints numbers and ratios and fails
// only when something could not be measured (a server that does not start, a refused request).
// bench/README.md says what each side does.
//
//   npm run bench                 both parts (about two minutes on 2 cores)
//   npm run bench -- --pure       part (a) only
//   npm run bench -- --http       part (b) only
//   npm run bench -- --quick      fewer histories and events, to try the script itself
//   npm run bench -- --http --log-level warn
//                                 the product without its info log lines (logging's share)
//
// Touches: a temporary directory (bundle, wrangler state and logs; removed at the end unless
// --keep), two `wrangler dev` processes it starts and always stops, and loopback HTTP.

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import {
  baselineEvent,
  floor,
  killGroup,
  loadInterleaved,
  prepareProduct,
  productEvent,
  sessionCheck,
  startWrangler,
  waitReady,
} from './http-bench.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const flags = new Set(process.argv.slice(2));
const quick = flags.has('--quick');
const logLevelAt = process.argv.indexOf('--log-level');
const logLevel = logLevelAt > 0 ? process.argv[logLevelAt + 1] : undefined;
const SETTINGS = {
  seed: 20260426,
  histories: quick ? 200 : 1000,
  length: 20,
  rounds: { pure: 2, http: 5 },
  cases: 100,
  clients: 16,
  warmup: quick ? 64 : 320,
  events: quick ? 300 : 3000,
  /** Requests of each profiling line (session check alone, wrangler dev's floor). */
  profile: quick ? 100 : 1000,
  /** The aim for the HTTP path: no more than this times the baseline. */
  aim: 1.5,
};

const servers = [];
let tmp = null;

async function main() {
  const runPure = !flags.has('--http');
  const runHttp = !flags.has('--pure');
  tmp = mkdtempSync(join(tmpdir(), 'whispr-bench-'));
  console.log(
    `whispr bench — node ${process.version}, ${cpus().length} cores, ` +
      `${new Date().toISOString()}${quick ? ' (quick)' : ''}\n`,
  );

  if (runPure) printPure(await pure());
  if (runHttp) printHttp(await http());
}

/** Part (a): bundles bench/pure-bench.ts with esbuild and runs it in this process. */
async function pure() {
  const { build } = await import('esbuild');
  const outfile = join(tmp, 'pure-bench.mjs');
  await build({
    entryPoints: [join(ROOT, 'bench/pure-bench.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  const { runPureBench } = await import(pathToFileURL(outfile).href);

  return runPureBench({
    seed: SETTINGS.seed,
    histories: SETTINGS.histories,
    length: SETTINGS.length,
    rounds: SETTINGS.rounds.pure,
  });
}

/** Part (b): starts both Workers, prepares the product's cases, then loads each in turn. */
async function http() {
  const product = await startWrangler({
    root: ROOT,
    config: join(ROOT, 'wrangler.toml'),
    persistTo: join(tmp, 'product-state'),
    logFile: join(tmp, 'product.log'),
    // --log-level warn measures the product without its info lines, to show logging's share.
    vars: ['DEMO_SEED:true', ...(logLevel ? [`LOG_LEVEL:${logLevel}`] : [])],
  });
  servers.push(product);
  const baseline = await startWrangler({
    root: ROOT,
    config: join(ROOT, 'bench/baseline/wrangler.toml'),
    persistTo: join(tmp, 'baseline-state'),
    logFile: join(tmp, 'baseline.log'),
  });
  servers.push(baseline);
  await Promise.all([waitReady(product, '/api/health'), waitReady(baseline, '/')]);

  const { token, ids, channels } = await prepareProduct(product.url, SETTINGS.cases);
  const { clients, warmup, rounds, events, profile } = SETTINGS;
  const sides = {
    baseline: { send: baselineEvent(baseline.url, SETTINGS.cases), count: events },
    product: { send: productEvent(product.url, token, ids), count: events },
    session: { send: sessionCheck(product.url, token), count: profile },
    floor: { send: floor(baseline.url), count: profile },
    hop: { send: baselineEvent(baseline.url, SETTINGS.cases, '?session'), count: profile },
    hopMirror: {
      send: baselineEvent(baseline.url, SETTINGS.cases, '?session&mirror'),
      count: profile,
    },
  };
  const measured = await loadInterleaved({
    clients,
    warmup,
    rounds: rounds.http,
    sides: Object.values(sides),
  });
  const results = Object.fromEntries(Object.keys(sides).map((name, i) => [name, measured[i]]));
  for (const [name, result] of Object.entries(results)) {
    if (result.failures > 0)
      throw new Error(`${name}: ${result.failures} requests failed, first: ${result.firstFailure}`);
  }

  return { ...results, channels };
}

const ns = (value) => Math.round(value).toLocaleString('en-US');
const ms = (value) => value.toFixed(2);
const times = (value) => `${value.toFixed(2)}×`;
const row = (cells, widths) =>
  cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('');

function printPure(result) {
  const { machine, hand } = result;
  const widths = [34, 12, 12];
  console.log(
    `(a) Pure decide step per event: restore + decide + audit record + persist, no SQL\n` +
      `    ${ns(result.histories)} seeded histories × ${SETTINGS.length} events, ` +
      `${SETTINGS.rounds.pure} timed rounds per side after a warm-up; ns per event\n`,
  );
  console.log(row(['', 'p50', 'mean'], widths));
  console.log(row(['machine (XState engine)', ns(machine.p50), ns(machine.mean)], widths));
  console.log(row(['hand-written reducer', ns(hand.p50), ns(hand.mean)], widths));
  console.log(
    row(
      ['ratio machine / hand', times(machine.p50 / hand.p50), times(machine.mean / hand.mean)],
      widths,
    ),
  );
  const phases = (p) =>
    Object.entries(p)
      .filter(([name]) => name !== 'withoutAudit')
      .map(([name, value]) => `${name} ${ns(value)}`)
      .join(' · ');
  console.log(
    `\n    p50 per phase, ns (a separate pass that reads the clock between phases; one clock ` +
      `read costs about ${ns(result.clockNs)} ns):`,
  );
  console.log(`    machine: ${phases(machine.phases)}`);
  console.log(`    hand:    ${phases(hand.phases)}`);
  const m = machine.phases.withoutAudit;
  const h = hand.phases.withoutAudit;
  console.log(
    `    p50 without the audit record (the same code on both sides): ` +
      `machine ${ns(m)} vs hand ${ns(h)} = ${times(m / h)}\n`,
  );
}

function printHttp({ baseline, product, session, floor: bare, hop, hopMirror, channels }) {
  const widths = [48, 10, 10, 11];
  console.log(
    `(b) HTTP event round trip on local workerd (wrangler dev), ${SETTINGS.clients} concurrent ` +
      `clients, ${SETTINGS.cases} cases,\n    ${ns(SETTINGS.events)} requests per side in ` +
      `${SETTINGS.rounds.http} alternating rounds after ${SETTINGS.warmup} warm-up requests\n`,
  );
  console.log(
    `    product cases: ${channels.written} through the public intake, ${channels.oral} recorded ` +
      `as oral reports once the intake's rate limit answered 429\n`,
  );
  console.log(row(['', 'p50 ms', 'p99 ms', 'events/s'], widths));
  const line = (name, r) => console.log(row([name, ms(r.p50), ms(r.p99), ns(r.perSecond)], widths));
  line('baseline: POST /case/:n, 1 DO RPC + 1 INSERT', baseline);
  line('product: POST /api/cases/:id/events ADD_NOTE', product);
  const ratio = {
    p50: product.p50 / baseline.p50,
    p99: product.p99 / baseline.p99,
    throughput: baseline.perSecond / product.perSecond,
  };
  console.log(
    row(
      ['ratio product / baseline', times(ratio.p50), times(ratio.p99), times(ratio.throughput)],
      widths,
    ),
  );
  console.log(
    `    (the events/s ratio is baseline/product: above 1 means the product costs more)\n`,
  );
  console.log(`    profile, ${ns(SETTINGS.profile)} requests each, same rounds:`);
  line('product GET /api/me: the session check alone', session);
  line('baseline GET /: no DO, wrangler dev alone', bare);
  line('baseline + a shared session DO (read, update)', hop);
  line('baseline + session DO + KV put in the case DO', hopMirror);
  const verdict = ratio.p50 <= SETTINGS.aim ? 'within' : 'over';
  console.log(
    `\n    aim: the full path costs no more than ${SETTINGS.aim}× the baseline; ` +
      `the p50 ratio ${times(ratio.p50)} is ${verdict} it.`,
  );
}

async function stopAll() {
  await Promise.all(servers.map((server) => server.stop()));
}

function removeTmp() {
  // wrangler leaves an empty .wrangler/tmp beside the baseline's config; it is ours to remove.
  rmSync(join(ROOT, 'bench/baseline/.wrangler'), { recursive: true, force: true });
  if (tmp && !flags.has('--keep')) rmSync(tmp, { recursive: true, force: true });
  else if (tmp) console.log(`kept ${tmp}`);
  tmp = null;
}

// Whatever happens, the wrangler process groups go: on an error, on Ctrl-C, and at exit.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await stopAll();
    removeTmp();
    process.exit(130);
  });
}
process.once('exit', () => {
  for (const server of servers) if (server.running()) killGroup(server.pid, 'SIGKILL');
});

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  console.error(`bench failed: ${error instanceof Error ? error.stack : error}`);
} finally {
  await stopAll();
  removeTmp();
}
