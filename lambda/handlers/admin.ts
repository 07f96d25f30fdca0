import { shortHash } from '#domain/secrets.ts';
import { guardAdmin } from '#http/admin-auth.ts';
import { adminRoute, serveAdminPaths } from '#http/admin-route.ts';
import { deactivationBody } from '#http/device-bodies.ts';
import { flushingMetrics } from '#http/flush-metrics.ts';
import { type ApiHandler, runRoute } from '#http/run-route.ts';
import { type AdminConfig, loadAdminConfig } from '#lambda/admin-config.ts';
import {
  adminDeactivateSchema,
  auditListSchema,
  keyActionSchema,
  licenseTargetSchema,
  trialResetSchema,
} from '#schemas/admin.ts';
import { adminDeactivateDevice } from '#services/admin/admin-deactivate.ts';
import type { AdminDeps } from '#services/admin/admin-deps.ts';
import type { KeyActionResult } from '#services/admin/key-actions.ts';
import { enableAiKey, revokeAiKey, rotateAiKey } from '#services/admin/key-actions.ts';
import { listAudit } from '#services/admin/list-audit.ts';
import { resetTrial } from '#services/admin/reset-trial.ts';
import { showLicense } from '#services/admin/show-license.ts';
import { syncLicense } from '#services/admin/sync-license.ts';
import { lambdaDeps } from './lazy-deps.ts';

/**
 * `ravn-admin`: the operators' commands (config/admin.ts), each a POST with a JSON body, behind
 * its own function URL (AWS_IAM auth; never routed through CloudFront). Every changing command
 * writes an audit record.
 */
export function createAdminHandler(
  deps: Omit<AdminDeps, 'auditRetentionDays'>,
  config: AdminConfig,
): ApiHandler {
  const d: AdminDeps = { ...deps, auditRetentionDays: config.auditRetentionDays };
  const { auth } = config;
  const changed = ({ licenseHash, before, after }: KeyActionResult) => ({
    license: shortHash(licenseHash),
    before,
    after,
  });
  const run = (route: Parameters<typeof runRoute>[1]) => runRoute(d.logger, route);
  return guardAdmin(
    serveAdminPaths({
      '/admin/license/show': run(adminRoute(licenseTargetSchema, auth, (i) => showLicense(d, i))),
      '/admin/license/sync': run(
        adminRoute(keyActionSchema, auth, (i) => syncLicense(d, i), changed),
      ),
      '/admin/key/revoke': run(
        adminRoute(keyActionSchema, auth, (i) => revokeAiKey(d, i), changed),
      ),
      '/admin/key/enable': run(
        adminRoute(keyActionSchema, auth, (i) => enableAiKey(d, i), changed),
      ),
      '/admin/key/rotate': run(
        adminRoute(keyActionSchema, auth, (i) => rotateAiKey(d, i), changed),
      ),
      '/admin/trial/reset': run(adminRoute(trialResetSchema, auth, (i) => resetTrial(d, i))),
      '/admin/device/deactivate': run(
        adminRoute(
          adminDeactivateSchema,
          auth,
          (i) => adminDeactivateDevice(d, i),
          deactivationBody,
        ),
      ),
      '/admin/audit/list': run(adminRoute(auditListSchema, auth, (i) => listAudit(d, i))),
    }),
    auth,
    d.logger,
  );
}

/**
 * The Lambda entry point: dependencies on the first request of a cold start. No origin guard:
 * this function is not behind CloudFront; its URL's AWS_IAM auth is the door.
 */
let built: ApiHandler | undefined;
export const handler: ApiHandler = async (event, context) => {
  const deps = await lambdaDeps();
  // Admin actions revoke keys and call upstreams: their metrics are published like any other's.
  built ??= flushingMetrics(createAdminHandler(deps, loadAdminConfig()), deps.metrics);
  return built(event, context);
};
