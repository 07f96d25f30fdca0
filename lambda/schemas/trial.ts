import * as z from 'zod';
import { instanceName, nonce, trialEmail } from './fields.ts';

/** POST /v1/trial */
export const trialRequestSchema = z.object({
  instanceName,
  email: trialEmail,
  name: z.string().trim().max(200).optional(),
  nonce: nonce.optional(),
});

/** What the service takes: the `nonce` stays at the HTTP edge (the lease echoes it). */
export type TrialRequest = Omit<z.infer<typeof trialRequestSchema>, 'nonce'>;
