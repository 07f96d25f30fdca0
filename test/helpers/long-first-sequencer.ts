import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take minutes, longest first. Without timings from an earlier run (a clean
 * clone, CI) vitest starts the largest files first, and these are small: started last, the model
 * test alone kept one of the two workers busy for minutes after the other had finished.
 */
const LONG_RUNNING = [
  'test/integration/model.test.ts',
  'test/integration/fault-matrix.test.ts',
  'test/infra/deployed-bundles.test.ts',
];

const rankOf = (spec: TestSpecification) => {
  const rank = LONG_RUNNING.findIndex((path) => spec.moduleId.endsWith(path));
  return rank === -1 ? LONG_RUNNING.length : rank;
};

/** Vitest's own order, with the long-running files moved to the front. */
export class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return sorted
      .map((spec, index) => ({ spec, index }))
      .sort((a, b) => rankOf(a.spec) - rankOf(b.spec) || a.index - b.index)
      .map(({ spec }) => spec);
  }
}
