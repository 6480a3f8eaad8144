// Starts Whispr locally: `wrangler dev` on its embedded local state (.wrangler/state), with
// the demo workspace switched on. The demo is seeded on the first request, once; the state
// persists across restarts. PORT chooses the port (default 8787).
import { spawn } from 'node:child_process';

const port = process.env.PORT ?? '8787';
const args = [
  'wrangler',
  'dev',
  '--port',
  port,
  '--ip',
  '127.0.0.1',
  '--var',
  'DEMO_SEED:true',
  '--test-scheduled',
  ...process.argv.slice(2),
];

// Offline by design: without this, wrangler tries to download a sample `request.cf` object
// at start and prints a network error when it cannot. Whispr reads nothing from it.
const env = { CLOUDFLARE_CF_FETCH_ENABLED: 'false', ...process.env };
const child = spawn('npx', args, { stdio: 'inherit', env });
child.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
