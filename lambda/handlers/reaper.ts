import { DEFAULT_REAP_OPTIONS, reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import { DEFAULT_RELEASE_OPTIONS, releaseIdleDevices } from '#services/release-idle-devices.ts';
import { lambdaDeps } from './lazy-deps.ts';

/**
 * `ravn-reaper`: runs on a schedule (EventBridge). Two sweeps, each on its own: OpenRouter keys
 * no license holds are deleted, and seats of devices idle past their plan's `release_after_days`
 * are freed. One failing does not keep the other from running; the run then fails (the Lambda
 * error alarm sees it) and the next one catches up.
 */
export const handler = async (): Promise<void> => {
  const deps = await lambdaDeps();
  const [keys, devices] = await Promise.allSettled([
    reapOrphanKeys(deps, DEFAULT_REAP_OPTIONS),
    releaseIdleDevices(deps, DEFAULT_RELEASE_OPTIONS),
  ]);
  if (keys.status === 'fulfilled') deps.logger.info('orphan key sweep', keys.value);
  if (devices.status === 'fulfilled') deps.logger.info('idle device sweep', { ...devices.value });
  // Its upstream calls (and keys revoked on the way) count like any function's.
  deps.metrics.flush();
  for (const sweep of [keys, devices]) if (sweep.status === 'rejected') throw sweep.reason;
};
