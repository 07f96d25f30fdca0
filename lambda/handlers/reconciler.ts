import { DEFAULT_RECONCILE_OPTIONS, reconcileLicenses } from '#services/reconcile-licenses.ts';
import { lambdaDeps } from './lazy-deps.ts';

/**
 * `ravn-reconciler`: runs on a schedule (EventBridge, daily). Confirms silent licenses with
 * LemonSqueezy and applies what it finds; its summary goes to the log.
 */
export const handler = async (): Promise<void> => {
  const deps = await lambdaDeps();
  try {
    const summary = await reconcileLicenses(deps, DEFAULT_RECONCILE_OPTIONS);
    deps.logger.info('license reconciliation', { ...summary });
  } finally {
    // Keys revoked and upstream calls made on the way count like any function's.
    deps.metrics.flush();
  }
};
