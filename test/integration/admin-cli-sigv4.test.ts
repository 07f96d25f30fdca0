import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../scripts/admin.ts';
import { functionUrlRegion } from '../../scripts/admin-sigv4.ts';

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

/** A stand-in for the admin function URL: records what arrives, answers like the admin API. */
function recordingServer() {
  const seen: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders; body: string }> =
    [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const body = Buffer.concat(chunks).toString('utf8');
      if (body.includes('Action=DescribeStacks')) {
        // CloudFormation's query protocol: the stack and its AdminUrl output (this server).
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>RavnActivate</StackName><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime><Outputs><member><OutputKey>AdminUrl</OutputKey><OutputValue>${url}</OutputValue></member></Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeStacksResponse>`,
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ records: [] }));
    });
  });
  return { server, seen };
}

describe('pnpm admin against a deployed stack: SigV4 with the operator credentials', () => {
  const { server, seen } = recordingServer();
  let url = '';
  const saved = { ...process.env };

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The default credential chain reads the environment first.
    process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });
  afterAll(async () => {
    process.env = saved;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('signs the request for lambda in the given region, over the exact body it sends', async () => {
    // Prepare
    const out: string[] = [];
    const err: string[] = [];

    // Act
    const code = await main(
      [
        'audit',
        'list',
        '--license-key',
        'ABC-123',
        '--url',
        url,
        '--region',
        'eu-west-1',
        '--json',
      ],
      { out: (text) => out.push(text), err: (text) => err.push(text), env: {} },
    );

    // Assess: the signature is SigV4 for lambda in eu-west-1, and re-signing what arrived (same
    // instant) gives the same one, so the body and headers were sent as signed.
    expect([code, err]).toEqual([0, []]);
    const request = seen.at(-1);
    const authorization = String(request?.headers.authorization);
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/lambda\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    expect(authorization).not.toContain('ABC-123');
    const target = new URL(url);
    const amzDate = String(request?.headers['x-amz-date']);
    const signer = new SignatureV4({
      service: 'lambda',
      region: 'eu-west-1',
      credentials: CREDENTIALS,
      sha256: Hash.bind(null, 'sha256'),
    });
    const again = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: target.hostname,
        port: Number(target.port),
        path: request?.url ?? '',
        headers: { host: target.host, 'content-type': 'application/json' },
        body: request?.body,
      },
      {
        signingDate: new Date(
          amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
        ),
      },
    );
    expect(again.headers.authorization).toBe(authorization);
    expect(JSON.parse(request?.body ?? '{}')).toEqual({ licenseKey: 'ABC-123' });
  });

  it('reads the admin URL from the stack outputs with --stack, then signs the command', async () => {
    // Prepare: CloudFormation is this server too.
    process.env.AWS_ENDPOINT_URL_CLOUDFORMATION = url;

    // Act
    const code = await main(
      ['audit', 'list', '--license-key', 'K', '--stack', 'RavnActivate', '--region', 'eu-west-1'],
      { out: () => undefined, err: (text) => expect.fail(text), env: {} },
    );

    // Assess: first the stack's outputs, then the command at the URL they named, signed.
    expect(code).toBe(0);
    const [describe, command] = seen.slice(-2);
    expect(describe?.body).toContain('StackName=RavnActivate');
    expect(command?.url).toBe('/admin/audit/list');
    expect(String(command?.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 .*\/eu-west-1\/lambda\//,
    );
  });

  it('sends the bearer token instead when one is given (the local server)', async () => {
    // Act
    const code = await main(
      ['audit', 'list', '--license-key', 'K', '--url', url, '--token', 't0k'],
      {
        out: () => undefined,
        err: () => undefined,
        env: {},
      },
    );

    // Assess
    expect(code).toBe(0);
    expect(seen.at(-1)?.headers.authorization).toBe('Bearer t0k');
  });

  it('reads the region from a function URL host', () => {
    expect(functionUrlRegion('https://abcdefghij1234.lambda-url.eu-central-1.on.aws/')).toBe(
      'eu-central-1',
    );
    expect(functionUrlRegion('http://127.0.0.1:3000')).toBeUndefined();
  });
});
