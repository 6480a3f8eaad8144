/**
 * The Hono app: middleware, every route file, and the one place that turns errors into
 * responses (through ERROR_STATUS in errors.ts).
 */
import { Hono } from 'hono';

import { log } from '../log';
import { ApiError } from './errors';
import { requestLog } from './middleware/request-log';
import { openApiRoutes } from './openapi';
import { authRoutes } from './routes/auth';
import { caseRoutes } from './routes/cases';
import { healthRoutes } from './routes/health';
import { machineRoutes } from './routes/machines';
import { meRoutes } from './routes/me';
import { orgRoutes } from './routes/org-audit';
import { policyRoutes } from './routes/policies';
import { publicReportRoutes } from './routes/public-reports';
import { publicIntakeRoutes } from './routes/public-intake';
import { mailboxRoutes } from './routes/mailbox';
import { reporterPageRoutes } from './routes/reporter-pages';
import { oralReportRoutes } from './routes/oral-reports';
import { attachmentRoutes } from './routes/attachments';
import { userRoutes } from './routes/users';
import { apiSecurityHeaders } from './security-headers';
import type { AppEnv } from './types';

/** Builds the app; route files register themselves in the route table as they mount. */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requestLog());
  app.use('/api/*', apiSecurityHeaders());

  healthRoutes(app);
  authRoutes(app);
  meRoutes(app);
  publicReportRoutes(app);
  publicIntakeRoutes(app);
  mailboxRoutes(app);
  reporterPageRoutes(app);
  oralReportRoutes(app);
  attachmentRoutes(app);
  caseRoutes(app);
  machineRoutes(app);
  userRoutes(app);
  orgRoutes(app);
  policyRoutes(app);
  openApiRoutes(app);

  app.notFound((c) =>
    c.json(
      {
        error: 'not_found',
        message: `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`,
      },
      404,
    ),
  );
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.toJSON(), error.status);
    log('error', 'unhandled_error', {
      requestId: c.get('requestId'),
      error: error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : 'unknown',
    });

    return c.json(
      { error: 'internal', message: 'Something went wrong on our side. Try again.' },
      500,
    );
  });

  return app;
}

export const app = createApp();
