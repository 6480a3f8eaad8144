/**
 * Hono's typed environment for the whole app: bindings and per-request variables.
 */
import type { Env } from '../env';
import type { StaffUser } from '../store/org-object';

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    user: StaffUser;
    /** The raw bearer token of the staff session (for logout). */
    sessionToken: string;
  };
};
