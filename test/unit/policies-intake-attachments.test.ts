import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_INTAKE_POLICY,
  validateAttachments,
  type AttachmentCandidate,
} from '../../policies/index';

const { maxFiles, maxBytesPerFile, allowedTypes } = DEFAULT_INTAKE_POLICY.attachments;

const allowedFileArb: fc.Arbitrary<AttachmentCandidate> = fc.record({
  type: fc.constantFrom(...allowedTypes),
  bytes: fc.integer({ min: 0, max: maxBytesPerFile }),
});

describe('validateAttachments', () => {
  it('accepts up to maxFiles files of allowed types within the size limit', () => {
    fc.assert(
      fc.property(fc.array(allowedFileArb, { maxLength: maxFiles }), (files) => {
        expect(validateAttachments(DEFAULT_INTAKE_POLICY, files)).toEqual({ ok: true });
      }),
    );
  });

  it('refuses more than maxFiles files', () => {
    fc.assert(
      fc.property(fc.array(allowedFileArb, { minLength: maxFiles + 1, maxLength: 20 }), (files) => {
        const result = validateAttachments(DEFAULT_INTAKE_POLICY, files);

        expect(result.ok).toBe(false);
        expect(!result.ok && result.issues.map((issue) => issue.path)).toEqual(['attachments']);
      }),
    );
  });

  it('refuses a file over the size limit or of another type, naming its position', () => {
    fc.assert(
      fc.property(
        fc.array(allowedFileArb, { minLength: 1, maxLength: maxFiles }),
        fc.nat(),
        fc.oneof(
          fc.record({
            type: fc.constantFrom(...allowedTypes),
            bytes: fc.integer({ min: maxBytesPerFile + 1 }),
          }),
          fc.record({
            type: fc.constantFrom('application/zip', 'text/html', 'image/svg+xml', ''),
            bytes: fc.integer({ min: 0, max: maxBytesPerFile }),
          }),
        ),
        (files, pick, bad) => {
          const index = pick % files.length;
          const withBad = files.with(index, bad);

          const result = validateAttachments(DEFAULT_INTAKE_POLICY, withBad);
          expect(!result.ok && result.issues.map((issue) => issue.path)).toEqual([
            `attachments.${index}`,
          ]);
        },
      ),
    );
  });

  it('compares types without case or parameters', () => {
    const files = [
      { type: 'Text/Plain; charset=utf-8', bytes: 10 },
      { type: 'IMAGE/PNG', bytes: 10 },
    ];

    expect(validateAttachments(DEFAULT_INTAKE_POLICY, files)).toEqual({ ok: true });
  });

  it('refuses a size that is not a whole number of bytes', () => {
    for (const bytes of [-1, 1.5, Number.NaN]) {
      const result = validateAttachments(DEFAULT_INTAKE_POLICY, [{ type: 'text/plain', bytes }]);

      expect(result.ok).toBe(false);
    }
  });
});
