import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { HANDLER_BUILD } from '../lib/constructs/service-function.ts';
import { functionBuild } from '../lib/constructs/split-bundling.ts';
import { median } from './stats.ts';

export { HANDLER_BUILD };

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Inside the repo, so an external `@aws-sdk/*` import resolves from its node_modules. */
const OUT_DIR = `${ROOT}bench/tmp/bundles`;
/** Every function the CDK app deploys as a ServiceFunction (lib/constructs/*), by handler file. */
export const ENTRIES = [
  'activate',
  'validate',
  'webhook',
  'reaper',
  'reconciler',
  'admin',
] as const;

/**
 * The cold-start floor: a handler that builds a DocumentClient and does one GetItem
 * (bench/floor-handler.ts), built as the deployed bundles are. Our functions' cold imports are
 * held to a ratio of its own, timed in the same runs (bench/targets.ts).
 */
const FLOOR_ENTRY = 'bench/floor-handler.ts';

const dirOf = (file: string) => file.slice(0, file.lastIndexOf('/'));

/** A bundle's entry file (its chunks beside it): `floor` is the floor bundle, built as deployed. */
export function bundleFile(variant: Variant | 'floor', entry: string): string {
  return `${OUT_DIR}/${variant}/${entry}/index.mjs`;
}

const VARIANTS = ['sdk-bundled', 'sdk-external'] as const;
export type Variant = (typeof VARIANTS)[number];

/**
 * The AWS SDK and the packages it is made of: what a bundle carries that is not our code or a
 * library we chose (zod, Powertools, the disposable-domain list). `ownBytes` counts the rest.
 * `bowser` is the browser user-agent parser @aws-sdk/core imports dynamically: split bundles
 * carry it as a chunk of its own, which Node never loads.
 */
const SDK_PACKAGES = /node_modules\/(@aws-sdk|@smithy|@aws-crypto|@aws|bowser)\//;

/**
 * How the CDK deploys, read from ServiceFunction (edited in parallel, so not hard-coded here):
 * `externalModules: []` puts the SDK in the bundle; `['@aws-sdk/*']`, or no setting
 * (NodejsFunction's default for Node 22), leaves it to the runtime's copy. `--enable-source-maps`
 * in the NODE_OPTIONS it sets makes Node read the source map when the bundle loads (a mention of
 * the flag in a comment does not count).
 */
export function deployedBuild(): { variant: Variant; sourceMaps: boolean } {
  const source = readFileSync(`${ROOT}lib/constructs/service-function.ts`, 'utf8');
  return {
    variant: /externalModules:\s*\[\s*\]/.test(source) ? 'sdk-bundled' : 'sdk-external',
    sourceMaps: /NODE_OPTIONS:\s*['"`][^'"`]*--enable-source-maps/.test(source),
  };
}

/**
 * A bundle's output bytes (its entry file and every chunk) split into the AWS SDK's and
 * everything else's (esbuild's metafile).
 */
export function bundleComposition(metafile: Metafile): { sdkBytes: number; ownBytes: number } {
  let sdkBytes = 0;
  let ownBytes = 0;
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      if (SDK_PACKAGES.test(path)) sdkBytes += input.bytesInOutput;
      else ownBytes += input.bytesInOutput;
    }
  }
  return { sdkBytes, ownBytes };
}

/**
 * The files a cold import reads: the bundle's index.mjs and the chunks it imports statically,
 * transitively (every other chunk waits for a dynamic import). Paths as in the metafile.
 */
