import { afterAll, beforeAll, expect } from 'vitest';
import { SANDBOX_SECRETS } from '#local/local-stack.ts';
import { captureOutput } from '#test/helpers/captured-output.ts';
import { knownSecrets } from '#test/helpers/secret-registry.ts';

/**
 * Runs around every test file: all log output of the file is captured (and kept off the
 * console), then checked for every license key and OpenRouter token the file's tests saw or the
 * doubles issued, and for the upstream credentials. One leak anywhere fails the file.
 */
let output: ReturnType<typeof captureOutput> | undefined;

beforeAll(() => {
  output = captureOutput();
});

afterAll(() => {
  const logs = output?.text() ?? '';
  output?.restore();
  const leaked = [...knownSecrets(), ...Object.values(SANDBOX_SECRETS)].filter((secret) =>
    logs.includes(secret),
  );
  expect(leaked, 'secrets found in the log output of this file').toEqual([]);
});
