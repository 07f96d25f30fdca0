import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import type { SecretsConfig } from '#lambda/config.ts';

export type SecretName =
  | 'lemonsqueezyApiKey'
  | 'openrouterManagementKey'
  | 'webhookSecret'
  | 'originSecret'
  | 'signingKey';

/**
 * Where credentials come from: each secret from SSM Parameter Store (SecureString, decrypted) or
 * Secrets Manager, cached by Powertools for `maxAgeSeconds` so a warm function does not fetch it
 * per request, or given directly when running locally. Values are never logged. `originSecret`
 * is optional: without it the origin guard is off (local server, tests). `signingKey` (the lease
 * key set) is optional too: only the functions that answer licenses have one.
 *
 * The getters are imported statically on purpose. Imported dynamically (so that esbuild would
 * evaluate the SSM and Secrets Manager clients on the first read only), the SDK code they pull
 * in is wrapped in lazy initialisers that esbuild tree-shakes far less: the bundle grew by
 * ≈110 KB (the SSM client from 78 to 169 KB) and the cold import got 2–4 ms slower, more than
 * evaluating the two clients costs (≈1.5 ms). Every function behind CloudFront reads a secret on
 * its first request anyway (the origin secret).
 */
export class ConfiguredSecrets {
  constructor(
    private readonly sources: SecretsConfig,
    private readonly maxAgeSeconds: number,
  ) {}

  has(name: SecretName): boolean {
    return this.sources[name] !== undefined;
  }

  async get(name: SecretName): Promise<string> {
    const source = this.sources[name];
    if (!source) throw new Error(`secret ${name} is not configured`);
    if ('value' in source) return source.value;
    const value =
      'ssmName' in source
        ? await getParameter(source.ssmName, { decrypt: true, maxAge: this.maxAgeSeconds })
        : await getSecret(source.secretArn, { maxAge: this.maxAgeSeconds });
    if (typeof value !== 'string' || value.length === 0) throw new Error(`secret ${name} is empty`);
    return value;
  }
}