export function coldImportFiles(metafile: Metafile): string[] {
  const outputs = metafile.outputs;
  // Each dynamic import's target is an entry point of the metafile too: the handler's is index.
  const entry = Object.keys(outputs).find((path) => path.endsWith('/index.mjs'));
  const loaded = new Set<string>();
  const visit = (path: string | undefined) => {
    if (path === undefined || loaded.has(path)) return;
    loaded.add(path);
    for (const imported of outputs[path]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  return [...loaded];
}

/** The source files (metafile inputs) whose code a cold import reads. */
export function coldImportInputs(metafile: Metafile): string[] {
  return coldImportFiles(metafile).flatMap((path) =>
    Object.keys(metafile.outputs[path]?.inputs ?? {}),
  );
}

/**
 * A split bundle's sizes from its metafile: every code file, every source map, and what a cold
 * import reads (`coldImportFiles`).
 */
export function bundleSizes(metafile: Metafile): {
  bytes: number;
  mapBytes: number;
  importBytes: number;
} {
  const outputs = metafile.outputs;
  const sum = (paths: string[]) =>
    paths.reduce((total, path) => total + (outputs[path]?.bytes ?? 0), 0);
  const paths = Object.keys(outputs);
  return {
    bytes: sum(paths.filter((path) => path.endsWith('.mjs'))),
    mapBytes: sum(paths.filter((path) => path.endsWith('.map'))),
    importBytes: sum(coldImportFiles(metafile)),
  };
}

/**
 * Builds each Lambda entry as the CDK app deploys it (HANDLER_BUILD, split: ESM, minified,
 * node24, main fields module/main, the `http` alias, external source maps without sources),
 * with and without the SDK, and the floor bundle as deployed, then times a cold `import()` of
 * each bundle's index.mjs in fresh Node processes, interleaved; the deployed
 * build also with `--enable-source-maps`, whether or not it is deployed so, to keep that
 * decision's cost in view. An external SDK loads from the repo's node_modules, as it would from
 * the runtime's own copy in Lambda.
 */
export async function measureBundles(runs: number) {
  rmSync(OUT_DIR, { recursive: true, force: true });
  const deployed = deployedBuild();
  const builds = [];
  for (const variant of VARIANTS) {
    for (const entry of ENTRIES) {
      const outfile = bundleFile(variant, entry);
      const external = variant === 'sdk-external' ? ['@aws-sdk/*'] : [];
      const { metafile } = await build({
        ...functionBuild(HANDLER_BUILD, `lambda/handlers/${entry}.ts`, dirOf(outfile), external),
        metafile: true,
        logLevel: 'silent',
      });
      const asDeployed = variant === deployed.variant;
      builds.push({
        entry,
        variant,
        asDeployed,
        outfile,
        ...bundleSizes(metafile),
        ...bundleComposition(metafile),
      });
    }
  }
  const floorFile = bundleFile('floor', 'floor');
  const floorExternal = deployed.variant === 'sdk-external' ? ['@aws-sdk/*'] : [];
  const floorBuild = await build({
    ...functionBuild(HANDLER_BUILD, FLOOR_ENTRY, dirOf(floorFile), floorExternal),
    metafile: true,
    logLevel: 'silent',
  });
  // Every run visits every bundle once, so other load on the machine hits them all alike.
  const timings = builds.map(() => ({ plain: [] as Timing[], sourceMaps: [] as Timing[] }));
  const floorTimings: Timing[] = [];
  for (let run = 0; run < runs; run += 1) {
    floorTimings.push(await coldImport(floorFile, []));
    for (const [index, built] of builds.entries()) {
      const timing = timings[index] as (typeof timings)[number];
      timing.plain.push(await coldImport(built.outfile, []));
      if (built.asDeployed) {
        timing.sourceMaps.push(await coldImport(built.outfile, ['--enable-source-maps']));
      }
    }
  }
  const bundles = builds.map((built, index) => {
    const { plain, sourceMaps } = timings[index] as (typeof timings)[number];
    const initMs = median(plain.map((t) => t.importMs));
    const initWithSourceMapsMs = sourceMaps.length
      ? median(sourceMaps.map((t) => t.importMs))
      : null;
    return {
      entry: built.entry,
      variant: built.variant,
      deployed: built.asDeployed,
      /** The whole bundle: index.mjs and every chunk (the maps are not counted). */
      bytes: built.bytes,
      kb: built.bytes / 1024,
      /** What the cold import reads: index.mjs and the chunks it imports statically. */
      importBytes: built.importBytes,
      /** Bytes of the bundle that are not the AWS SDK (@aws-sdk, @smithy, @aws-crypto, @aws). */
      ownBytes: built.ownBytes,
      /** Bytes of the bundle that are the AWS SDK (with it external: the few @smithy/@aws parts left). */
      sdkBytes: built.sdkBytes,
      /** The source map esbuild writes beside the bundle. */
      mapBytes: built.mapBytes,
      initMs,
      initMinMs: Math.min(...plain.map((t) => t.importMs)),
      processMs: median(plain.map((t) => t.processMs)),
      initWithSourceMapsMs,
      initWithSourceMapsMinMs: sourceMaps.length
        ? Math.min(...sourceMaps.map((t) => t.importMs))
        : null,
      /** The cold import as Lambda runs it: with `--enable-source-maps` only if deployed so. */
      initAsDeployedMs: deployed.sourceMaps ? (initWithSourceMapsMs ?? initMs) : initMs,
    };
  });
  return {
    deployedVariant: deployed.variant,
    deployedWithSourceMaps: deployed.sourceMaps,
    runs,
    nodeVersion: process.version,
    bundles,
    /** The floor bundle (FLOOR_ENTRY), timed plain in the same runs. */
    floor: {
      ...bundleSizes(floorBuild.metafile),
      initMs: median(floorTimings.map((t) => t.importMs)),
      initMinMs: Math.min(...floorTimings.map((t) => t.importMs)),
      processMs: median(floorTimings.map((t) => t.processMs)),
    },
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
