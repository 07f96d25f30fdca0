import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What `GET /health` reports: the package version and the commit the code was built from. */
export interface BuildInfo {
  readonly version: string;
  readonly commit: string;
}

/**
 * The environment variables that carry the build to the functions. Variables rather than the
 * package.json itself: a bundle importing it would carry every dependency's name for two strings.
 */
export const BUILD_ENV = { version: 'SERVICE_VERSION', commit: 'BUILD_COMMIT' } as const;

const ROOT = new URL('../', import.meta.url);

let cached: BuildInfo | undefined;

/**
 * The build of this checkout, read where the code is built (CDK synth, `pnpm start`): the version
 * from package.json; the commit from `BUILD_COMMIT` when CI sets it (a tarball has no .git), else
 * `git rev-parse HEAD`, else `unknown`. Read once per process.
 */
export function readBuildInfo(): BuildInfo {
  cached ??= {
    version: packageVersion(),
    commit: process.env[BUILD_ENV.commit] || gitCommit() || 'unknown',
  };
  return cached;
}

/** The build as the functions' environment variables. */
export function buildEnvironment(build: BuildInfo = readBuildInfo()): Record<string, string> {
  return { [BUILD_ENV.version]: build.version, [BUILD_ENV.commit]: build.commit };
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}

function gitCommit(): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5_000,
    });
    const commit = out.toString('utf8').trim();
    return /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined;
  } catch {
    // No git, or not a checkout: the commit is unknown, which is no reason to fail a deploy.
    return undefined;
  }
}
