import { fileURLToPath } from 'node:url';
import { disposableEmailBlocklist } from 'disposable-email-domains-js';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { functionBuild } from '#lib/constructs/split-bundling.ts';
import {
  bundleComposition,
  coldImportInputs,
  ENTRIES,
  HANDLER_BUILD,
} from '../../bench/bundles.ts';
import { ownBytesBudget } from '../../bench/targets.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** An entry of the disposable-domain list: present wherever the list is bundled. */
const LISTED_DOMAIN = disposableEmailBlocklist().at(-1) as string;

/**
 * A handler bundled as the CDK app deploys it (ESM, minified, node24, the SDK inside, split into
 * index.mjs and its chunks): the text of every file, and what esbuild's metafile says it holds.
 */
async function bundled(handler: string) {
  const result = await build({
    ...functionBuild(HANDLER_BUILD, `lambda/handlers/${handler}.ts`, `${ROOT}out/${handler}`, []),
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles.filter((file) => file.path.endsWith('.mjs'));
  return {
    text: code.map((file) => file.text).join('\n'),
    atImport: coldImportInputs(result.metafile),
    ...bundleComposition(result.metafile),
  };
}

/**
 * What a cold start leaves to the first request that needs it (docs/decisions/split-bundles.md,
 * "Decision"): zod and every schema, the configuration, each route's code, the SSM and Secrets
 * Manager clients, the disposable-domain list.
 */
const FIRST_USE_ONLY =
  /node_modules\/(zod|@aws-sdk\/client-ssm|@aws-sdk\/client-secrets-manager|@aws-lambda-powertools\/parameters|disposable-email-domains-js)\/|lambda\/(handlers\/routes|schemas|services)\/|lambda\/config\.ts|config\/products/;

describe('handler bundles', () => {
  it.each([
    ['activate', true],
    ['validate', false],
    ['webhook', false],
  ])('%s carries the disposable-domain list: %s', async (handler, expected) => {
    // Act
    const { text } = await bundled(handler);

    // Assess: only the trial path may pay for the list (validate's cold start stays as it was).
    expect(text.includes(LISTED_DOMAIN)).toBe(expected);
  });

  it.each(['activate', 'validate', 'webhook'])(
    "%s's cold import reads no zod, schema, route, service, configuration or secrets client",
    async (handler) => {
      // Act
      const { atImport } = await bundled(handler);

      // Assess: the import reads the DynamoDB client as the floor bundle does, and nothing the
      // first request loads itself.
      expect(atImport.filter((path) => FIRST_USE_ONLY.test(path))).toEqual([]);
      expect(atImport.some((path) => path.includes('@aws-sdk/client-dynamodb/'))).toBe(true);
    },
  );

  it.each(ENTRIES)(
    '%s keeps what is not the AWS SDK within its budget (bench/targets.ts)',
    async (handler) => {
      // Act
      const { ownBytes, sdkBytes } = await bundled(handler);

      // Assess: the SDK is inside (tree-shaken), and our code beside it stays small.
      expect(sdkBytes).toBeGreaterThan(0);
      expect(ownBytes).toBeLessThanOrEqual(ownBytesBudget(handler));
    },
  );
});
