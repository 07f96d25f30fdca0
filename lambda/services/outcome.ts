import type { LicenseRefusalCode } from '#domain/errors.ts';
import type { AccessStatus, AiMode } from '#domain/license.ts';

/** A refused business outcome, for the handler to turn into a 4xx with `code`. */
export interface Refusal {
  ok: false;
  code: LicenseRefusalCode | 'LICENSE_NOT_FOUND' | 'TRIAL_ALREADY_USED';
  detail: string;
}

export type Outcome<T> = { ok: true; value: T } | Refusal;

export function refused(code: Refusal['code'], detail: string): Refusal {
  return { ok: false, code, detail };
}

/** What a client learns about its license on trial, activate and validate. */
export interface LicenseView {
  instanceId: string;
  instanceName: string;
  licenseKey: string;
  /** Never null: the shipped client rejects a null name or email (see `toView`). */
  userName: string;
  userEmail: string;
  aiMode: AiMode;
  ai?: { token: string; limit: number; limitRemaining: number; expiresAt: string };
  access: AccessStatus;
  /** Why access is `expired` or `suspended` (validate of a license that can no longer be used). */
  reason?: { code: LicenseRefusalCode; detail: string };
  /** Why a usable SaaS license comes without a key (no paid period yet, or its credit is used). */
  notice?: { code: 'AI_CREDIT_PENDING'; detail: string };
  /** When the license itself ends (LemonSqueezy `expires_at`, or the trial's end); null = never. */
  expiresAt: string | null;
  /** Trials only: when the trial ends. */
  trialEndsAt: string | null;
  activationLimit: number | null;
  activationUsage: number;
}
