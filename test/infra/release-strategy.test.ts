import { describe, expect, it } from 'vitest';
import { readDeploySettings } from '#config/deploy-settings.ts';
import { deploymentGroupOf, RELEASED, resourceCounts } from '#test/infra/release-queries.ts';
import { useSynthesisedApp } from '#test/infra/synth-app.ts';

describe('a release with releaseStrategy allAtOnce', () => {
  const canary = useSynthesisedApp({ region: 'eu-west-1' });
  const { synthesised, template } = useSynthesisedApp({
    region: 'eu-west-1',
    releaseStrategy: 'allAtOnce',
  });

  it.each(RELEASED)('moves the alias of %s at once', (name) => {
    // Assess
    expect(deploymentGroupOf(template, name).properties.DeploymentConfigName).toBe(
      'CodeDeployDefault.LambdaAllAtOnce',
    );
  });

  it.each(RELEASED)(
    'consults no alarm for %s, and still rolls back a failed or stopped deployment',
    (name) => {
      // Prepare
      const { properties } = deploymentGroupOf(template, name);

      // Assess: an alarm firing already must not stop the fix for it.
      expect(properties.AlarmConfiguration.Enabled).toBe(false);
      expect(properties.AutoRollbackConfiguration).toEqual({
        Enabled: true,
        Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'],
      });
    },
  );

  it('has the resources of a canary release: switching adds or removes nothing', () => {
    // Assess
    expect(resourceCounts(template)).toEqual(resourceCounts(canary.template));
  });

  it('leaves no AwsSolutions finding unacknowledged', () => {
    // Assess
    expect(synthesised.unacknowledgedFindings()).toEqual([]);
  });
});

describe('the releaseStrategy setting', () => {
  it.each([
    ['context', 'linear', {}],
    ['context', 'Canary', {}],
    ['environment', undefined, { RELEASE_STRATEGY: 'all' }],
  ])('fails the synth on a strategy it does not know, from the %s', (_source, context, env) => {
    // Act: what bin/ravn-activate.ts reads before it builds the app.
    const read = () =>
      readDeploySettings((key) => (key === 'releaseStrategy' ? context : undefined), env);

    // Assess
    expect(read).toThrow(/releaseStrategy: must be canary or allAtOnce/);
  });

  it('reads RELEASE_STRATEGY from the environment, the context first', () => {
    // Act
    const fromEnv = readDeploySettings(() => undefined, { RELEASE_STRATEGY: 'allAtOnce' });
    const fromBoth = readDeploySettings(
      (key) => (key === 'releaseStrategy' ? 'canary' : undefined),
      { RELEASE_STRATEGY: 'allAtOnce' },
    );

    // Assess
    expect(fromEnv.releaseStrategy).toBe('allAtOnce');
    expect(fromBoth.releaseStrategy).toBe('canary');
  });
});
