/**
 * Starts `wrangler dev` for the browser tests: a free port, a fresh state directory and the
 * demo workspace (DEMO_SEED), waits until /api/health answers, and stops it afterwards. The
 * base URL reaches the tests through `inject('baseUrl')`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

function freePort(): Promise<number> {
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

async function waitForHealth(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${log()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`wrangler dev did not answer /api/health in time:\n${log()}`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), 'whispr-browser-'));
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
      '--var',
      'DEMO_SEED:true',
      '--show-interactive-dev-session=false',
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } },
  );
  child.stdout?.on('data', (d: unknown) => (output += String(d)));
  child.stderr?.on('data', (d: unknown) => (output += String(d)));
  const baseUrl = `http://127.0.0.1:${port}`;

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

  try {
    await waitForHealth(baseUrl, child, () => output.slice(-4000));
  } catch (error) {
    await stop();
    throw error;
  }
  project.provide('baseUrl', baseUrl);

  return stop;
}
