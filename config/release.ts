/**
 * How a deploy moves the functions behind CloudFront (activate, validate, webhook) to their new
 * versions (docs/releases.md). `canary`: CodeDeploy sends 10 % of requests to the new version
 * for 5 minutes, then all of them, and goes back to the old version if an alarm fires meanwhile.
 * `allAtOnce`: all requests move at once and no alarm is consulted, for a first deploy (there is
 * no traffic to watch) or a fix that must not wait, nor be stopped by the alarms it is fixing.
 */
export const RELEASE_STRATEGIES = ['canary', 'allAtOnce'] as const;

export type ReleaseStrategy = (typeof RELEASE_STRATEGIES)[number];

export const DEFAULT_RELEASE_STRATEGY: ReleaseStrategy = 'canary';

/** Share of requests the new version gets during a canary, and for how long. */
export const CANARY = { percent: 10, minutes: 5 } as const;

/** The alias each function URL behind CloudFront points at; CodeDeploy moves it. */
export const LIVE_ALIAS = 'live';
