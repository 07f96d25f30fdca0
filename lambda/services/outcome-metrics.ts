import { NO_CODE } from '#config/metrics.ts';
import { isDomainError, isRateLimited } from '#domain/errors.ts';
import { accessAfterRefusal } from '#domain/license-rules.ts';
import type { LicenseGrant, Outcome } from '#domain/outcome.ts';
import type { ServiceMetrics } from '#ports/metrics.ts';

/**
 * How the services count what they did (config/metrics.ts). Dimensions are codes and statuses
 * only; nothing here sees a key or a license id.
 */

/** A key issued is credit handed out: counted once, when the key is stored for a license. */
export function countIssuedKey(metrics: ServiceMetrics, limitUsd: number): void {
  metrics.count('AiKeysIssued');
  metrics.usd('CreditIssuedUsd', limitUsd);
}

/** An activation's answer: a seat taken (`new`), one the device held (`repeat`), or a refusal. */
export function countActivation(
  metrics: ServiceMetrics,
  outcome: Outcome<LicenseGrant>,
  seatTaken: boolean,
): void {
  if (outcome.ok) metrics.count('Activations', { Result: seatTaken ? 'new' : 'repeat' });
  else metrics.count('ActivationsRefused', { Code: outcome.code });
}

/**
 * A validate's answer by the status the client reads (as `http/license-body.ts` writes it) and
 * its code, or `refused` with the code of a 4xx refusal.
 */
export function countValidate(metrics: ServiceMetrics, outcome: Outcome<LicenseGrant>): void {
  if (!outcome.ok) {
    metrics.count('Validates', { Status: 'refused', Code: outcome.code });
    return;
  }
  const { refusal, license } = outcome.value;
  const status = refusal
    ? accessAfterRefusal(refusal.code)
    : license.kind === 'trial'
      ? 'trial'
      : 'active';
  metrics.count('Validates', { Status: status, Code: refusal?.code ?? NO_CODE });
}

/**
 * A validate that threw (upstream trouble, 503; anything else is a 500), or was refused from
 * inside (the license's share of LemonSqueezy calls spent: a 429 like any refusal).
 */
export function countFailedValidate(metrics: ServiceMetrics, error: unknown): void {
  const code = isDomainError(error) ? error.code : 'INTERNAL_ERROR';
  metrics.count('Validates', { Status: isRateLimited(error) ? 'refused' : 'failed', Code: code });
}

/** An activation refused from inside (its license's share of LemonSqueezy calls spent). */
export function countThrownActivation(metrics: ServiceMetrics, error: unknown): void {
  if (isRateLimited(error)) metrics.count('ActivationsRefused', { Code: error.code });
}
