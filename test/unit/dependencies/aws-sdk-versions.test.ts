import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sdkPackageVersions, sdkVersionProblems } from './aws-sdk-versions.ts';

const LOCKFILE = readFileSync(new URL('../../../pnpm-lock.yaml', import.meta.url), 'utf8');

/** The lockfile's `packages:` entry for `name@version`, in pnpm's own layout. */
function packageEntry(name: string, version: string): string {
  return `  '${name}@${version}':\n    resolution: {integrity: sha512-stand-in}\n    engines: {node: '>=20.0.0'}\n`;
}

/** `LOCKFILE` with `entry` added at the top of its `packages:` section. */
function withPackage(entry: string): string {
  return LOCKFILE.replace(/^packages:\n\n/m, `packages:\n\n${entry}\n`);
}

describe('AWS SDK versions in pnpm-lock.yaml', () => {
  it('reads the SDK packages the service bundles from the lockfile', () => {
    // Act
    const versions = sdkPackageVersions(LOCKFILE);

    // Assess: the parse sees the packages (a check that found nothing would pass anything).
    for (const name of [
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/lib-dynamodb',
      '@aws-sdk/client-ssm',
      '@aws-sdk/client-secrets-manager',
      '@aws-sdk/util-dynamodb',
      '@aws-sdk/core',
      '@smithy/core',
    ]) {
      expect(versions.get(name), name).toHaveLength(1);
    }
  });

  it('resolves every SDK package to one version, the clients and lib packages to one release', () => {
    // Assess
    expect(sdkVersionProblems(LOCKFILE)).toEqual([]);
  });

  it('reports a second version of a shared part', () => {
    // Prepare: an older @smithy/core beside the one the clients use, as a client from an older
    // release would bring in.
    const diverged = withPackage(packageEntry('@smithy/core', '3.40.0'));

    // Act
    const problems = sdkVersionProblems(diverged);

    // Assess
    expect(problems).toEqual([expect.stringMatching(/^@smithy\/core resolves to 2 versions: /)]);
    expect(problems[0]).toContain('3.40.0');
  });

  it('reports clients from different releases, even with no package on two versions', () => {
    // Prepare: client-ssm moved to another release (its one entry renamed).
    const ssm = /^ {2}'@aws-sdk\/client-ssm@([^']+)':$/m.exec(LOCKFILE);
    const diverged = LOCKFILE.replace(
      `  '@aws-sdk/client-ssm@${ssm?.[1]}':`,
      `  '@aws-sdk/client-ssm@3.1169.0':`,
    );

    // Act
    const problems = sdkVersionProblems(diverged);

    // Assess
    expect(ssm).not.toBeNull();
    expect(problems).toEqual([
      expect.stringMatching(
        /^the clients and lib packages are on 2 versions: .*client-ssm 3\.1169\.0/,
      ),
    ]);
  });

  it('reports the clients of the lockfile before the SDK was aligned', () => {
    // Prepare: the versions the service had (client-dynamodb 3.1164, lib-dynamodb 3.1162,
    // client-ssm 3.1169, client-secrets-manager 3.1163), written as pnpm writes them.
    const before = [
      "lockfileVersion: '9.0'",
      '',
      'packages:',
      '',
      packageEntry('@aws-sdk/client-dynamodb', '3.1164.0'),
      packageEntry('@aws-sdk/client-secrets-manager', '3.1163.0'),
      packageEntry('@aws-sdk/client-ssm', '3.1169.0'),
      packageEntry('@aws-sdk/lib-dynamodb', '3.1162.0'),
      packageEntry('@smithy/core', '3.41.0'),
      'snapshots:',
      '',
      "  '@aws-sdk/lib-dynamodb@3.1162.0(@aws-sdk/client-dynamodb@3.1164.0)':",
      '    dependencies: {}',
    ].join('\n');

    // Act
    const problems = sdkVersionProblems(before);

    // Assess: one problem, the four packages on four versions (the snapshot key is not a package).
    expect(problems).toEqual([
      'the clients and lib packages are on 4 versions: @aws-sdk/client-dynamodb 3.1164.0, @aws-sdk/client-secrets-manager 3.1163.0, @aws-sdk/client-ssm 3.1169.0, @aws-sdk/lib-dynamodb 3.1162.0',
    ]);
  });
});
