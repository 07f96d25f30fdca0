import * as z from 'zod';
import { instanceName } from './fields.ts';

/** POST /v1/trial */
export const trialRequestSchema = z.object({
  instanceName,
  // Emails are trimmed before checking: clients paste them with stray spaces.
  email: z.string().trim().pipe(z.email().max(254)),
  name: z.string().trim().max(200).optional(),
});

export type TrialRequest = z.infer<typeof trialRequestSchema>;
