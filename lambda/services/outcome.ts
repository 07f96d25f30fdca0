import type { LicenseRefusalCode } from '#domain/errors.ts';
import type { AiMode, LicenseStatus } from '#domain/license.ts';

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
  userName: string | null;
  userEmail: string | null;
  aiMode: AiMode;
  ai?: { token: string; limit: number; limitRemaining: number; expiresAt: string };
  status: LicenseStatus;
  licenseExpiresAt: string | null;
  activationLimit: number | null;
  activationUsage: number;
}
