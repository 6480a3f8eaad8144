/**
 * Migrations of stored case envelopes. Pure: no I/O.
 *
 * A stored envelope names the machine version it was written under. When a change to the
 * machine means snapshots of the previous version no longer restore as they are, the change
 * raises `CASE_MACHINE_VERSION` and adds a step here from the previous version; the case's
 * Durable Object upgrades every envelope it reads, and the test suite restores the committed
 * fixtures of every earlier version through the same function.
 */
import { CASE_MACHINE_VERSION } from './case';
import type { CaseEnvelope, PersistedCase } from './engine';

/** One step: the persisted form of version `from` turned into that of `from + 1`. */
type Migration = (stored: PersistedCase) => PersistedCase;

/**
 * The steps, keyed by the version they start from. Version 1 is the first stored version, so
 * there are none yet.
 */
const MIGRATIONS: Readonly<Record<number, Migration>> = {};

export type UpgradeResult =
  { ok: true; envelope: CaseEnvelope } | { ok: false; code: 'unknown_version'; message: string };

/** The envelope in the current machine version, or why it cannot be read. */
export function upgradeEnvelope(stored: CaseEnvelope): UpgradeResult {
  if (stored.machine !== 'case' || !Number.isInteger(stored.version) || stored.version < 1) {
    return { ok: false, code: 'unknown_version', message: 'Not a stored case envelope.' };
  }
  if (stored.version > CASE_MACHINE_VERSION) {
    return {
      ok: false,
      code: 'unknown_version',
      message: `Stored under case machine v${stored.version}, newer than this build.`,
    };
  }

  let snapshot = stored.snapshot;
  for (let version = stored.version; version < CASE_MACHINE_VERSION; version++) {
    const step = MIGRATIONS[version];
    if (!step) {
      return {
        ok: false,
        code: 'unknown_version',
        message: `No migration from case machine v${version} to v${version + 1}.`,
      };
    }
    snapshot = step(snapshot);
  }

  return { ok: true, envelope: { ...stored, version: CASE_MACHINE_VERSION, snapshot } };
}
