import { DEFAULT_REAP_OPTIONS, reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import { lambdaDeps } from './lazy-deps.ts';

/** `ravn-reaper`: runs on a schedule (EventBridge), deletes OpenRouter keys no license holds. */
export const handler = async (): Promise<{ examined: number; deleted: number }> => {
  const deps = lambdaDeps();
  const result = await reapOrphanKeys(deps, DEFAULT_REAP_OPTIONS);
  deps.logger.info('orphan key sweep', result);
  return result;
};
