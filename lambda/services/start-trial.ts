import { randomUUID } from 'node:crypto';
import { disposableDomains } from '#adapters/blocklist/disposable-domains.ts';
import type { NewTrial, TrialClaims } from '#adapters/dynamodb/trial-store.ts';
import { keyState } from '#domain/audit.ts';
import { deviceSlotKey } from '#domain/device-slots.ts';
import { InvalidDeviceIdError } from '#domain/errors.ts';
import { aiKeyName } from '#domain/key-name.ts';
import type { Activation, AiKey, LicenseRecord } from '#domain/license.ts';
import { licenseHashOf } from '#domain/license.ts';
import { type LicenseGrant, type Outcome, refused } from '#domain/outcome.ts';
import { type FromCaller, ipSubject } from '#domain/rate-limits.ts';
import { generateTrialKey, normaliseEmail, shortHash } from '#domain/secrets.ts';
import {
  canonicalDeviceId,
  canonicalEmail,
  emailDomain,
  isListedDomain,
} from '#domain/trial-identity.ts';
import type { TrialRequest } from '#schemas/trial.ts';
import { countIssuedKey } from './outcome-metrics.ts';
import { overLimit } from './rate-limit.ts';
import { recoverTrial, TRIAL_RECOVERY_MS } from './recover-trial.ts';
import { discardKey } from './rotate-key.ts';
import type { ServiceDeps } from './service-deps.ts';
import { serveLicense } from './validate-license.ts';

const ALREADY_USED = 'A trial has already been used for this email address or device.';
const DISPOSABLE = 'Trials are not available for disposable email addresses.';

/**
 * Starts the one trial an email and a device may have, each compared in its canonical form
 * (`domain/trial-identity.ts`).
 * 1. refuse a device id the configured pattern does not accept, and (when configured) an
 *    address at a disposable email domain; then count the request against its IP's trial limit;
 * 2. answer early (no upstream call) if the email or the device had a trial: the trial this
 *    very email and device started within a day, again (`recoverTrial`), else refuse;
 * 3. SaaS trial: create its OpenRouter key first, expiring with the trial;
 * 4. store trial + email claim + device claim (with the trial key, recoverable for a day) in one
 *    transaction, conditional on both claims; a retry that finds its own trial item succeeded;
 * 5. lost the race: delete the key we created and answer as in 2 (a parallel twin of this
 *    request wins for both); the write failed: see `writeTrial`;
 * 6. answer like an activation of the new trial key on this device.
 */
export async function startTrial(
  deps: ServiceDeps,
  input: TrialRequest & FromCaller,
): Promise<Outcome<LicenseGrant>> {
  const device = canonicalDeviceId(input.instanceName);
  if (!deps.policy.trialDeviceIdPattern.test(device)) throw new InvalidDeviceIdError();
  if (
    deps.policy.blockDisposableEmails &&
    isListedDomain(emailDomain(input.email), await disposableDomains())
  ) {
    return refused('DISPOSABLE_EMAIL', DISPOSABLE);
  }
  // Counted once the request could start a trial: junk costs nothing to refuse, farming does.
  const limited = await overLimit(deps, 'trial', ipSubject(input.caller));
  if (limited) return limited;
  const email = canonicalEmail(input.email);
  // Claims made before canonical forms (the email trimmed and lower-cased, the device id as
  // sent) still count: looked up too, in the same read. None is written in those forms any more.
  const forms: ClaimForms = {
    emails: [email, normaliseEmail(input.email)],
    devices: [device, input.instanceName],
  };
  const claims = await deps.trials.findClaims(forms.emails, forms.devices);
  // Counted above like the refusal it replaces: guessing an email and device pair costs the
  // IP's trial budget, and a recovery needs both identities the trial was started with.
  if (claims.claimed) return answerClaimed(deps, claims);
  const trial = deps.products.trial;
  const now = deps.clock.now();
  const trialEnd = new Date(now.getTime() + trial.duration_days * 86_400_000);
  const licenseKey = generateTrialKey();
  // The device keeps the id as sent: its trial key is activated and validated with that id.
  const activation: Activation = {
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
    customerEmail: input.email,
    statusCheckedAt: now.toISOString(),
    periodAnchor: now.toISOString(),
    devices: { [deviceSlotKey(activation.instanceName)]: { state: 'active', ...activation } },
    lastActivation: activation,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  if (trial.ai_mode === 'saas') record.ai = await createTrialKey(deps, record, trialEnd, now);

  const recoverableUntil = new Date(now.getTime() + TRIAL_RECOVERY_MS).toISOString();
  const written = await writeTrial(deps, {
    record,
    email,
    device,
    trialKey: licenseKey,
    recoverableUntil,
  });
  if (written === 'taken') {
    if (record.ai) await discardKey(deps, record.ai.hash);
    return answerClaimed(deps, await deps.trials.findClaims(forms.emails, forms.devices));
  }
  deps.metrics.count('TrialsStarted');
  if (record.ai) {
    countIssuedKey(deps.metrics, record.ai.limit);
    await deps.audit.record({
      licenseHash: record.licenseHash,
      action: 'key.issue',
      before: keyState(undefined),
      after: keyState(record.ai),
      detail: { trial: true },
    });
  }
  deps.logger.info('trial started', {
    license: shortHash(record.licenseHash),
    trialEnd: record.expiresAt,
  });
  return serveLicense(deps, record, activation, licenseKey, 'activate');
}

/** The forms of a request's email and device its claims are looked up by, canonical first. */
interface ClaimForms {
  emails: string[];
  devices: string[];
}

/** A request whose email or device is claimed: its own trial again if recoverable, else 403. */
async function answerClaimed(
  deps: ServiceDeps,
  claims: TrialClaims,
): Promise<Outcome<LicenseGrant>> {
  return (await recoverTrial(deps, claims)) ?? refused('TRIAL_ALREADY_USED', ALREADY_USED);
}

/**
 * Step 4's write. When it fails, whether it committed is unknown (its answer may be lost and
 * the SDK's retries failed): the trial item is looked for. Found: the trial is written, and is
 * served (deleting its key now would hand out a trial with a dead key). Not found: nothing was
 * written, the key is deleted. The look fails too: the key stays, since the trial may hold it;
 * the orphan-key reaper deletes it later if no license does, and the request fails as it would.
 */
async function writeTrial(deps: ServiceDeps, trial: NewTrial): Promise<'created' | 'taken'> {
  try {
    return await deps.trials.createTrial(trial);
  } catch (error) {
    const written = await deps.trials.trialExists(trial.record.licenseHash).catch(() => undefined);
    if (written) return 'created';
    if (written === false && trial.record.ai) await discardKey(deps, trial.record.ai.hash);
    throw error;
  }
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
