import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Four projects: pure code in Node (fast, thousands of generated histories), everything
// that touches a binding inside workerd on the runtime's own KV and Durable Objects (twice:
// as configured, and with TOTP required deployment-wide), and the reporter's pages in a real
// browser.
// A fixed key for the workerd tests; a deployment sets its own with `wrangler secret put`.
const TEST_SERVER_SECRET = 'test-only-server-secret-0123456789abcdef';

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
      {
        plugins: [
          cloudflareTest({
            main: './src/index.ts',
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                DEMO_SEED: 'false',
                RESEND_API_KEY: '',
                SERVER_SECRET: TEST_SERVER_SECRET,
              },
            },
          }),
        ],
        test: {
          name: 'workers',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        // The same workerd setup with the deployment-wide TOTP requirement switched on
        // (wrangler.toml TOTP_ENFORCEMENT), which the `workers` project leaves to each
        // organisation; the bindings are per project, hence a project of its own.
        plugins: [
          cloudflareTest({
            main: './src/index.ts',
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                DEMO_SEED: 'false',
                RESEND_API_KEY: '',
                SERVER_SECRET: TEST_SERVER_SECRET,
                TOTP_ENFORCEMENT: 'all',
              },
            },
          }),
        ],
        test: {
          name: 'workers-strict',
          include: ['test/integration-strict/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
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
