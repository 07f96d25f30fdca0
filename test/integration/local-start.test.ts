import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SECRETS } from '#local/local-stack.ts';

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

describe('pnpm start', () => {
  let child: ChildProcess;
  let output = '';

  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'lambda/local/start.ts'], {
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'DEBUG' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (output.includes('Ctrl-C stops everything.')) {
          clearInterval(timer);
          resolve();
        }
        if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`pnpm start exited: ${output}`));
        }
      }, 100);
    });
  });
  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
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
    const logs = output.slice(output.indexOf('Ctrl-C stops everything.'));
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
});
