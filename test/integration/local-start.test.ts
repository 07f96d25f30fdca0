import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SECRETS } from '#local/local-stack.ts';
import {
  removeTempDirs,
  runCli,
  type StartedProcess,
  spawnStart,
  tempDir,
} from '#test/helpers/local-start.ts';

interface PrintedCurl {
  url: string;
  body: Record<string, string>;
}

/** Reads the `curl … <url> … -d '<json>'` lines `pnpm start` prints. */
function printedCurls(banner: string): PrintedCurl[] {
  return [...banner.matchAll(/curl -s (\S+) .* -d '(\{.*\})'/g)].map((match) => ({
    url: match[1] ?? '',
    body: JSON.parse(match[2] ?? '{}'),
  }));
}

async function send(curl: PrintedCurl) {
  const response = await fetch(curl.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(curl.body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test asserts the fields it reads.
  return { status: response.status, body: (await response.json()) as any };
}

afterAll(removeTempDirs);

describe('pnpm start', () => {
  const stateFile = join(tempDir('state'), 'server.json');
  let start: StartedProcess;
  /** What it printed until it was ready: the banner. */
  let output = '';

  beforeAll(async () => {
    start = spawnStart({ PORT: '0', LOG_LEVEL: 'DEBUG', RAVN_LOCAL_STATE_FILE: stateFile });
    await start.ready();
    output = start.output();
  });
  afterAll(async () => {
    await start.stop();
  });

  it('prints curls that give a trial, a SaaS activation with a key, a BYOK one without, and a validate', async () => {
    // Prepare
    const curls = printedCurls(output);
    const [trial, saas, byok, validate] = curls;

    // Act
    const trialResult = await send(trial as PrintedCurl);
    const saasResult = await send(saas as PrintedCurl);
    const byokResult = await send(byok as PrintedCurl);
    const validateResult = await send(validate as PrintedCurl);

    // Assess
    expect(curls.map((curl) => new URL(curl.url).pathname)).toEqual([
      '/v1/trial',
      '/v1/activate',
      '/v1/activate',
      '/v1/validate',
    ]);
    expect(trialResult.status).toBe(200);
    expect(trialResult.body.licenseKey).toMatch(/^trial-/);
    expect(saasResult.status).toBe(200);
    expect(saasResult.body.ai_details.token).toMatch(/^sk-or-v1-/);
    expect(byokResult.status).toBe(200);
    expect(byokResult.body.ai_details).toBeUndefined();
    expect(validateResult.status).toBe(200);
    expect(validateResult.body.ai_details.token).toBe(saasResult.body.ai_details.token);

    // The process's own logs hold no token, license key or sandbox secret.
    const logs = start.output().slice(output.length);
    expect(logs).toContain('"message":"request"');
    for (const secret of [
      trialResult.body.licenseKey,
      trialResult.body.ai_details.token,
      saasResult.body.ai_details.token,
      saasResult.body.licenseKey,
      byokResult.body.licenseKey,
      ...Object.values(SANDBOX_SECRETS),
    ]) {
      expect(logs).not.toContain(secret);
    }
  });

  it('prints the admin URL and token, which `pnpm admin` (a child process) uses', async () => {
    // Prepare
    const exported = /export RAVN_ADMIN_URL=(\S+) RAVN_ADMIN_TOKEN=([0-9a-f]{64})/.exec(output);
    const [, , saas] = printedCurls(output);
    const licenseKey = saas?.body.licenseKey ?? '';
    await send(saas as PrintedCurl);

    // Act
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/admin.ts',
        'license',
        'show',
        '--license-key',
        licenseKey,
        '--json',
      ],
      { env: { ...process.env, RAVN_ADMIN_URL: exported?.[1], RAVN_ADMIN_TOKEN: exported?.[2] } },
    );
    const refused = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/admin.ts', 'license', 'show', '--license-key', licenseKey],
      { env: { ...process.env, RAVN_ADMIN_URL: exported?.[1], RAVN_ADMIN_TOKEN: 'wrong' } },
    ).catch((error: { code: number; stderr: string }) => error);

    // Assess
    expect(exported).not.toBeNull();
    const shown = JSON.parse(stdout);
    expect(shown.licenses[0].access).toBe('usable');
    expect(stdout).not.toContain(licenseKey);
    expect(refused).toMatchObject({ code: 1 });
    expect((refused as { stderr: string }).stderr).toContain('UNAUTHENTICATED');
  });

  it('keeps EMF metric lines off the console, so the request log reads on its own', async () => {
    // Prepare
    const before = start.output().length;

    // Act: a new trial, which records metrics.
    const [trial] = printedCurls(output) as [PrintedCurl];
    const device = randomBytes(32).toString('hex');
    const body = { ...trial.body, instanceName: device, email: 'metrics@example.com' };
    const result = await send({ url: trial.url, body });
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Assess
    const after = start.output().slice(before);
    expect(result.status).toBe(200);
    expect(after).toContain('"message":"request"');
    expect(after).not.toContain('CloudWatchMetrics');
    expect(output).toContain('POWERTOOLS_METRICS_DISABLED=false prints their EMF lines');
  });

  it("runs the README's tour: webhook:send on a sandbox key, then pnpm admin still finds the license by key and by its customer", async () => {
    // Prepare: the BYOK key (the SaaS one serves the tests above), its customer as seeded.
    const licenseKey = /\(byok\): (\S+)/.exec(output)?.[1] ?? '';
    const email = 'byok_lifetime.lifetime@sandbox.example';
    // No URL, port or token: the CLIs find the server through its state file.
    const env = { RAVN_LOCAL_STATE_FILE: stateFile, RAVN_ADMIN_URL: '', RAVN_ADMIN_TOKEN: '' };

    // Act: the commands README "A five-minute tour" and the banner give.
    const sent = await runCli(
      'webhook-send.ts',
      [
        'license_key_updated',
        '--license-key',
        licenseKey,
        '--set',
        'data.attributes.status=disabled',
      ],
      env,
    );
    const byKey = await runCli(
      'admin.ts',
      ['license', 'show', '--license-key', licenseKey, '--json'],
      env,
    );
    const byEmail = await runCli('admin.ts', ['license', 'show', '--email', email, '--json'], env);

    // Assess: the event reached the sandbox license and left its customer as LemonSqueezy has it.
    expect(sent).toMatchObject({ code: 0, stdout: '200 {"received":true,"outcome":"applied"}\n' });
    expect(byKey.code).toBe(0);
    const [shown] = JSON.parse(byKey.stdout).licenses;
    expect(shown).toMatchObject({
      status: 'disabled',
      customer: { name: 'Sandy Box', email },
    });
    // The sandbox license's own ids, not the fixture's.
    expect(shown.provider.licenseId).not.toBe(481516);
    expect(shown.provider.orderId).not.toBe(3456789);
    expect(byEmail.code).toBe(0);
    expect(JSON.parse(byEmail.stdout).licenses.map((l: { license: string }) => l.license)).toEqual([
      shown.license,
    ]);
  });
});

describe('pnpm start with POWERTOOLS_METRICS_DISABLED=false', () => {
  it('says so in its banner and prints the EMF lines of each request', async () => {
    // Prepare
    const start = spawnStart({ PORT: '0', POWERTOOLS_METRICS_DISABLED: 'false' });
    await start.ready();
    const [trial] = printedCurls(start.output());

    // Act
    await send(trial as PrintedCurl);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await start.stop();

    // Assess
    expect(start.output()).toContain('Metrics:        EMF lines on stdout');
    expect(start.output()).toContain('"CloudWatchMetrics"');
  });
});
