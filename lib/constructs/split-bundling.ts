import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * Code splitting for every function's bundle: `index.mjs` holds what the handler module imports
 * statically, and each dynamic `import()` (a route's module, the configuration, the secrets
 * clients, an upstream's answer schemas) becomes a file of its own under `chunks/`, read and
 * compiled by the request that first needs it. In one file, Node compiles the whole bundle at
 * the cold import, code no request has asked for yet included, and esbuild keeps a dynamically
 * imported AWS SDK client whole (a lazy module keeps every command its package index exports):
 * bench/bundles.ts measured the validate function's cold import at 1.29× the floor bundle's in
 * one file, 1.03× split (the floor split too).
 */
export const CODE_SPLITTING = {
  splitting: true,
  entryNames: 'index',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
} as const satisfies BuildOptions;

/**
 * The esbuild options of one function's bundle: `base` (the options every function shares),
 * split, with an external source map without sources beside each file.
 */
export function functionBuild(
  base: BuildOptions,
  entry: string,
  outdir: string,
  external: string[],
): BuildOptions {
  return {
    ...base,
    ...CODE_SPLITTING,
    entryPoints: { index: entry },
    outdir,
    sourcemap: true,
    sourcesContent: false,
    external,
  };
}

/**
 * NodejsFunction bundles to one file (`--outfile`, which esbuild's splitting cannot use); after
 * it, this hook builds the same entry again with `functionBuild` into the same directory, whose
 * `index.mjs` and map replace the one-file build's (lib/constructs/split-bundle.mjs runs it).
 */
export function splitBundling(base: BuildOptions, entry: string): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) => {
      const options = JSON.stringify(functionBuild(base, entry, outputDir, []));
      if (options.includes("'")) throw new Error(`cannot quote the build options of ${entry}`);
      return [`"${process.execPath}" "${inputDir}/lib/constructs/split-bundle.mjs" '${options}'`];
    },
  };
}
