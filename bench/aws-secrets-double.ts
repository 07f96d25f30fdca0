import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsSecretsDouble {
  /** For `AWS_ENDPOINT_URL_SSM` and `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  url: string;
  /** Requests answered, by X-Amz-Target (`AmazonSSM.GetParameter`, …). */
  calls: Map<string, number>;
  close(): Promise<void>;
}

/**
 * SSM Parameter Store's GetParameter and Secrets Manager's GetSecretValue over their AWS JSON
 * 1.1 protocol, enough for the SDK clients Powertools Parameters builds: the benchmark's cold
 * functions read their secrets through it as they read them in AWS (parameter names and a
 * secret ARN in the environment), so a first request pays for loading and calling those
 * clients as a deployed one does. `parameters` and `secrets` map names (ARNs) to values.
 */
export async function startAwsSecretsDouble(
  parameters: Readonly<Record<string, string>>,
  secrets: Readonly<Record<string, string>>,
): Promise<AwsSecretsDouble> {
  const calls = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      calls.set(target, (calls.get(target) ?? 0) + 1);
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        Name?: string;
        SecretId?: string;
      };
      const reply = answer(target, input);
      res.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(reply.body));
    });
  });
  const answer = (target: string, input: { Name?: string; SecretId?: string }) => {
    if (target === 'AmazonSSM.GetParameter') {
      const value = parameters[input.Name ?? ''];
      if (value === undefined) return notFound('ParameterNotFound');
      const Parameter = { Name: input.Name, Type: 'SecureString', Value: value, Version: 1 };
      return { status: 200, body: { Parameter } };
    }
    if (target === 'secretsmanager.GetSecretValue') {
      const value = secrets[input.SecretId ?? ''];
      if (value === undefined) return notFound('ResourceNotFoundException');
      const body = { ARN: input.SecretId, Name: 'origin', SecretString: value, VersionId: 'v1' };
      return { status: 200, body };
    }
    return notFound('UnknownOperationException');
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function notFound(type: string) {
  return { status: 400, body: { __type: type, message: 'not found' } };
}
