import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { disposableEmailBlocklist } from 'disposable-email-domains-js';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { functionBuild } from '#lib/constructs/split-bundling.ts';
import { useSynthesisedApp } from '#test/infra/synth-app.ts';
import { ENTRIES, HANDLER_BUILD } from '../../bench/bundles.ts';

/** An entry of the disposable-domain list: present in the bundle that carries the list. */
const LISTED_DOMAIN = disposableEmailBlocklist().at(-1) as string;

/** Every code file of a split bundle (index.mjs and its chunks), by path inside it. */
function codeFiles(directory: string): Map<string, string> {
  const files = readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.mjs'))
    .sort();
  return new Map(files.map((name) => [name, readFileSync(join(directory, name), 'utf8')]));
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// What `cdk deploy` uploads: the default deployment's function assets.
describe('deployed bundles', () => {
  const { synthesised, template } = useSynthesisedApp({ region: 'eu-west-1' }, { bundle: true });

  it('bundles each function with the AWS SDK as ESM, split into index.mjs and its chunks with their maps, that loads on its own and exports handler', () => {
    // Prepare: a scratch directory outside the project, where no node_modules can stand in for
    // a package the bundle left out.
    const directories = synthesised.assetDirectories();
    const scratch = mkdtempSync(join(tmpdir(), 'ravn-bundle-check-'));

    // Act
    const checked = directories.map((directory, index) => {
      const copy = join(scratch, String(index));
      cpSync(directory, copy, { recursive: true });
      const kind = execFileSync(process.execPath, [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(copy, 'index.mjs'))}); console.log(typeof m.handler);`,
      ])
        .toString()
        .trim();
      const files = [...codeFiles(copy).entries()];
      return {
        kind,
        bytes: files.reduce((sum, [, text]) => sum + Buffer.byteLength(text), 0),
        carriesList: files.some(([, text]) => text.includes(LISTED_DOMAIN)),
        importsSdk: files.some(([, text]) =>
          /\bfrom\s*["']@aws-sdk\/|\bimport\(\s*["']@aws-sdk\//.test(text),
        ),
        unmapped: files
          .map(([name]) => name)
          .filter((name) => !existsSync(join(directory, `${name}.map`))),
        importsHttpAsModule: files.some(([, text]) => /\bfrom\s*["'](node:)?http["']/.test(text)),
      };
    });
    rmSync(scratch, { recursive: true, force: true });

    // Assess
    // The functions behind CloudFront and the scheduled jobs, each its own bundle.
    expect(checked.length).toBe(
      Object.keys(template.findResources('AWS::Lambda::Function')).length,
    );
    expect(checked.map((entry) => entry.kind)).toEqual(checked.map(() => 'function'));
    // The SDK is bundled: nothing is left to the runtime's copy.
    expect(checked.filter((entry) => entry.importsSdk)).toEqual([]);
    // `node:http` comes as CommonJS (BUNDLE_ALIASES): imported as an ES module it loads undici.
    expect(checked.filter((entry) => entry.importsHttpAsModule)).toEqual([]);
    expect(checked.map((entry) => entry.unmapped)).toEqual(checked.map(() => []));
    // Only activate (trials) carries the disposable-domain list, about 145 KB in a chunk read
    // on the first trial only. Whole bundles, every chunk and the SDK included (≈460 KB): a
    // guard against a whole SDK client or another large library slipping in. What is not the SDK
    // has its own, tighter budget (test/infra/handler-bundles.test.ts, bench/targets.ts).
    expect(checked.filter((entry) => entry.carriesList)).toHaveLength(1);
    for (const entry of checked) {
      expect(entry.bytes).toBeLessThan((entry.carriesList ? 1000 : 900) * 1024);
    }
  });

  it('deploys, byte for byte, the bundles bench/bundles.ts builds and measures', async () => {
    // Prepare
    const fingerprint = (files: Map<string, string>) =>
      sha256([...files].map(([name, text]) => `${name} ${sha256(text)}`).join('\n'));
    const deployed = synthesised
      .assetDirectories()
      .map((directory) => fingerprint(codeFiles(directory)));
    const scratch = mkdtempSync(join(tmpdir(), 'ravn-bundle-bench-'));

    // Act
    const built = await Promise.all(
      ENTRIES.map(async (entry) => {
        const outdir = join(scratch, entry);
        const result = await build({
          ...functionBuild(HANDLER_BUILD, `lambda/handlers/${entry}.ts`, outdir, []),
          write: false,
          logLevel: 'silent',
        });
        const files = result.outputFiles
          .filter((file) => file.path.endsWith('.mjs'))
          .map((file) => [relative(outdir, file.path), file.text] as const)
          .sort(([a], [b]) => (a < b ? -1 : 1));
        return fingerprint(new Map(files));
      }),
    );
    rmSync(scratch, { recursive: true, force: true });

    // Assess
    expect(built.sort()).toEqual(deployed.sort());
  });
});
