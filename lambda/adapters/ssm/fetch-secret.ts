// The SSM Parameter Store and Secrets Manager clients (through Powertools Parameters), apart
// from `ConfiguredSecrets` so that a function loads them with its first secret read
// (lib/constructs/split-bundling.ts: a chunk of their own), not with its module import.
export { getSecret } from '@aws-lambda-powertools/parameters/secrets';
export { getParameter } from '@aws-lambda-powertools/parameters/ssm';
