import type { RoutePath } from './routes.ts';

/**
 * How long a WAF rate rule looks back, and so the longest a blocked address waits: WAF lifts the
 * block once the address's requests over the last window fall below the limit. Blocked answers
 * carry it as `Retry-After`.
 */
export const WAF_RATE_WINDOW_SECONDS = 300;

/**
 * Requests per client IP per window on the paths that cost the most. A trial hands out credit and
 * a first activation spends LemonSqueezy's store-wide budget, so both get far less room than the
 * hourly validate. They are a coarse fence per address in front of the functions' own, finer
 * limits: a client that does not flood never meets them.
 */
export const WAF_PATH_RATE_LIMITS = {
  '/v1/trial': 10,
  '/v1/activate': 20,
} as const satisfies Partial<Record<RoutePath, number>>;

/** Requests per client IP per window on every other path but the webhook. */
export const WAF_RATE_LIMIT = 100;

/**
 * Requests per client IP per window on the webhook, which every other rule exempts. LemonSqueezy
 * posts each event once (a failed delivery 3 more times within about 2.5 minutes) from a few
 * addresses, and its bursts come at renewals: a payment, a subscription update and perhaps a
 * license-key update each. 1,000 in 5 minutes is over 300 renewals in the same 5 minutes through
 * one sender address, retries included; renewals fall on each subscription's own purchase time,
 * so even a launch-day cohort renewing together stays far below it. A flooding address gets at
 * most 3.3 posts a second through, each refused in well under a millisecond of the function's
 * time (docs/edge.md, "WAF"); a limit near LemonSqueezy's real rate would instead answer its own
 * deliveries 429 until their retries ran out.
 */
export const WAF_WEBHOOK_RATE_LIMIT = 1000;

/** What a managed rule group does with a request it matches. */
export const MANAGED_RULE_ACTIONS = ['block', 'count'] as const;
export type ManagedRuleAction = (typeof MANAGED_RULE_ACTIONS)[number];

/**
 * The AWS managed rule groups of the web ACL, each with the action it takes unless a setting
 * says otherwise (docs/edge.md, "WAF"). The common rule set only counts: the API takes small,
 * schema-checked JSON and touches no files, HTML or SQL, so its rules add little here, while a
 * false positive answers 403, which the shipped client reads as "trial already used".
 */
export const MANAGED_RULE_GROUPS = {
  ipReputation: { name: 'AWSManagedRulesAmazonIpReputationList', action: 'block' },
  knownBadInputs: { name: 'AWSManagedRulesKnownBadInputsRuleSet', action: 'block' },
  commonRuleSet: { name: 'AWSManagedRulesCommonRuleSet', action: 'count' },
} as const satisfies Record<string, { name: string; action: ManagedRuleAction }>;

export type ManagedRuleGroupId = keyof typeof MANAGED_RULE_GROUPS;
export type ManagedRuleActions = Record<ManagedRuleGroupId, ManagedRuleAction>;
