import * as z from 'zod';

/**
 * `POST /v1/webhook`'s answer to every event it accepted: `applied` changed state, `stale` was
 * older than what is stored, `duplicate` was applied before, `ignored` is none of ours.
 */
export const webhookResponseSchema = z.object({
  received: z.literal(true),
  outcome: z.enum(['applied', 'stale', 'duplicate', 'ignored']),
});

export type WebhookResponse = z.infer<typeof webhookResponseSchema>;
