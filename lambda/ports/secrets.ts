export type SecretName =
  | 'lemonsqueezyApiKey'
  | 'openrouterManagementKey'
  | 'webhookSecret'
  | 'originSecret';

/**
 * Where credentials come from (SSM or Secrets Manager in AWS, env locally); values are never
 * logged. `originSecret` is optional: without it the origin guard is off (local server, tests).
 */
export interface Secrets {
  get(name: SecretName): Promise<string>;
  has(name: SecretName): boolean;
}
