import { describe, expect, it } from 'vitest';

import type { Env } from '../../src/env';
import { DEVELOPMENT_SECRET, resolveEnv } from '../../src/env';

const bindings = (vars: Partial<Env>) => vars as Env;

describe('SERVER_SECRET', () => {
  it('uses the deployment secret when it is long enough', () => {
    const secret = 'x'.repeat(32);
    const { env, configured } = resolveEnv(bindings({ SERVER_SECRET: secret }));

    expect(configured).toBe(true);
    expect(env.SERVER_SECRET).toBe(secret);
  });

  it('refuses to serve without a secret outside local development', () => {
    expect(resolveEnv(bindings({})).configured).toBe(false);
    expect(resolveEnv(bindings({ DEMO_SEED: 'false' })).configured).toBe(false);
    expect(resolveEnv(bindings({ SERVER_SECRET: 'short' })).configured).toBe(false);
  });

  it('falls back to the development key only when the demo workspace is on', () => {
    const { env, configured } = resolveEnv(bindings({ DEMO_SEED: 'true' }));

    expect(configured).toBe(true);
    expect(env.SERVER_SECRET).toBe(DEVELOPMENT_SECRET);
  });
});
