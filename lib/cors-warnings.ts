import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ANY_ORIGIN, type DeploySettings } from '#config/deploy-settings.ts';

/** Ids of the synth warnings about CORS, for `Validations.of(scope).acknowledge`. */
export const CORS_WARNINGS = {
  anyOrigin: 'ravn-activate:corsAnyOrigin',
  oldName: 'ravn-activate:corsAllowOriginsRenamed',
} as const;

/**
 * Warns at synth (and fails `cdk synth --strict`) when the CORS settings need an operator's
 * second look: `*` lets every web page use its visitors as trial farms, and `corsAllowOrigins`
 * is the old name of `corsOrigins`, read for one more release.
 */
export function warnAboutCors(
  scope: IConstruct,
  settings: Pick<DeploySettings, 'corsOrigins' | 'corsOriginsFromOldName'>,
): void {
  if (settings.corsOrigins.includes(ANY_ORIGIN)) {
    Validations.of(scope).addWarning(
      CORS_WARNINGS.anyOrigin,
      'corsOrigins allows * (any origin): any web page can call the API from the browsers of its visitors, e.g. start a trial from the address of each and read the keys it returns. List your own origins, or none (the desktop client needs no CORS).',
    );
  }
  if (settings.corsOriginsFromOldName) {
    Validations.of(scope).addWarning(
      CORS_WARNINGS.oldName,
      'corsAllowOrigins (CORS_ALLOW_ORIGINS) is now corsOrigins (CORS_ORIGINS); the old name is read for this release only. Without either setting there is no CORS at all (the old default was *).',
    );
  }
}
