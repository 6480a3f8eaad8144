/**
 * The Worker: HTTP through the Hono app, the email queue's consumer, and the cron that
 * re-arms case timers. Durable Object classes are exported from here for wrangler.
 */
import { ensureDemoSeeded } from './demo/seed';
import type { EmailMessage, Env } from './env';
import { resolveEnv } from './env';
import { app } from './http/app';
import { configureLogging, log } from './log';
import { deliverEmails } from './notifications/deliver-emails';
import { sweepCases } from './store/sweep';

export { CaseObject } from './store/case-object';
export { MailboxDirectory } from './store/mailbox-directory';
export { OrgObject } from './store/org-object';

const NOT_CONFIGURED =
  'Whispr is not configured: set SERVER_SECRET (npx wrangler secret put SERVER_SECRET).';

export default {
  async fetch(request, bindings, ctx): Promise<Response> {
    configureLogging(bindings.LOG_LEVEL);
    const { env, configured } = resolveEnv(bindings);
    if (!configured) {
      log('error', 'not_configured', { missing: 'SERVER_SECRET' });
      return Response.json({ error: 'unavailable', message: NOT_CONFIGURED }, { status: 503 });
    }
    await ensureDemoSeeded(env);

    return app.fetch(request, env, ctx);
  },

  async scheduled(controller, bindings): Promise<void> {
    configureLogging(bindings.LOG_LEVEL);
    const { env, configured } = resolveEnv(bindings);
    if (!configured) throw new Error(NOT_CONFIGURED);

    await sweepCases(env, controller.scheduledTime);
  },

  async queue(batch, bindings): Promise<void> {
    const { env, configured } = resolveEnv(bindings);
    if (!configured) throw new Error(NOT_CONFIGURED);

    await deliverEmails(batch as MessageBatch<EmailMessage>, env);
  },
} satisfies ExportedHandler<Env, EmailMessage>;
