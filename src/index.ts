/**
 * The Worker: HTTP through the Hono app, the email queue's consumer, and the cron that
 * re-arms case timers. Durable Object classes are exported from here for wrangler.
 */
import { ensureDemoSeeded } from './demo/seed';
import type { EmailMessage, Env } from './env';
import { configureLogging } from './log';
import { app } from './http/app';
import { deliverEmails } from './notifications/deliver-emails';
import { sweepCases } from './store/sweep';

export { CaseObject } from './store/case-object';
export { MailboxDirectory } from './store/mailbox-directory';
export { OrgObject } from './store/org-object';

export default {
  async fetch(request, env, ctx): Promise<Response> {
    configureLogging(env.LOG_LEVEL);
    await ensureDemoSeeded(env);

    return app.fetch(request, env, ctx);
  },

  async scheduled(controller, env): Promise<void> {
    configureLogging(env.LOG_LEVEL);
    await sweepCases(env, controller.scheduledTime);
  },

  async queue(batch, env): Promise<void> {
    await deliverEmails(batch as MessageBatch<EmailMessage>, env);
  },
} satisfies ExportedHandler<Env, EmailMessage>;
