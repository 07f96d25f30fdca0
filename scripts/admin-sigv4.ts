import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** Fixed credentials or a provider of them, as the signer takes them. */
type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

/**
 * The region of a Lambda function URL (`https://<id>.lambda-url.<region>.on.aws/`), which is
 * where its SigV4 signature must be scoped; undefined for any other host.
 */
export function functionUrlRegion(url: string): string | undefined {
  return /^[a-z0-9]+\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(new URL(url).hostname)?.[1];
}

/**
 * Headers that sign a POST to a Lambda function URL with AWS_IAM auth (service `lambda`, SigV4),
 * with the operator's credentials from the default chain (environment, profile, SSO, instance
 * role) unless `credentials` are given. The body's SHA-256 is part of the signature, so the body
 * must be sent exactly as passed here.
 */
export async function signedHeaders(
  url: string,
  body: string,
  region: string,
  credentials?: Credentials,
): Promise<Record<string, string>> {
  const target = new URL(url);
  const signer = new SignatureV4({
    service: 'lambda',
    region,
    credentials: credentials ?? defaultProvider(),
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: target.protocol,
    hostname: target.hostname,
    ...(target.port ? { port: Number(target.port) } : {}),
    path: target.pathname,
    query: Object.fromEntries(target.searchParams),
    headers: { host: target.host, 'content-type': 'application/json' },
    body,
  });
  return signed.headers;
}

/**
 * The admin API's URL from a deployed stack's outputs (`AdminUrl`), read with the operator's
 * credentials: `pnpm admin … --stack RavnActivate --region <region>`.
 */
export async function adminUrlOfStack(stackName: string, region: string): Promise<string> {
  const { CloudFormationClient, DescribeStacksCommand } = await import(
    '@aws-sdk/client-cloudformation'
  );
  const client = new CloudFormationClient({ region });
  const answer = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  const url = answer.Stacks?.[0]?.Outputs?.find((output) => output.OutputKey === 'AdminUrl');
  if (!url?.OutputValue) throw new Error(`stack ${stackName} has no AdminUrl output`);
  return url.OutputValue;
}
