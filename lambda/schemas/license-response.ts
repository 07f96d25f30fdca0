import * as z from 'zod';
import { ACCESS_STATUSES, AI_MODES } from '#domain/license.ts';

/**
 * The success body of trial, activate and validate. Field names are the wire format shipped clients
 * read (camelCase and snake_case mixed on purpose): never rename them. The shipped RAVN Mail client
 * parses `instanceId`, `licenseKey`, `user_name`, `user_email`, `ai_mode`, `status`, `expires_at`,
 * `trial_ends_at` and `ai_details` strictly (docs/client-contract.md, "What it reads"); the other
 * fields are additions it ignores. `http/license-body.ts` is the one place that writes it.
 */
export const licenseResponseSchema = z.object({
  instanceId: z.string(),
  instanceName: z.string(),
  licenseKey: z.string(),
  user_name: z.string(),
  user_email: z.string(),
  ai_mode: z.enum(AI_MODES),
  ai_details: z
    .object({
      token: z.string(),
      limit: z.number(),
      limit_remaining: z.number(),
      expires_at: z.string(),
      /**
       * When `limit_remaining` was read from OpenRouter (docs/design.md, "Usage freshness": at most
       * a day old while OpenRouter answers). An addition the shipped client ignores; a client that
       * wants live usage asks OpenRouter with the key itself.
       */
      limit_checked_at: z.string(),
    })
    .optional(),
  status: z.enum(ACCESS_STATUSES),
  /**
   * Present when `status` is `expired` or `suspended` (the refusal an activation would get), or
   * `AI_CREDIT_PENDING` when an active SaaS license comes without `ai_details` (no credit to hand
   * out now), `AI_CREDIT_REFUNDED` when the current period's payment was refunded (its credit
   * withdrawn), `AI_KEY_HELD` when an operator turned its AI off.
   */
  code: z.string().optional(),
  message: z.string().optional(),
  expires_at: z.string().nullable(),
  trial_ends_at: z.string().nullable(),
  license_expires_at: z.string().nullable(),
  activation_limit: z.number().nullable(),
  activation_usage: z.number(),
  /** The features the plan unlocks (`config/products.json`); empty while access is refused. */
  entitlements: z.array(z.string()),
  /** Rely on this answer until then; ask again after. */
  cache_until: z.string(),
  /** Offline, keep relying on it at most until then (now, when access is refused). */
  grace_until: z.string(),
  /**
   * The answer's signed lease: a compact JWS (Ed25519, `http/lease.ts`) of what the client relies
   * on offline, verifiable with the keys at `GET /v1/keys`
   * (docs/client-contract.md, "Signed leases").
   */
  lease: z.string(),
});

export type LicenseResponse = z.infer<typeof licenseResponseSchema>;

/** The body before its lease is signed: what `http/license-body.ts` writes and the lease signs. */
export type UnsignedLicenseResponse = Omit<LicenseResponse, 'lease'>;
