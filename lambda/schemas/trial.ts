import * as z from 'zod';
import { instanceName, nonce } from './fields.ts';

/** POST /v1/trial */
export const trialRequestSchema = z.object({
  instanceName,
  // Emails are trimmed before checking: clients paste them with stray spaces.
  email: z.string().trim().pipe(z.email().max(254)),
  name: z.string().trim().max(200).optional(),
  nonce: nonce.optional(),
});

/** What the service takes: the `nonce` stays at the HTTP edge (the lease echoes it). */
export type TrialRequest = Omit<z.infer<typeof trialRequestSchema>, 'nonce'>;
