import type { LicenseRecord } from '#domain/license.ts';

/** A new trial and the two things it uses up: its email and its device. */
export interface NewTrial {
  record: LicenseRecord;
  email: string;
  instanceName: string;
}

/** One trial per email and per device, enforced by the store's conditional writes. */
export interface TrialStore {
  /** True when this email or this device has had a trial already. */
  isTrialClaimed(email: string, instanceName: string): Promise<boolean>;
  /** Stores a trial and claims its email and device atomically; false if either was taken. */
  createTrial(trial: NewTrial): Promise<boolean>;
}
