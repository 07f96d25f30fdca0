import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ENTRIES, HANDLER_BUILD } from './bundles.ts';
import { markdownTable, median } from './stats.ts';

/**
 * `pnpm bench:alias [runs]`: does the `http` alias (BUNDLE_ALIASES,
 * lib/constructs/service-function.ts) still pay on the Node that runs this? Builds each handler
 * as deployed and once more without the alias, then times a cold `import()` of each in fresh
 * processes, the two builds of an entry one after the other in every run, so load on the machine
 * hits both alike. Also reports whether the import loaded Node's bundled undici, the cost the
 * alias exists to avoid. Run it under the runtime's Node (`pnpm exec` uses the project's `node`).
 */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT_DIR = `${ROOT}bench/tmp/http-alias`;
const runs = Number(process.argv[2] ?? 15);
const VARIANTS = ['with alias', 'without'] as const;

interface ColdImport {
  ms: number;
  loadedUndici: boolean;
}

/** One cold import of `file` in a fresh Node process with a clean environment. */
function coldImport(file: string): ColdImport {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});const ms=performance.now()-t;process.stdout.write(JSON.stringify({ms,loadedUndici:process.moduleLoadList.some((m)=>m.includes('undici'))}))`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: OUT_DIR,
    env: { PATH: process.env.PATH ?? '' },
  });
  if (child.status !== 0) throw new Error(`cold import of ${file} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.toString()) as ColdImport;
}

rmSync(OUT_DIR, { recursive: true, force: true });
mkdirSync(OUT_DIR, { recursive: true });
const { alias, ...withoutAlias } = HANDLER_BUILD;
const files = new Map<string, Record<(typeof VARIANTS)[number], string>>();
for (const entry of ENTRIES) {
  const paths = {
    'with alias': `${OUT_DIR}/${entry}-alias.mjs`,
    without: `${OUT_DIR}/${entry}.mjs`,
  };
  for (const variant of VARIANTS) {
    await build({
      ...withoutAlias,
      ...(variant === 'with alias' ? { alias } : {}),
      entryPoints: [`${ROOT}lambda/handlers/${entry}.ts`],
      outfile: paths[variant],
      external: [],
      logLevel: 'silent',
    });
  }
  files.set(entry, paths);
}

const samples = new Map<string, Record<(typeof VARIANTS)[number], ColdImport[]>>(
  ENTRIES.map((entry) => [entry, { 'with alias': [], without: [] }]),
);
for (let run = 0; run < runs; run += 1) {
  for (const [entry, paths] of files) {
    for (const variant of VARIANTS) samples.get(entry)?.[variant].push(coldImport(paths[variant]));
  }
}

const rows = [...samples].map(([entry, timed]) => {
  const withAlias = timed['with alias'].map((t) => t.ms);
  const without = timed.without.map((t) => t.ms);
  const saved = without.map((ms, index) => ms - (withAlias[index] ?? Number.NaN));
  return [
    entry,
    median(withAlias).toFixed(1),
    median(without).toFixed(1),
    median(saved).toFixed(1),
    String(timed['with alias'].some((t) => t.loadedUndici)),
    String(timed.without.some((t) => t.loadedUndici)),
  ];
});
console.log(`Node ${process.version}, ${runs} runs, cold import() median in ms\n`);
console.log(
  markdownTable(
    ['Entry', 'with alias', 'without', 'saved (paired median)', 'undici with', 'undici without'],
    rows,
  ),
);
