/** Types of local-server.mjs for the TypeScript that imports it. */
export function freePort(): Promise<number>;
export function startLocalServer(options?: {
  vars?: string[];
  timeoutMs?: number;
}): Promise<{ url: string; stop: () => Promise<void>; output: () => string }>;
