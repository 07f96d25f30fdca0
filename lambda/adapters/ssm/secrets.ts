import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import type { SecretSource, SecretsConfig } from '#lambda/config.ts';
import type { SecretName, Secrets } from '#ports/secrets.ts';

/**
 * Each secret from SSM Parameter Store (SecureString, decrypted, cached by Powertools for
 * `maxAgeSeconds` so a warm function does not call SSM per request), or given directly when
 * running locally.
 */
export class ConfiguredSecrets implements Secrets {
  constructor(
    private readonly sources: SecretsConfig,
    private readonly maxAgeSeconds: number,
  ) {}

  async get(name: SecretName): Promise<string> {
    const source: SecretSource = this.sources[name];
    if ('value' in source) return source.value;
    const value = await getParameter(source.ssmName, { decrypt: true, maxAge: this.maxAgeSeconds });
    if (!value) throw new Error(`SSM parameter ${source.ssmName} is empty`);
    return value;
  }
}
