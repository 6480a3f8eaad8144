/**
 * Use case: a report reaches the organisation, in writing through the public intake or
 * orally through a handler. The routing and retention policies in force decide the team
 * and the retention terms, and the case records the versions it was decided under.
 *
 * The mailbox credentials are generated here, shown to the reporter once, and only their
 * keyed digests are stored (in the case, and the token's in the mailbox directory).
 *
 * Every check (intake policy, files) runs before anything is written. Files go to R2 before
 * the case is committed, because the commit records their ids; if the commit fails they are
 * removed again, and a purge removes anything left under the case's prefix.
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
import type { UploadedFile } from '../reporter/attachments';
import { prepareAttachments } from '../reporter/attachments';
import { removeAttachments, storeAttachments } from '../reporter/attachment-store';
import type { OralMedium } from '../store/case-content';
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
  /** How and when an oral report was heard. */
  oral?: { medium: OralMedium; heardOn: string };
  /** Files sent with a written report, unchecked. */
  attachments?: UploadedFile[];
  /**
   * Asked once the report has passed every check and before anything is stored, so that a
   * refused report counts against no limit; what it raises (429) stores nothing either.
   */
  admit?: () => Promise<void>;
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

  // A handler records what was said; a question the reporter was not asked is no reason to
  // refuse the record, so an oral report is held to the questions' form but not to `required`.
  const intakePolicy =
    options.channel === 'oral'
      ? {
          ...policies.intake,
          questions: policies.intake.questions.map((q) => ({ ...q, required: false })),
        }
      : policies.intake;
  const intake = validateIntake(
    intakePolicy,
    { category: options.category, answers: options.answers ?? {} },
    receivedAt,
  );
  if (!intake.ok) {
    const fields = intake.issues.map((i) => i.path).join(', ');
    throw new ApiError('validation_failed', `The report is not complete: check ${fields}.`, {
      issues: intake.issues,
    });
  }

  const prepared = prepareAttachments(policies.intake, options.attachments ?? []);
  if (!prepared.ok) {
    throw new ApiError(prepared.code, prepared.message, { issues: prepared.issues });
  }
  await options.admit?.();

  const routing = routeCase(policies.routing, {
    category: intake.value.category,
    channel: options.channel,
  });
  const caseId = newCaseId();
  const caseRef = createCaseRef();
  const mailbox = createMailboxCredentials();
  const digest = (purpose: 'mailbox-token' | 'return-code', value: string) =>
    credentialDigest(env.SERVER_SECRET, purpose, normaliseCredential(value) ?? '');

  // The handler who heard an oral report works it unless the routing policy names someone.
  const assignee =
    routing.assignee ??
    (options.channel === 'oral' && options.actor.role === 'handler' ? options.actor.id : null);
  const attachments = await storeAttachments(env, options.org, caseId, prepared.files);
  const create = () =>
    caseStub(env, options.org, caseId).create({
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
        attachments,
        oral: options.oral ?? null,
      },
      routing: {
        team: routing.team,
        assignee,
        ruleId: routing.ruleId,
        policyVersion: routing.policyVersion,
      },
      mailbox: {
        tokenDigest: digest('mailbox-token', mailbox.token),
        codeDigest: digest('return-code', mailbox.returnCode),
      },
      requestId: options.requestId,
    });
  const ids = attachments.map((a) => a.id);
  const created = await create().catch(async (error: unknown) => {
    await removeAttachments(env, options.org, caseId, ids);
    throw error;
  });
  if (!created.ok) {
    await removeAttachments(env, options.org, caseId, ids);
    throw new ApiError('internal', 'The report could not be stored. Try again.');
  }

  return { caseId, caseRef, mailbox, receivedAt };
}
