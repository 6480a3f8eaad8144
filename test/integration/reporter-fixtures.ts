/**
 * Shared fixtures of the reporter channel's integration tests: files, mailbox logins and
 * direct looks into storage (R2 listings, a case's tables).
 */
import { env as untyped } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';

import type { Env } from '../../src/env';

import { api } from './helpers';

/** The Worker's bindings, typed (the test runtime's `env` is not augmented with them). */
export const env = untyped as unknown as Env;

const enc = (text: string) => Array.from(new TextEncoder().encode(text));
const segment = (marker: number, payload: number[]) => {
  const length = payload.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...payload];
};

/** A minimal JPEG whose Exif segment holds `secret` (ITU-T T.81 Annex B segments). */
export function jpegWithExif(secret: string): Uint8Array {
  return Uint8Array.from([
    0xff,
    0xd8,
    ...segment(0xe0, [...enc('JFIF\0'), 1, 2, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xe1, [...enc('Exif\0\0'), ...enc(`MM ${secret}`)]),
    ...segment(0xdb, [0, ...Array.from({ length: 64 }, (_, i) => i + 1)]),
    ...segment(0xc0, [8, 0, 1, 0, 1, 1, 1, 0x11, 0]),
    ...segment(0xda, [1, 1, 0, 0, 0x3f, 0]),
    0x12,
    0x34,
    0xff,
    0xd9,
  ]);
}

/** Base64 of bytes. */
export function b64(bytes: Uint8Array | string): string {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  let binary = '';
  for (const byte of data) binary += String.fromCharCode(byte);

  return btoa(binary);
}

/** True when `haystack` contains the UTF-8 bytes of `needle`. */
export function bytesContain(haystack: Uint8Array, needle: string): boolean {
  const n = new TextEncoder().encode(needle);
  outer: for (let i = 0; i + n.length <= haystack.length; i++) {
    for (let j = 0; j < n.length; j++) if (haystack[i + j] !== n[j]) continue outer;
    return true;
  }

  return false;
}

/** Every R2 key under an organisation. */
export async function r2Keys(org: string): Promise<string[]> {
  const listed = await env.ATTACHMENTS.list({ prefix: `org/${org}/` });

  return listed.objects.map((o) => o.key);
}

/** Logs into a mailbox through the API and returns the bearer session. */
export async function mailboxLogin(credentials: { token: string; returnCode: string }) {
  const res = await api('POST', '/api/mailbox/login', { body: credentials });
  if (res.status !== 200) throw new Error(`mailbox login failed: ${JSON.stringify(res.body)}`);

  return res.body.session as string;
}

/** Every row of every table of a case's Durable Object, as JSON text. */
export async function dumpCase(org: string, caseId: string): Promise<string> {
  const stub = env.CASES.getByName(`${org}/${caseId}`);

  return runInDurableObject(stub, (_instance, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .toArray()
      .map((t) => t.name);
    const dump: Record<string, unknown[]> = {};
    for (const table of tables) {
      if (table.startsWith('_cf') || table.startsWith('sqlite')) continue;
      dump[table] = state.storage.sql.exec(`SELECT * FROM "${table}"`).toArray();
    }

    return JSON.stringify(dump);
  });
}

/** Reads and rewrites the stored mailbox state of a case (meta key 'mailbox'). */
export async function editMailboxMeta(
  org: string,
  caseId: string,
  edit: (meta: Record<string, number | string>) => Record<string, number | string>,
): Promise<Record<string, number | string>> {
  const stub = env.CASES.getByName(`${org}/${caseId}`);

  return runInDurableObject(stub, (_instance, state) => {
    const row = state.storage.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'mailbox'")
      .one();
    const next = edit(JSON.parse(row.value) as Record<string, number | string>);
    state.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'mailbox'", JSON.stringify(next));

    return next;
  });
}
