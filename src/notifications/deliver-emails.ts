/**
 * The email queue's consumer: resolves recipients from the organisation's authoritative
 * store and sends through Resend. Queues deliver at least once, so each message carries an
 * idempotency key that Resend honours, and a failed send is retried by the queue.
 * Without RESEND_API_KEY (local development) messages are acknowledged and logged by
 * template and case reference only.
 */
import { Resend } from 'resend';

import type { EmailMessage, Env } from '../env';
import { log } from '../log';
import { renderEmail } from './templates';

export async function deliverEmails(batch: MessageBatch<EmailMessage>, env: Env): Promise<void> {
  const resend = env.RESEND_API_KEY
    ? new Resend(
        env.RESEND_API_KEY,
        env.RESEND_BASE_URL ? { baseUrl: env.RESEND_BASE_URL } : undefined,
      )
    : null;

  for (const message of batch.messages) {
    const email = message.body;
    const recipients = await resolveRecipients(env, email);
    if (!resend || recipients.length === 0) {
      log('info', 'email_skipped', {
        template: email.template,
        caseRef: email.caseRef,
        recipients: recipients.length,
        reason: resend ? 'no_recipients' : 'no_api_key',
      });
      message.ack();
      continue;
    }

    const { subject, text } = renderEmail(email);
    const { error } = await resend.emails.send(
      {
        from: env.EMAIL_FROM ?? 'Whispr <notifications@whispr.invalid>',
        to: recipients,
        subject,
        text,
      },
      { idempotencyKey: email.id },
    );
    if (error) {
      log('warn', 'email_failed', {
        template: email.template,
        caseRef: email.caseRef,
        error: error.name,
      });
      message.retry({ delaySeconds: 30 * (message.attempts + 1) });
      continue;
    }
    message.ack();
  }
}

async function resolveRecipients(env: Env, email: EmailMessage): Promise<string[]> {
  const org = env.ORGS.getByName(email.orgId);
  if ('userId' in email.to) {
    const user = await org.user(email.to.userId);
    return user && !user.disabled ? [user.email] : [];
  }
  const role = email.to.role;

  return (await org.users()).filter((u) => u.role === role && !u.disabled).map((u) => u.email);
}
