export type SecretName =
  | 'lemonsqueezyApiKey'
  | 'openrouterManagementKey'
  | 'webhookSecret'
  | 'originSecret'
  | 'signingKey';

/** Where one secret comes from: an SSM parameter's name, a Secrets Manager ARN, or the value. */
export type SecretSource = { ssmName: string } | { secretArn: string } | { value: string };

/** Each secret's source (lambda/config.ts reads them from the environment). */
export type SecretsConfig = Record<
  Exclude<SecretName, 'originSecret' | 'signingKey'>,
  SecretSource
> & {
  originSecret?: SecretSource;
  signingKey?: SecretSource;
};

/**
 * Where credentials come from: each secret from SSM Parameter Store (SecureString, decrypted) or
 * Secrets Manager, cached by Powertools for `maxAgeSeconds` so a warm function does not fetch it
 * per request, or given directly when running locally. Values are never logged. `originSecret`
 * is optional: without it the origin guard is off (local server, tests). `signingKey` (the lease
 * key set) is optional too: only the functions that answer licenses have one.
 *
 * The two SDK clients are imported with the first secret read from AWS: in AWS that is the first
 * request's (the origin secret), so the work moves from the cold import to that request rather
 * than away, and the import, which the floor bundle does not pay for them, gets ≈0.15× of the
 * floor's time cheaper (bench/bundles.ts). This pays only because each function's bundle is
 * split (lib/constructs/split-bundling.ts): in one file, esbuild keeps a dynamically imported
 * client whole (every command its package exports, ≈110 KB more) and the import got no faster.
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
    const { getParameter, getSecret } = await import('./fetch-secret.ts');
    const value =
      'ssmName' in source
        ? await getParameter(source.ssmName, { decrypt: true, maxAge: this.maxAgeSeconds })
        : await getSecret(source.secretArn, { maxAge: this.maxAgeSeconds });
    if (typeof value !== 'string' || value.length === 0) throw new Error(`secret ${name} is empty`);
    return value;
  }
}
