import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '#local/dynamodb-local.ts';
import { removeTempDirs, runCli } from '#test/helpers/local-start.ts';

// Every CLI in package.json's scripts that takes arguments, with its script and a usage line.
const CLIS = [
  { name: 'pnpm admin', script: 'admin.ts', usage: 'usage: pnpm admin <command>' },
  { name: 'pnpm signing-key', script: 'signing-key.ts', usage: 'usage: pnpm signing-key' },
  { name: 'pnpm webhook:send', script: 'webhook-send.ts', usage: 'usage: pnpm webhook:send' },
  { name: 'pnpm test:model', script: 'test-model.ts', usage: 'usage: pnpm test:model' },
  { name: 'pnpm openapi', script: 'openapi.ts', usage: 'usage: pnpm openapi' },
] as const;

describe('the CLIs in scripts/', () => {
  afterAll(removeTempDirs);

  it.each(CLIS)('$name --help, -h and help print the usage and exit 0', async (cli) => {
    // Act
    const runs = await Promise.all([
      runCli(cli.script, ['--help']),
      runCli(cli.script, ['-h']),
      runCli(cli.script, ['help']),
    ]);

    // Assess
    for (const run of runs) {
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toContain(cli.usage);
    }
  });

  it.each(CLIS)('$name refuses an unknown flag with exit 2, naming it and --help', async (cli) => {
    // Act
    const run = await runCli(cli.script, ['--dryrun']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `${cli.name}: unknown option '--dryrun' (${cli.name} --help shows the usage)\n`,
    );
  });

  it.each([
    ['admin.ts', ['licence', 'show'], "pnpm admin: unknown command 'licence show'"],
    ['signing-key.ts', ['rotat', '--param', '/p'], "pnpm signing-key: unknown command 'rotat'"],
  ])('%s refuses an unknown command with exit 2', async (script, args, message) => {
    // Act
    const run = await runCli(script, args);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${message} (${message.split(':')[0]} --help shows the usage)\n`);
  });

  it('pnpm admin lists its subcommands in its usage', async () => {
    // Act
    const run = await runCli('admin.ts', ['help']);

    // Assess
    for (const command of ['license show', 'key rotate', 'trial reset', 'audit list']) {
      expect(run.stdout).toContain(command);
    }
  });

  it('pnpm signing-key with a mistyped --dry-run stops before it reads or writes SSM', async () => {
    // Prepare: an SSM endpoint that records whatever reaches it.
    const seen: string[] = [];
    const ssm = createServer((request, response) => {
      seen.push(String(request.headers['x-amz-target']));
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end('{"__type":"ParameterNotFound","message":"not here"}');
    });
    await new Promise<void>((resolve) => ssm.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(ssm.address() as AddressInfo).port}`;

    // Act
    const run = await runCli('signing-key.ts', ['rotate', '--param', '/ravn/test', '--dryrun'], {
      AWS_ENDPOINT_URL_SSM: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    await new Promise<void>((resolve) => ssm.close(() => resolve()));

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--dryrun'");
    expect(seen).toEqual([]);
  });

  it('pnpm webhook:send names the known fixtures when given an unknown one (exit 2)', async () => {
    // Act
    const run = await runCli('webhook-send.ts', ['license_key_updatd']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^pnpm webhook:send: no fixture 'license_key_updatd'; known: /);
    expect(run.stderr).toContain('license_key_updated, order_refunded');
    expect(run.stderr).not.toContain('ENOENT');
  });

  it('pnpm webhook:send and pnpm admin say how to start the local server when none answers', async () => {
    // Prepare: a port nothing listens on, and no running server noted.
    const port = await findFreePort();

    // Act
    const webhook = await runCli('webhook-send.ts', ['license_key_updated'], {
      PORT: String(port),
    });
    const admin = await runCli('admin.ts', ['license', 'show', '--license-key', 'K'], {
      RAVN_ADMIN_URL: `http://localhost:${port}`,
      RAVN_ADMIN_TOKEN: 'token',
    });

    // Assess
    const hint = `no local server at http://localhost:${port} — start it with pnpm start\n`;
    expect(webhook).toMatchObject({ code: 1, stderr: hint });
    expect(admin).toMatchObject({ code: 1, stderr: hint });
  });
});
