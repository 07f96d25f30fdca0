import type { FunctionName } from './routes.ts';

/** The functions whose concurrency a deployment reserves: the three behind CloudFront and the jobs. */
export type ReservedFunction = FunctionName | 'reaper' | 'reconciler';

/**
 * Concurrent executions reserved for (and capped at) each function; 0 reserves nothing. A cap
 * bounds what a flood can cost and how hard it can drive LemonSqueezy and OpenRouter; a reservation
 * keeps validate answering while activate is flooded. docs/deploy.md, "Reserved concurrency", gives
 * the reasoning for each value.
 */
export const DEFAULT_RESERVED_CONCURRENCY: Readonly<Record<ReservedFunction, number>> = {
  validate: 100,
  activate: 20,
  webhook: 10,
  reaper: 1,
  reconciler: 1,
};

/**
 * Lambda keeps at least this many of the account's concurrent executions unreserved and refuses
 * a deployment that would reserve more than its limit minus this.
 */
export const UNRESERVED_CONCURRENCY_MINIMUM = 100;
