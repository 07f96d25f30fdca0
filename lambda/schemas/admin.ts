import * as z from 'zod';
import { instanceId, instanceName, licenseKey } from './fields.ts';

/**
 * The admin API's request bodies (POST /admin/<command>). A license is named by its key or by
 * its customer's email; `license` (the first 12 or more hex digits of the license's hash, as
 * `license show` prints it) picks one when an email has several.
 */
const target = {
  licenseKey: licenseKey.optional(),
  email: z.string().trim().min(3).max(320).optional(),
  license: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{12,64}$/, 'the license hash shown by license show (12 to 64 hex digits)')
    .optional(),
};

/** Why the operator acted: kept in the audit record (free text, never a secret by contract). */
const reason = z.string().trim().max(500).optional();

const named = (body: { licenseKey?: string | undefined; email?: string | undefined }) =>
  body.licenseKey !== undefined || body.email !== undefined;
const nameTheLicense = { message: 'name the license by licenseKey or email', path: ['licenseKey'] };

export const licenseTargetSchema = z.object(target).refine(named, nameTheLicense);
export type LicenseTarget = z.infer<typeof licenseTargetSchema>;

export const keyActionSchema = z.object({ ...target, reason }).refine(named, nameTheLicense);
export type KeyActionRequest = z.infer<typeof keyActionSchema>;

export const auditListSchema = z
  .object({ ...target, limit: z.number().int().min(1).max(100).default(20) })
  .refine(named, nameTheLicense);
export type AuditListRequest = z.infer<typeof auditListSchema>;

export const trialResetSchema = z
  .object({ email: target.email, instanceName: instanceName.optional(), reason })
  .refine((body) => body.email !== undefined || body.instanceName !== undefined, {
    message: 'name the trial by email or instanceName',
    path: ['email'],
  });
export type TrialResetRequest = z.infer<typeof trialResetSchema>;

export const adminDeactivateSchema = z
  .object({
    ...target,
    instanceId: instanceId.optional(),
    instanceName: instanceName.optional(),
    reason,
  })
  .refine(named, nameTheLicense)
  .refine((body) => body.instanceId !== undefined || body.instanceName !== undefined, {
    message: 'name the device by instanceId or instanceName',
    path: ['instanceId'],
  });
export type AdminDeactivateRequest = z.infer<typeof adminDeactivateSchema>;
