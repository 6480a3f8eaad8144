/**
 * How a case's Durable Object is named: from its organisation and id, so that an id from
 * another organisation addresses an object that holds nothing and answers "not found".
 */
import type { Env } from '../env';
import { randomCrockford } from '../reporter/credentials';

/** The id format of a case: `c_` and 20 Crockford base32 characters (100 bits). */
export const CASE_ID_PATTERN = /^c_[0-9A-HJKMNP-TV-Z]{20}$/;

/** A fresh case id from a CSPRNG. */
export function newCaseId(): string {
  return `c_${randomCrockford(20)}`;
}

/** The Durable Object of a case of an organisation. */
export function caseStub(env: Env, org: string, caseId: string) {
  return env.CASES.getByName(`${org}/${caseId}`);
}
