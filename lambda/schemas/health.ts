import * as z from 'zod';

/** `GET /health`: the function answers, and which build it runs. */
export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  /** The package version (package.json) the function was built from. */
  version: z.string(),
  /** The git commit the function was built from, or `unknown`. */
  commit: z.string(),
});

export type HealthResponse = z.infer<typeof healthResponseSchema>;
