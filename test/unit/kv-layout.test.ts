// The KV read model's list metadata: always within KV's 1024 bytes, and never silently
// missing an exclusion (a list would then show the case to someone excluded from it).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createCase, statesOf } from '../../machines/engine';
import { KV_METADATA_BYTES, listMetadata, summarise } from '../../src/store/kv-layout';
import { caseInputArb } from './arbitraries';

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

// Up to the schemas' own limits: routing teams 100, assignees 200, categories 64 characters;
// multi-byte characters make the JSON longer than the character counts.
const nameArb = (max: number) => fc.string({ unit: 'binary', maxLength: max });

describe('list metadata', () => {
  it('fits KV, and is the whole summary or is marked partial', () => {
    fc.assert(
      fc.property(
        caseInputArb,
        nameArb(100),
        fc.option(nameArb(200), { nil: null }),
        nameArb(64),
        fc.array(fc.string({ minLength: 1, maxLength: 30 }), { maxLength: 12 }),
        (input, team, assignee, category, excluded) => {
          const snapshot = createCase(input);
          const context = { ...snapshot.context, team, assignee, category, excluded };
          const summary = summarise(context, statesOf(snapshot), 7, null);
          const metadata = listMetadata(summary);

          expect(bytes(metadata)).toBeLessThanOrEqual(KV_METADATA_BYTES);
          expect(summary.excluded).toEqual(excluded);
          if (metadata.partial) expect(metadata.id).toBe(summary.id);
          else expect(metadata).toEqual(summary);
          if (excluded.length > 5) expect(metadata.partial).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
