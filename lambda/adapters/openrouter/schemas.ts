import * as z from 'zod';

/** OpenRouter's key object as its management API sends it (docs/upstreams.md, "The key object"). */
const keyObject = z.object({
  hash: z.string().min(1),
  disabled: z.boolean(),
  limit: z.number().nullable(),
  limit_remaining: z.number().nullable(),
  usage: z.number().optional(),
  expires_at: z.string().nullable().optional(),
});
export const listSchema = z.object({
  data: z.array(
    z.object({ hash: z.string(), name: z.string(), disabled: z.boolean(), created_at: z.string() }),
  ),
});
export const createdSchema = z.object({ data: keyObject, key: z.string().min(1) });
export const keySchema = z.object({ data: keyObject });

export type OpenRouterKey = z.infer<typeof keyObject>;
