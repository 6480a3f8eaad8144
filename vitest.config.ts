import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Three projects: pure code in Node (fast, thousands of generated histories), everything
// that touches a binding inside workerd on the runtime's own KV and Durable Objects, and the
// reporter's pages in a real browser.
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
              bindings: { DEMO_SEED: 'false', RESEND_API_KEY: '' },
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
