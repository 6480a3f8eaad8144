/**
 * Use case: a reporter opens their mailbox with the token and the return code.
 *
 * A wrong token and a wrong code must look the same, in the answer and in the work done:
 * both digests are always computed, the directory is always asked, and an unknown token is
 * sent to a decoy case object that does the same reads, comparison and write as a real one
 * (CaseObject.mailboxLogin) and answers like a wrong code. Malformed input takes the same
 * path with a placeholder value.
 */
import { caseStub } from '../cases/case-stub';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import { credentialDigest, normaliseCredential } from '../reporter/credentials';
import { directoryShard } from '../store/mailbox-directory';
import { formatSessionToken } from './session-token';

export interface LogInOptions {
  token: string;
  returnCode: string;
  requestId?: string;
}

/** The one answer to a wrong token and to a wrong code. */
export const WRONG_CREDENTIALS =
  'The mailbox token or the return code is not right. Check both and try again.';

// Stands in for malformed input so that it costs what well-formed input costs.
const PLACEHOLDER = '0'.repeat(20);

/** Opens a session, or raises 401 (wrong credentials) or 423 (locked, with `until`). */
export async function logInToMailbox(
  env: Env,
  options: LogInOptions,
): Promise<{ sessionToken: string; expiresAt: number }> {
  const token = normaliseCredential(options.token);
  const code = normaliseCredential(options.returnCode);
  const tokenDigest = credentialDigest(env.SERVER_SECRET, 'mailbox-token', token ?? PLACEHOLDER);
  const codeDigest = credentialDigest(env.SERVER_SECRET, 'return-code', code ?? PLACEHOLDER);

  const entry = await directoryShard(env, tokenDigest).lookup(tokenDigest);
  const stub = entry
    ? caseStub(env, entry.org, entry.caseId)
    : env.CASES.getByName(`decoy/${tokenDigest.slice(0, 2)}`);
  const result = await stub.mailboxLogin({
    tokenDigest,
    codeDigest: token && code ? codeDigest : '',
    requestId: options.requestId,
  });

  if (result.ok && entry) {
    return {
      sessionToken: formatSessionToken(env.SERVER_SECRET, {
        org: entry.org,
        caseId: entry.caseId,
        secret: result.secret,
      }),
      expiresAt: result.expiresAt,
    };
  }
  if (!result.ok && result.code === 'locked') {
    const until = new Date(result.until).toISOString();
    throw new ApiError(
      'locked',
      `Too many wrong attempts. This mailbox is locked until ${until}; try again after that.`,
      { until },
    );
  }

  throw new ApiError('invalid_credentials', WRONG_CREDENTIALS);
}
