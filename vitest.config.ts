import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Four projects: pure code in Node (fast, thousands of generated histories), everything that
// touches a binding inside workerd on the runtime's own KV and Durable Objects (twice: as
// configured, and with TOTP required deployment-wide), and the reporter's pages in a real
// browser.

// A fixed key for the workerd tests; a deployment sets its own with `wrangler secret put`.
const TEST_SERVER_SECRET = 'test-only-server-secret-0123456789abcdef';

/** A project of integration tests inside workerd, with the Worker's bindings plus `vars`. */
function workersProject(name: string, include: string, vars: Record<string, string> = {}) {
  return {
    plugins: [
      cloudflareTest({
        main: './src/index.ts',
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            DEMO_SEED: 'false',
            RESEND_API_KEY: '',
            SERVER_SECRET: TEST_SERVER_SECRET,
            ...vars,
          },
        },
      }),
    ],
    test: { name, include: [include], testTimeout: 60_000 },
  };
}

export default defineConfig({
  test: {
    // Request and event logs are for operators; show them only for a failing test.
    silent: 'passed-only',
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      workersProject('workers', 'test/integration/**/*.test.ts'),
      // Bindings are per project, so the deployment-wide TOTP requirement (wrangler.toml
      // TOTP_ENFORCEMENT), which `workers` leaves to each organisation, gets a project of its own.
      workersProject('workers-strict', 'test/integration-strict/**/*.test.ts', {
        TOTP_ENFORCEMENT: 'all',
      }),
      {
        // Pages in a real browser (Debian's Chromium through playwright-core) against
        // `wrangler dev`, which the global setup starts on a free port with fresh state.
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
