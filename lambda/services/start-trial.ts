import { randomUUID } from 'node:crypto';
import { aiKeyName } from '#domain/key-name.ts';
import type { Activation, AiKey, LicenseRecord } from '#domain/license.ts';
import { deviceSlotKey, licenseHashOf } from '#domain/license.ts';
import { type LicenseGrant, type Outcome, refused } from '#domain/outcome.ts';
import { generateTrialKey, normaliseEmail, shortHash } from '#domain/secrets.ts';
import type { TrialRequest } from '#schemas/trial.ts';
import { discardKey } from './rotate-key.ts';
import type { ServiceDeps } from './service-deps.ts';
import { serveLicense } from './validate-license.ts';

const ALREADY_USED = 'A trial has already been used for this email address or device.';

/**
 * Starts the one trial an email and a device may have.
 * 1. refuse early (no upstream call) if the email or the device had a trial;
 * 2. SaaS trial: create its OpenRouter key first, expiring with the trial;
 * 3. store trial + email claim + device claim in one transaction (conditional on both claims);
 * 4. lost the race or the write failed: delete the key we created (no orphan, nothing half-done);
 * 5. answer like an activation of the new trial key on this device.
 */
export async function startTrial(
  deps: ServiceDeps,
  input: TrialRequest,
): Promise<Outcome<LicenseGrant>> {
  const email = normaliseEmail(input.email);
  if (await deps.trials.isTrialClaimed(email, input.instanceName)) {
    return refused('TRIAL_ALREADY_USED', ALREADY_USED);
  }
  const trial = deps.products.trial;
  const now = deps.clock.now();
  const trialEnd = new Date(now.getTime() + trial.duration_days * 86_400_000);
  const licenseKey = generateTrialKey();
  const device: Activation = {
    instanceId: randomUUID(),
    instanceName: input.instanceName,
    activatedAt: now.toISOString(),
  };
  const record: LicenseRecord = {
    licenseHash: licenseHashOf(licenseKey),
    kind: 'trial',
    plan: {
      aiMode: trial.ai_mode,
      creditsUsd: trial.credits_usd,
      duration: 'lifetime',
      productName: 'trial',
      variantName: 'trial',
    },
    status: 'active',
    expiresAt: trialEnd.toISOString(),
    customerName: input.name?.trim() || null,
    customerEmail: email,
    statusCheckedAt: now.toISOString(),
    periodAnchor: now.toISOString(),
    devices: { [deviceSlotKey(device.instanceName)]: { state: 'active', ...device } },
    lastActivation: device,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  if (trial.ai_mode === 'saas') record.ai = await createTrialKey(deps, record, trialEnd, now);

  let created: boolean;
  try {
    created = await deps.trials.createTrial({ record, email, instanceName: input.instanceName });
  } catch (error) {
    if (record.ai) await discardKey(deps, record.ai.hash);
    throw error;
  }
  if (!created) {
    if (record.ai) await discardKey(deps, record.ai.hash);
    return refused('TRIAL_ALREADY_USED', ALREADY_USED);
  }
  deps.logger.info('trial started', {
    license: shortHash(record.licenseHash),
    trialEnd: record.expiresAt,
  });
  return serveLicense(deps, record, device, licenseKey, 'activate');
}

async function createTrialKey(
  deps: ServiceDeps,
  record: LicenseRecord,
  trialEnd: Date,
  now: Date,
): Promise<AiKey> {
  const created = await deps.keys.create({
    name: aiKeyName(deps.policy.deploymentId, record.licenseHash, trialEnd),
    limitUsd: record.plan.creditsUsd,
    expiresAt: trialEnd,
  });
  return {
    hash: created.hash,
    token: created.token,
    limit: created.limit,
    limitRemaining: created.limitRemaining,
    limitCheckedAt: now.toISOString(),
    periodEnd: trialEnd.toISOString(),
    issuedAt: now.toISOString(),
  };
}
