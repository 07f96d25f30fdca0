import * as z from 'zod';
import { auditRetentionDays } from './config.ts';
import { parseEnv } from './parse-env.ts';

/**
 * The admin function's own settings, beside the service's (`lambda/config.ts`): how callers are
 * authenticated and how long audit records are kept. Checked at cold start like the rest.
 *
 * - `ADMIN_AUTH=iam` (the default, what the stack deploys): the function URL's `AWS_IAM` auth has
 *   already checked the caller's SigV4 signature and `lambda:InvokeFunctionUrl` permission; the
 *   handler only reads who it was (`requestContext.authorizer.iam.userArn`) for the audit trail.
 * - `ADMIN_AUTH=token`: no IAM in front (the local server), so a bearer token is required,
 *   `ADMIN_TOKEN`, at least 32 characters.
 */
export const adminEnvSchema = z
  .object({
    ADMIN_AUTH: z.enum(['iam', 'token']).default('iam'),
    ADMIN_TOKEN: z.string().min(32).optional(),
    AUDIT_RETENTION_DAYS: auditRetentionDays,
  })
  .refine((env) => env.ADMIN_AUTH !== 'token' || env.ADMIN_TOKEN !== undefined, {
    message: 'ADMIN_AUTH=token needs ADMIN_TOKEN (at least 32 characters)',
    path: ['ADMIN_TOKEN'],
  });

export type AdminAuth = { mode: 'iam' } | { mode: 'token'; token: string };

export interface AdminConfig {
  auth: AdminAuth;
  auditRetentionDays: number;
}

/** Parses the admin settings; throws naming the variable (never its value). */
export function loadAdminConfig(env: NodeJS.ProcessEnv = process.env): AdminConfig {
  const e = parseEnv(adminEnvSchema, env);
  return {
    auth:
      e.ADMIN_AUTH === 'token'
        ? { mode: 'token', token: e.ADMIN_TOKEN as string }
        : { mode: 'iam' },
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
  };
}
