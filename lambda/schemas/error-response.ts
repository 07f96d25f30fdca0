import * as z from 'zod';

/**
 * The body of every error answer: `error` and `code` as our clients have always read them, plus
 * `message` (the same text) and `details` (what to do) in the shipped client's `ErrorResponse`.
 */
export const errorResponseSchema = z.object({
  error: z.string(),
  message: z.string(),
  details: z.string(),
  code: z.string(),
  requestId: z.string(),
  /** DEVICE_CHANGE_LIMIT only: when a new device may take a seat again. */
  retry_at: z.string().optional(),
});

export type ErrorResponse = z.infer<typeof errorResponseSchema>;
