import { spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { median } from './stats.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Inside the repo, so an external `@aws-sdk/*` import resolves from its node_modules. */
const OUT_DIR = `${ROOT}bench/tmp/bundles`;
const ENTRIES = ['activate', 'validate', 'webhook', 'reaper', 'reconciler'] as const;

const VARIANTS = ['sdk-bundled', 'sdk-external'] as const;
export type Variant = (typeof VARIANTS)[number];

/**
 * How the CDK deploys, read from ServiceFunction (edited in parallel, so not hard-coded here):
 * `externalModules: []` puts the SDK in the bundle; `['@aws-sdk/*']`, or no setting
 * (NodejsFunction's default for Node 22), leaves it to the runtime's copy. NODE_OPTIONS with
 * `--enable-source-maps` makes Node read the source map when the bundle loads.
 */
export function deployedBuild(): { variant: Variant; sourceMaps: boolean } {
  const source = readFileSync(`${ROOT}lib/constructs/service-function.ts`, 'utf8');
  return {
    variant: /externalModules:\s*\[\s*\]/.test(source) ? 'sdk-bundled' : 'sdk-external',
    sourceMaps: source.includes('--enable-source-maps'),
  };
}

/** The esbuild options NodejsFunction uses for our handlers (lib/constructs/service-function.ts). */
export const HANDLER_BUILD = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  mainFields: ['module', 'main'],
} as const satisfies BuildOptions;

/**
 * Builds each Lambda entry the way NodejsFunction runs esbuild (ESM, minified, node22, main
 * fields module/main, external source map without sources), with and without the SDK, then
 * times a cold `import()` of each bundle in fresh Node processes (the deployed build also with
 * the deployed `--enable-source-maps`). An external SDK loads from the repo's node_modules,
 * as it would from the runtime's own copy in Lambda.
 */
export async function measureBundles(runs: number) {
  rmSync(OUT_DIR, { recursive: true, force: true });
  const deployed = deployedBuild();
  const builds = [];
  for (const variant of VARIANTS) {
    for (const entry of ENTRIES) {
      const outfile = `${OUT_DIR}/${variant}/${entry}.mjs`;
      await build({
        ...HANDLER_BUILD,
        entryPoints: [`${ROOT}lambda/handlers/${entry}.ts`],
        outfile,
        sourcemap: true,
        sourcesContent: false,
        external: variant === 'sdk-external' ? ['@aws-sdk/*'] : [],
        logLevel: 'silent',
      });
      const asDeployed = variant === deployed.variant;
      builds.push({ entry, variant, asDeployed, outfile, bytes: statSync(outfile).size });
    }
  }
  // Every run visits every bundle once, so other load on the machine hits them all alike.
  const timings = builds.map(() => ({ plain: [] as Timing[], sourceMaps: [] as Timing[] }));
  for (let run = 0; run < runs; run += 1) {
    for (const [index, built] of builds.entries()) {
      const timing = timings[index] as (typeof timings)[number];
      timing.plain.push(await coldImport(built.outfile, []));
      if (built.asDeployed && deployed.sourceMaps) {
        timing.sourceMaps.push(await coldImport(built.outfile, ['--enable-source-maps']));
      }
    }
  }
  const bundles = builds.map((built, index) => {
    const { plain, sourceMaps } = timings[index] as (typeof timings)[number];
    return {
      entry: built.entry,
      variant: built.variant,
      deployed: built.asDeployed,
      bytes: built.bytes,
      kb: built.bytes / 1024,
      initMs: median(plain.map((t) => t.importMs)),
      initMinMs: Math.min(...plain.map((t) => t.importMs)),
      processMs: median(plain.map((t) => t.processMs)),
      initWithSourceMapsMs: sourceMaps.length ? median(sourceMaps.map((t) => t.importMs)) : null,
    };
  });
  return {
    deployedVariant: deployed.variant,
    deployedWithSourceMaps: deployed.sourceMaps,
    runs,
    nodeVersion: process.version,
    bundles,
  };
}

export type BundleResult = Awaited<ReturnType<typeof measureBundles>>;

interface Timing {
  /** The `import()` alone, timed inside the child. */
  importMs: number;
  /** The whole fresh process: Node's own start plus the import. */
  processMs: number;
}

function coldImport(file: string, flags: string[]): Promise<Timing> {
  const url = pathToFileURL(file).href;
  const script = `const t=performance.now();await import(${JSON.stringify(url)});process.stdout.write(String(performance.now()-t));`;
  return new Promise<Timing>((resolve, reject) => {
    const started = performance.now();
    // A clean environment: the tsx loader in our own NODE_OPTIONS must not reach the child.
    const child = spawn(process.execPath, [...flags, '--input-type=module', '-e', script], {
      cwd: `${ROOT}bench/tmp`,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const importMs = Number(out);
      if (code !== 0 || !Number.isFinite(importMs)) {
        reject(new Error(`cold import of ${file} failed (${code}): ${err.slice(0, 500)}`));
      } else resolve({ importMs, processMs: performance.now() - started });
    });
  });
}
