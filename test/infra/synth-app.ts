import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type DeploySettingsInput, parseDeploySettings } from '#config/deploy-settings.ts';
import { buildApp, type RavnActivateApp } from '#lib/app.ts';
import { standIn, useFixture } from '#test/helpers/fixture.ts';

/** The feature flags `cdk synth` runs with, so tests synthesise what the CLI would. */
const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

export const ACCOUNT = '123456789012';

export interface SynthesisedApp extends RavnActivateApp {
  readonly outdir: string;
  template(stack: Stack): Template;
  /** cdk-nag findings (any severity) left unacknowledged, as `<rule> at <construct path>`. */
  unacknowledgedFindings(): string[];
  /** Directories of the bundled function code. */
  assetDirectories(): string[];
  /** Removes the cloud assembly. */
  dispose(): void;
}

export interface SynthOptions {
  /**
   * true: the functions are bundled as `cdk deploy` bundles them (esbuild, tens of seconds), for
   * tests of what is deployed. Default false (`aws:cdk:bundling-stacks` empty): the template alone,
   * with stand-in assets, so asset hashes and the versions' logical ids differ from a deploy's.
   */
  readonly bundle?: boolean;
}

/**
 * Builds and synthesises the app for `settings` (account 123456789012) into a temporary
 * directory, after `beforeSynth` if given. Synthesis runs cdk-nag, which throws on errors, and
 * bundles the functions only when told to.
 */
export function synthApp(
  settings: DeploySettingsInput,
  beforeSynth?: (built: RavnActivateApp) => void,
  { bundle = false }: SynthOptions = {},
): SynthesisedApp {
  const parsed = parseDeploySettings({ account: ACCOUNT, ...settings });
  const outdir = mkdtempSync(join(tmpdir(), 'ravn-activate-cdk-'));
  const built = buildApp(parsed, {
    context: bundle ? cdkJson.context : { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] },
    outdir,
  });
  try {
    beforeSynth?.(built);
    built.app.synth();
  } catch (error) {
    rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
  const templates = new Map<Stack, Template>();
  return {
    ...built,
    outdir,
    template(stack) {
      const cached = templates.get(stack) ?? Template.fromStack(stack);
      templates.set(stack, cached);
      return cached;
    },
    unacknowledgedFindings() {
      const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: Array<{
          violations: Array<{
            ruleName: string;
            violatingConstructs?: Array<{ constructPath: string }>;
          }>;
        }>;
      };
      return report.pluginReports.flatMap((plugin) =>
        plugin.violations.flatMap((violation) =>
          (violation.violatingConstructs ?? [{ constructPath: '?' }]).map(
            (construct) => `${violation.ruleName} at ${construct.constructPath}`,
          ),
        ),
      );
    },
    assetDirectories() {
      return readdirSync(outdir)
        .filter((name) => name.startsWith('asset.'))
        .map((name) => join(outdir, name));
    },
    dispose() {
      rmSync(outdir, { recursive: true, force: true });
    },
  };
}

/**
 * The app for `settings`, synthesised once for the tests of the enclosing `describe` block (or
 * file) and disposed of after them, with the template of its service stack. Both are stand-ins
 * that read the synthesised app.
 */
export function useSynthesisedApp(
  settings: DeploySettingsInput,
  options?: SynthOptions,
): {
  synthesised: SynthesisedApp;
  template: Template;
} {
  const synthesised = useFixture(
    'all',
    () => synthApp(settings, undefined, options),
    (app) => app.dispose(),
  ).current;
  const template = standIn(() => synthesised.template(synthesised.service));
  return { synthesised, template };
}
