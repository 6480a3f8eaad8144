/**
 * Starts `wrangler dev` for the browser tests (scripts/local-server.mjs: a free port, fresh
 * state, the demo workspace) and stops it afterwards. The base URL reaches the tests through
 * `inject('baseUrl')`.
 */
import type { TestProject } from 'vitest/node';

import { startLocalServer } from '../../scripts/local-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startLocalServer();
  project.provide('baseUrl', server.url);

  return server.stop;
}
