import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Two projects: pure code in Node (fast, thousands of generated histories), and
// everything that touches a binding inside workerd, on the runtime's own KV and
// Durable Objects.
export default defineConfig({
  test: {
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
          silent: 'passed-only',
        },
      },
    ],
  },
});
