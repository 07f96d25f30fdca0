import { fileURLToPath } from 'node:url';
import { disposableEmailBlocklist } from 'disposable-email-domains-js';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { HANDLER_BUILD } from '../../bench/bundles.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** An entry of the disposable-domain list: present wherever the list is bundled. */
const LISTED_DOMAIN = disposableEmailBlocklist().at(-1) as string;

/** A handler bundled as `NodejsFunction` bundles it (ESM, minified, node22, SDK external). */
async function bundled(handler: string): Promise<string> {
  const result = await build({
    ...HANDLER_BUILD,
    entryPoints: [`${ROOT}lambda/handlers/${handler}.ts`],
    external: ['@aws-sdk/*'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

describe('handler bundles', () => {
  it.each([
    ['activate', true],
    ['validate', false],
    ['webhook', false],
  ])('%s carries the disposable-domain list: %s', async (handler, expected) => {
    // Act
    const text = await bundled(handler);

    // Assess: only the trial path may pay for the list (validate's cold start stays as it was).
    expect(text.includes(LISTED_DOMAIN)).toBe(expected);
  });
});
