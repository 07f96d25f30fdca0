import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { HOUR } from '#local/manual-clock.ts';
import { activateLicense, seedSaasLicense } from './seed.ts';
import { invoke, startBenchStack } from './stack.ts';

/**
 * `pnpm bench:path`: which of the project's source files one steady-state validate runs code in
 * (license activated, status and usage fresh: no upstream call), from V8's precise coverage of
 * the validate handler's call alone. It answers "how many files does a validate walk through"
 * from what ran, not from reading imports. Files under lambda/local/ (the sandbox doubles) and
 * outside lambda/ (this script) are left out.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const dynamo = await startDynamoDbLocal();
const stack = await startBenchStack(dynamo.endpoint);
try {
  const license = seedSaasLicense(stack, 1, new Date(Date.now() + 24 * HOUR));
  await activateLicense(stack, license);
  const body = { licenseKey: license.key, instanceName: license.device };
  // Two warm-up validates: every lazy module and cache is in place before the measured one.
  for (let round = 0; round < 2; round += 1) await invoke(stack.validate, '/v1/validate', body);

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
  await session.post('Profiler.takePreciseCoverage'); // resets the counters
  const answer = await invoke(stack.validate, '/v1/validate', body);
  const { result } = await session.post('Profiler.takePreciseCoverage');
  await session.post('Profiler.stopPreciseCoverage');
  session.disconnect();
  if (answer.status !== 200) throw new Error(`validate answered ${answer.status}`);

  const files = new Set<string>();
  for (const script of result) {
    if (!script.url.startsWith('file://')) continue;
    const path = relative(root, fileURLToPath(script.url));
    if (!path.startsWith('lambda/') || path.startsWith('lambda/local/')) continue;
    if (script.functions.some((fn) => fn.ranges.some((range) => range.count > 0))) files.add(path);
  }
  const sorted = [...files].sort();
  console.log(`One steady-state validate ran code in ${sorted.length} source files:`);
  for (const file of sorted) console.log(`  ${file}`);
} finally {
  await stack.close();
  await dynamo.stop();
}
