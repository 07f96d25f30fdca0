import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { CfnFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { FUNCTION_RUNTIME } from '#lib/constructs/service-function.ts';
import { acknowledgeLatestRuntime } from '#lib/nag.ts';

/**
 * The cdk-nag rules reported for one bare function on `runtime`, with acknowledgeLatestRuntime
 * applied to it: a CfnFunction with inline code, so nothing is bundled and no other rule fires.
 */
function findingsFor(runtime: Runtime): string[] {
  const outdir = mkdtempSync(join(tmpdir(), 'ravn-latest-runtime-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Runtime', {
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    const fn = new CfnFunction(stack, 'Function', {
      code: { zipFile: 'export const handler = async () => ({});' },
      handler: 'index.handler',
      role: 'arn:aws:iam::123456789012:role/runtime-test',
      runtime: runtime.name,
    });
    acknowledgeLatestRuntime(fn, runtime);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    try {
      app.synth();
    } catch {
      // A finding fails synthesis; the report below says which.
    }
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ violations: Array<{ ruleName: string }> }>;
    };
    return report.pluginReports.flatMap((plugin) => plugin.violations.map((v) => v.ruleName));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('acknowledgeLatestRuntime', () => {
  it('lets the functions run on the CDK’s newest Node runtime available in every region', () => {
    // Assess: what the functions deploy on is that runtime, and cdk-nag accepts it.
    expect(FUNCTION_RUNTIME.name).toBe(Runtime.NODEJS_LATEST.name);
    expect(findingsFor(FUNCTION_RUNTIME)).toEqual([]);
  });

  it('leaves L1 reported for an older runtime', () => {
    // Act
    const findings = findingsFor(Runtime.NODEJS_22_X);

    // Assess: the acknowledgement covers only the latest runtime, so falling behind fails synthesis.
    expect(findings).toEqual([expect.stringMatching(/L1/)]);
  });
});
