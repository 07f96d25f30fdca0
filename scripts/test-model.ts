import { spawnSync } from 'node:child_process';

/**
 * `pnpm test:model -- --runs N --seed S [--path P]`: the model-based test alone, longer or with
 * another seed; `--path` (printed with a failure's seed) replays one counterexample.
 */
const args = process.argv.slice(2).filter((arg) => arg !== '--');
const env: NodeJS.ProcessEnv = { ...process.env };
const names: Record<string, string> = {
  '--runs': 'MODEL_RUNS',
  '--seed': 'MODEL_SEED',
  '--path': 'MODEL_PATH',
};
for (let index = 0; index < args.length; index += 2) {
  const name = names[args[index] ?? ''];
  const value = args[index + 1];
  if (!name || value === undefined) {
    process.stderr.write(`usage: pnpm test:model -- [--runs N] [--seed S] [--path P]\n`);
    process.exit(2);
  }
  env[name] = value;
}
const result = spawnSync('vitest', ['run', 'test/integration/model.test.ts'], {
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
