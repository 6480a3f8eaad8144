// Starts Whispr under `wrangler dev` for a script or a test that needs a real server: a free
// port on loopback, a fresh state directory (never the repository's .wrangler/state) and the
// demo workspace; resolves once /api/health answers. `stop()` ends the whole process group
// and removes the state. Used by the browser tests and the login-timing script.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts the server. `vars` are extra `wrangler dev --var` settings (`NAME:value`).
 * Resolves to `{ url, stop, output }`; rejects with wrangler's output if it does not come up
 * within `timeoutMs`.
 */
export async function startLocalServer({ vars = [], timeoutMs = 90_000 } = {}) {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), 'whispr-server-'));
  let output = '';
  const child = spawn(
    'npx',
    [
      'wrangler',
      'dev',
      '--port',
      String(port),
      '--ip',
      '127.0.0.1',
      '--persist-to',
      state,
      '--show-interactive-dev-session=false',
      ...['DEMO_SEED:true', ...vars].flatMap((v) => ['--var', v]),
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { CLOUDFLARE_CF_FETCH_ENABLED: 'false', ...process.env, CI: '1' },
    },
  );
  child.stdout.on('data', (d) => (output += String(d)));
  child.stderr.on('data', (d) => (output += String(d)));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    rmSync(state, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, stop, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`wrangler dev did not answer /api/health:\n${output.slice(-4000)}`);
}
