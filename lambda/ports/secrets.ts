export type SecretName = 'lemonsqueezyApiKey' | 'openrouterManagementKey' | 'webhookSecret';

/** Where upstream credentials come from (SSM in AWS, env locally); values are never logged. */
export interface Secrets {
  get(name: SecretName): Promise<string>;
}
