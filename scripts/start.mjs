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

const child = spawn('npx', args, { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
