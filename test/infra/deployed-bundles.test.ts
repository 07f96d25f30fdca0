import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { disposableEmailBlocklist } from 'disposable-email-domains-js';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { useSynthesisedApp } from '#test/infra/synth-app.ts';
import { ENTRIES, HANDLER_BUILD } from '../../bench/bundles.ts';

/** An entry of the disposable-domain list: present in the bundle that carries the list. */
const LISTED_DOMAIN = disposableEmailBlocklist().at(-1) as string;

// What `cdk deploy` uploads: the default deployment's function assets.
describe('deployed bundles', () => {
  const { synthesised, template } = useSynthesisedApp({ region: 'eu-west-1' });

  it('bundles each function with the AWS SDK as one ESM file, with its map, that loads on its own and exports handler', () => {
    // Prepare: a scratch directory outside the project, where no node_modules can stand in for
    // a package the bundle left out.
    const directories = synthesised.assetDirectories();
    const scratch = mkdtempSync(join(tmpdir(), 'ravn-bundle-check-'));

    // Act
    const checked = directories.map((directory, index) => {
      const copy = join(scratch, `${index}.mjs`);
      copyFileSync(join(directory, 'index.mjs'), copy);
      const kind = execFileSync(process.execPath, [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(copy)}); console.log(typeof m.handler);`,
      ])
        .toString()
        .trim();
      const text = readFileSync(copy, 'utf8');
      return {
        kind,
        bytes: statSync(copy).size,
        carriesList: text.includes(LISTED_DOMAIN),
        importsSdk: /\bfrom\s*["']@aws-sdk\/|\bimport\(\s*["']@aws-sdk\//.test(text),
        hasMap: existsSync(join(directory, 'index.mjs.map')),
        importsHttpAsModule: /\bfrom\s*["'](node:)?http["']/.test(text),
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
    expect(checked.map((entry) => entry.hasMap)).toEqual(checked.map(() => true));
    // Only activate (trials) carries the disposable-domain list, about 145 KB that is evaluated
    // on the first trial only. Whole bundles, the SDK included (≈430 KB): a guard against a
    // whole SDK client or another large library slipping in. What is not the SDK has its own,
    // tighter budget (test/infra/handler-bundles.test.ts, bench/targets.ts).
    expect(checked.filter((entry) => entry.carriesList)).toHaveLength(1);
    for (const entry of checked) {
      expect(entry.bytes).toBeLessThan((entry.carriesList ? 1000 : 900) * 1024);
    }
  });

  it('deploys, byte for byte, the bundles bench/bundles.ts builds and measures', async () => {
    // Prepare
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const deployed = synthesised
      .assetDirectories()
      .map((directory) => sha256(readFileSync(join(directory, 'index.mjs'), 'utf8')));

    // Act
    const built = await Promise.all(
      ENTRIES.map(async (entry) => {
        const result = await build({
          ...HANDLER_BUILD,
          entryPoints: [`lambda/handlers/${entry}.ts`],
          outfile: 'index.mjs',
          sourcemap: true,
          sourcesContent: false,
          external: [],
          write: false,
          logLevel: 'silent',
        });
        const code = result.outputFiles.find((file) => file.path.endsWith('index.mjs'));
        return sha256(code?.text ?? '');
      }),
    );

    // Assess
    expect(built.sort()).toEqual(deployed.sort());
  });
});
