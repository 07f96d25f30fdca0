import * as z from 'zod';
import { instanceId, instanceName, licenseKey, nonce } from './fields.ts';

/** POST /v1/validate; a device, if named, must be activated on the key. */
export const validateRequestSchema = z.object({
  licenseKey,
  instanceName: instanceName.optional(),
  instanceId: instanceId.optional(),
  nonce: nonce.optional(),
});

/** What the service takes: the `nonce` stays at the HTTP edge (the lease echoes it). */
export type ValidateRequest = Omit<z.infer<typeof validateRequestSchema>, 'nonce'>;
