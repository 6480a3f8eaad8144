/**
 * The few Node APIs the browser tests' setup uses, declared here because the project's
 * TypeScript configuration carries Workers types, not Node's (@types/node is not a
 * dependency). Scoped to `node:` modules so no Worker code can reach them unnoticed.
 */
declare module 'node:child_process' {
  export interface ChildProcess {
    pid?: number;
    exitCode: number | null;
    stdout: { on(event: 'data', listener: (chunk: unknown) => void): void } | null;
    stderr: { on(event: 'data', listener: (chunk: unknown) => void): void } | null;
  }
  export function spawn(
    command: string,
    args: string[],
    options: { detached?: boolean; stdio?: unknown; env?: Record<string, string | undefined> },
  ): ChildProcess;
}
declare module 'node:fs' {
  export function mkdtempSync(prefix: string): string;
  export function rmSync(path: string, options: { recursive?: boolean; force?: boolean }): void;
}
declare module 'node:net' {
  export function createServer(): {
    listen(port: number, host: string, callback: () => void): void;
    address(): { port: number } | string | null;
    close(callback: () => void): void;
  };
}
declare module 'node:os' {
  export function tmpdir(): string;
}
declare module 'node:path' {
  export function join(...parts: string[]): string;
}
declare module 'node:process' {
  const process: {
    env: Record<string, string | undefined>;
    kill(pid: number, signal: string): void;
  };
  export default process;
}
