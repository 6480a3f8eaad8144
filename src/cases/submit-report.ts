/**
 * Use case: a report reaches the organisation, in writing through the public intake or
 * orally through a handler. The routing and retention policies in force decide the team
 * and the retention terms, and the case records the versions it was decided under.
 *
 * The mailbox credentials are generated here, shown to the reporter once, and only their
 * keyed digests are stored (in the case, and the token's in the mailbox directory).
 */
import type { Channel, ProductMode } from '../../machines/context';
import { routeCase, validateIntake } from '../../policies';
import type { AuditActor } from '../audit/chain';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import {
  createCaseRef,
  createMailboxCredentials,
  credentialDigest,
  normaliseCredential,
} from '../reporter/credentials';
import { caseStub, newCaseId } from './case-stub';

export interface SubmitReportOptions {
  org: string;
  channel: Channel;
  category: unknown;
  description: string;
  answers: unknown;
  /** The reporter (written) or the handler who heard the report (oral). */
  actor: AuditActor;
  /** Handler's minutes of an oral report. */
  minutes?: string;
  requestId?: string;
}

export interface SubmittedReport {
  caseId: string;
  caseRef: string;
  mailbox: { token: string; returnCode: string };
  receivedAt: number;
}

/** Creates the case, or raises the 4xx that says what is wrong; nothing is written then. */
export async function submitReport(
  env: Env,
  options: SubmitReportOptions,
): Promise<SubmittedReport> {
  const org = env.ORGS.getByName(options.org);
  const settings = await org.settings();
  if (!settings) throw new ApiError('not_found', 'No such organisation.');
  const policies = await org.policies();
  const receivedAt = Date.now();

  const intake = validateIntake(
    policies.intake,
    { category: options.category, answers: options.answers ?? {} },
    receivedAt,
  );
  if (!intake.ok) {
    const fields = intake.issues.map((i) => i.path).join(', ');
    throw new ApiError('validation_failed', `The report is not complete: check ${fields}.`, {
      issues: intake.issues,
    });
  }

  const routing = routeCase(policies.routing, {
    category: intake.value.category,
    channel: options.channel,
  });
  const caseId = newCaseId();
  const caseRef = createCaseRef();
  const mailbox = createMailboxCredentials();
  const digest = (purpose: 'mailbox-token' | 'return-code', value: string) =>
    credentialDigest(env.SERVER_SECRET, purpose, normaliseCredential(value) ?? '');

  const created = await caseStub(env, options.org, caseId).create({
    input: {
      caseId,
      orgId: options.org,
      caseRef,
      mode: settings.mode as ProductMode,
      channel: options.channel,
      category: intake.value.category,
      receivedAt,
      retention: {
        policyVersion: policies.retention.version,
        closedCaseDays: policies.retention.closedCaseDays,
        oralRecordDays: policies.retention.oralRecordDays,
        byOutcome: policies.retention.byOutcome ?? {},
      },
    },
    actor: options.actor,
    report: {
      description: options.description,
      answers: intake.value.answers,
      minutes: options.minutes ?? null,
    },
    routing: {
      team: routing.team,
      assignee: routing.assignee,
      ruleId: routing.ruleId,
      policyVersion: routing.policyVersion,
    },
    mailbox: {
      tokenDigest: digest('mailbox-token', mailbox.token),
      codeDigest: digest('return-code', mailbox.returnCode),
    },
    requestId: options.requestId,
  });
  if (!created.ok) throw new ApiError('internal', 'The report could not be stored. Try again.');

  return { caseId, caseRef, mailbox, receivedAt };
}
