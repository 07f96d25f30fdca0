import * as z from 'zod';
import { instanceId, instanceName, licenseKey } from './fields.ts';

/** POST /v1/validate; a device, if named, must be activated on the key. */
export const validateRequestSchema = z.object({
  licenseKey,
  instanceName: instanceName.optional(),
  instanceId: instanceId.optional(),
});

export type ValidateRequest = z.infer<typeof validateRequestSchema>;
