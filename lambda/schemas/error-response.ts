import * as z from 'zod';

/** The body of every error answer. */
export const errorResponseSchema = z.object({
  error: z.string(),
  code: z.string(),
  requestId: z.string(),
});

export type ErrorResponse = z.infer<typeof errorResponseSchema>;
