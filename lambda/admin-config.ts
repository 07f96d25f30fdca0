import * as z from 'zod';

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
const adminEnvSchema = z
  .object({
    ADMIN_AUTH: z.enum(['iam', 'token']).default('iam'),
    ADMIN_TOKEN: z.string().min(32).optional(),
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
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
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = adminEnvSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    auth:
      e.ADMIN_AUTH === 'token'
        ? { mode: 'token', token: e.ADMIN_TOKEN as string }
        : { mode: 'iam' },
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
  };
}
