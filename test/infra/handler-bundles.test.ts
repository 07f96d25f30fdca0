import { fileURLToPath } from 'node:url';
import { disposableEmailBlocklist } from 'disposable-email-domains-js';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { functionBuild } from '#lib/constructs/split-bundling.ts';
import { bundleComposition, ENTRIES, HANDLER_BUILD } from '../../bench/bundles.ts';
import { ownBytesBudget } from '../../bench/targets.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** An entry of the disposable-domain list: present wherever the list is bundled. */
const LISTED_DOMAIN = disposableEmailBlocklist().at(-1) as string;

/**
 * A handler bundled as the CDK app deploys it (ESM, minified, node22, the SDK inside, split into
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
  return { text: code.map((file) => file.text).join('\n'), ...bundleComposition(result.metafile) };
}

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
