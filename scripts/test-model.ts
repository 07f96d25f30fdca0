import { spawnSync } from 'node:child_process';
import { parseCommandLine } from './cli-args.ts';

/**
 * `pnpm test:model -- --runs N --seed S [--path P]`: the model-based test alone, longer or with
 * another seed; `--path` (printed with a failure's seed) replays one counterexample.
 */
const parsed = parseCommandLine(process.argv.slice(2), {
  name: 'pnpm test:model',
  usage: `usage: pnpm test:model -- [--runs N] [--seed S] [--path P]
       pnpm test:model -- --help

Runs test/integration/model.test.ts alone (it sets MODEL_RUNS, MODEL_SEED, MODEL_PATH):
  --runs N   how many command sequences to try
  --seed S   the seed to generate them from (a failure prints its seed)
  --path P   replay one counterexample (a failure prints its path)`,
  options: {
    runs: { type: 'string' },
    seed: { type: 'string' },
    path: { type: 'string' },
  },
});
if (parsed.exit !== undefined) {
  (parsed.exit === 0 ? process.stdout : process.stderr).write(parsed.text);
  process.exit(parsed.exit);
}
const { runs, seed, path } = parsed.values;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  ...(runs === undefined ? {} : { MODEL_RUNS: runs }),
  ...(seed === undefined ? {} : { MODEL_SEED: seed }),
  ...(path === undefined ? {} : { MODEL_PATH: path }),
};
const result = spawnSync('vitest', ['run', 'test/integration/model.test.ts'], {
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
