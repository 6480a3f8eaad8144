// The audit hash chain of a case or an organisation: one record per accepted event, each carrying
// its position (`seq`, from 1, without gaps), the hash of the record before it, and its own hash.
// Recomputing the chain from seq 1 detects an edit, removal, insertion or reordering anywhere
// before the newest record.
//
// What the chain alone cannot show is a change at its end: removing the newest records, appending
// forged ones, or rewriting a suffix and hashing it again all leave a chain that verifies, because
// nothing here is secret. That anchor can only come from the writer: its own count and newest hash,
// carried beside an export and compared with the recomputed `length` and the last record's hash.
//
// Synchronous on purpose: the case's Durable Object hashes inside its decide-and-commit step, and
// awaiting crypto.subtle there would open its input gate (see PLATFORM.md). @noble/hashes is plain
// JavaScript, so it runs in Node and workerd alike.
//
// Pure: no I/O, no clock.

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { canonicalJson } from './canonical';

/** States of a machine's regions by region name; case and organisation trails name theirs. */
export type RegionStates = Record<string, string>;

/** Who caused the event; `role` is a staff role, or 'reporter' or 'system'. */
export type AuditActor = { id: string; role: string };

/** What the writer supplies; `seq`, `prevHash` and `hash` are filled in by {@link appendRecord}. */
export interface AuditDraft {
  /** ISO 8601 UTC, server time. */
  at: string;
  actor: AuditActor;
  /** Event type, e.g. 'CLOSE'. */
  type: string;
  /** null for the record that creates the case or organisation. */
  before: RegionStates | null;
  after: RegionStates;
  /** JSON-safe and non-sensitive: it travels in exports. */
  details: Record<string, unknown>;
}

/** One link of the chain as stored and exported. */
export interface AuditRecord extends AuditDraft {
  /** 1-based position in the trail, without gaps. */
  seq: number;
  /** `hash` of the record at seq - 1, or {@link GENESIS_HASH} for seq 1. */
  prevHash: string;
  /** Lowercase hex SHA-256, see {@link hashRecord}. */
  hash: string;
}

/** The `prevHash` of the first record: 64 zeros, the width of a hex SHA-256. */
export const GENESIS_HASH: string = '0'.repeat(64);

/** Result of {@link verifyChain}; `length` is the number of records given, in both cases. */
export type ChainVerification =
  | { valid: true; brokenAt: null; length: number }
  | {
      valid: false;
      /**
       * 1-based position in the list of the first record that fails. A record at position p fails
       * when, checked in this order: its `seq` is not p ('seq_gap'); its `prevHash` is not the
       * `hash` of the record at p - 1, or GENESIS_HASH when p is 1 ('prev_hash_mismatch'); or its
       * `hash` is not the hash of its own content ('hash_mismatch'). Every record before it
       * passed, so p is also the seq the failing record should carry.
       */
      brokenAt: number;
      reason: ChainFault;
      length: number;
    };

/** Why a record breaks the chain; see `brokenAt` in {@link ChainVerification}. */
export type ChainFault =
  | 'seq_gap'
  | 'prev_hash_mismatch'
  | 'hash_mismatch'
  /** The chain is consistent but shorter than its writer's count: records were cut off. */
  | 'missing_records'
  /** The chain is consistent but longer than its writer's count: records were appended. */
  | 'unexpected_records';

const utf8 = new TextEncoder();

/**
 * Lowercase hex SHA-256 of the UTF-8 bytes of `canonicalJson` of the record without its `hash`
 * field. Every other own field is covered, including any a caller added beyond the declared ones.
 *
 * @throws TypeError when the record holds a value canonicalJson refuses.
 */
export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  // verifyChain passes whole records, and the type cannot forbid an extra field: drop `hash`.
  const { hash: _excluded, ...content } = record as Omit<AuditRecord, 'hash'> & { hash?: unknown };

  return bytesToHex(sha256(utf8.encode(canonicalJson(content))));
}

/**
 * The record that follows `prev` (pass null for the first: seq 1, prevHash GENESIS_HASH).
 *
 * The draft's declared fields are copied through canonical JSON, so the record shares no object
 * with the caller (a later change to the draft cannot break the stored hash), keys whose value is
 * undefined are dropped as they are in the hash, and a value JSON cannot carry fails here, at
 * write time, rather than at verification.
 *
 * @throws TypeError when the draft holds a value canonicalJson refuses.
 */
export function appendRecord(prev: AuditRecord | null, draft: AuditDraft): AuditRecord {
  const { at, actor, type, before, after, details } = draft;
  const copy = JSON.parse(canonicalJson({ at, actor, type, before, after, details })) as AuditDraft;

  const content: Omit<AuditRecord, 'hash'> = {
    seq: prev === null ? 1 : prev.seq + 1,
    prevHash: prev === null ? GENESIS_HASH : prev.hash,
    ...copy,
  };

  return { ...content, hash: hashRecord(content) };
}

/**
 * Recomputes the chain from seq 1 and reports the first record that fails (see `brokenAt` in
 * {@link ChainVerification}). An empty list is valid.
 *
 * A valid result says the records are a consistent chain from the genesis; it cannot say the chain
 * is complete or unaltered at its end. Compare `length` and the last record's `hash` with the
 * writer's count and head hash for that.
 */
export function verifyChain(records: readonly AuditRecord[]): ChainVerification {
  let expectedPrevHash = GENESIS_HASH;

  for (const [index, record] of records.entries()) {
    const position = index + 1;
    const reason = findFault(record, position, expectedPrevHash);
    if (reason !== null) {
      return { valid: false, brokenAt: position, reason, length: records.length };
    }

    expectedPrevHash = record.hash;
  }

  return { valid: true, brokenAt: null, length: records.length };
}

/**
 * {@link verifyChain}, anchored at the writer's own count of records: a chain whose newest
 * records were removed, or that gained records the writer never committed, verifies on its
 * own but not against the count. `brokenAt` is then the first seq missing, or the first extra.
 */
export function verifyAnchored(
  records: readonly AuditRecord[],
  anchor: { length: number },
): ChainVerification {
  const verification = verifyChain(records);
  if (!verification.valid || records.length === anchor.length) return verification;

  const short = records.length < anchor.length;

  return {
    valid: false,
    brokenAt: (short ? records.length : anchor.length) + 1,
    reason: short ? 'missing_records' : 'unexpected_records',
    length: records.length,
  };
}

function findFault(
  record: AuditRecord,
  position: number,
  expectedPrevHash: string,
): ChainFault | null {
  if (record.seq !== position) return 'seq_gap';

  if (record.prevHash !== expectedPrevHash) return 'prev_hash_mismatch';

  return rehash(record) === record.hash ? null : 'hash_mismatch';
}

/** The record's hash, or null when its content cannot be hashed (and so cannot match). */
function rehash(record: AuditRecord): string | null {
  try {
    return hashRecord(record);
  } catch (error) {
    if (error instanceof TypeError) return null;
    throw error;
  }
}
