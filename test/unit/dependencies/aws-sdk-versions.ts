/**
 * The AWS SDK's release-train check, read from pnpm-lock.yaml. Each function bundles the SDK
 * (lib/constructs/service-function.ts), so a second version of a shared part (`@smithy/core`,
 * `@aws-sdk/core`, ...) would put two copies in a bundle, each with its own fixes, and clients
 * from different releases would pull such second copies in. The SDK releases its clients and
 * lib packages together under one version number; its other packages (core,
 * credential-provider-node, util-dynamodb) have their own numbering, and the clients name the
 * ones they were published with.
 */

/** The scopes whose packages make up the AWS SDK v3 as bundled. */
const SDK_SCOPES = ['@aws-sdk/', '@smithy/', '@aws-crypto/'];

/** The packages the SDK publishes together under the clients' version number. */
const TRAIN_PACKAGE = /^@aws-sdk\/(client|lib)-/;

/**
 * A key of the lockfile's `packages:` section: two spaces, the name (quoted when scoped), `@`,
 * the version, then `:`. Peer-dependency suffixes appear only in `snapshots:`.
 */
const PACKAGE_KEY = /^ {2}'?((?:@[^/'\s]+\/)?[^@'\s]+)@([^'(:\s]+)'?:\s*$/;

/** Every resolved SDK package of `lockfile` (pnpm-lock.yaml's text) with its versions. */
export function sdkPackageVersions(lockfile: string): Map<string, string[]> {
  const versions = new Map<string, string[]>();
  let inPackages = false;
  for (const line of lockfile.split('\n')) {
    // Top-level keys (no indent) open and close the sections.
    if (/^\S/.test(line)) inPackages = line.startsWith('packages:');
    if (!inPackages) continue;
    const match = PACKAGE_KEY.exec(line);
    if (!match) continue;
    const [, name = '', version = ''] = match;
    if (!SDK_SCOPES.some((scope) => name.startsWith(scope))) continue;
    const known = versions.get(name) ?? [];
    if (!known.includes(version)) known.push(version);
    versions.set(name, known);
  }
  return versions;
}

/**
 * What keeps the SDK in `lockfile` from being one release: a package resolved to more than one
 * version, or `@aws-sdk/client-*` and `@aws-sdk/lib-*` packages on different versions. Empty when
 * the SDK is one release train.
 */
export function sdkVersionProblems(lockfile: string): string[] {
  const versions = sdkPackageVersions(lockfile);
  const problems: string[] = [];
  for (const [name, found] of versions) {
    if (found.length > 1)
      problems.push(`${name} resolves to ${found.length} versions: ${found.join(', ')}`);
  }
  const train = [...versions].filter(([name]) => TRAIN_PACKAGE.test(name));
  const trainVersions = new Set(train.flatMap(([, found]) => found));
  if (trainVersions.size > 1) {
    const listed = train.map(([name, found]) => `${name} ${found.join('/')}`).join(', ');
    problems.push(`the clients and lib packages are on ${trainVersions.size} versions: ${listed}`);
  }
  return problems;
}
