import * as z from 'zod';
import { instanceName, licenseKey, nonce } from './fields.ts';

/** POST /v1/activate */
export const activateRequestSchema = z.object({
  instanceName,
  licenseKey,
  nonce: nonce.optional(),
});

/** What the service takes: the `nonce` stays at the HTTP edge (the lease echoes it). */
export type ActivateRequest = Omit<z.infer<typeof activateRequestSchema>, 'nonce'>;
