import { z } from 'zod';
import { instanceName } from './fields.ts';

/** POST /v1/trial */
export const trialRequestSchema = z.object({
  instanceName,
  email: z.email().max(254),
  name: z.string().trim().max(200).optional(),
});

export type TrialRequest = z.infer<typeof trialRequestSchema>;
