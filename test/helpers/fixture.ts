import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/** Whether the tests of a `describe` block (or file) share one fixture or each get their own. */
export type FixtureScope = 'all' | 'each';

export interface Fixture<T extends object> {
  /**
   * Stands in for the fixture the before hook started: every property read goes to the fixture of
   * the running test (methods come bound to it), so test bodies use it as the fixture itself.
   */
  readonly current: T;
  /** Closes the running fixture and starts another in its place; the after hook closes that one. */
  restart(start: () => T | Promise<T>): Promise<void>;
}

/**
 * Registers the hooks that start a fixture before all (or each) of the tests of the enclosing
 * `describe` block or file and close it after them. Call it where the hooks would stand; hooks
 * registered later in the same block run after the start and before the close.
 */
export function useFixture<T extends object>(
  scope: FixtureScope,
  start: () => T | Promise<T>,
  close: (fixture: T) => unknown,
): Fixture<T> {
  let running: T | undefined;
  const begin = async () => {
    running = await start();
  };
  const end = async () => {
    const fixture = running;
    running = undefined;
    if (fixture) await close(fixture);
  };
  if (scope === 'all') {
    beforeAll(begin);
    afterAll(end);
  } else {
    beforeEach(begin);
    afterEach(end);
  }
  const started = (): T => {
    if (!running) throw new Error('a fixture was read outside the tests its hooks start it for');
    return running;
  };
  return {
    current: standIn(started),
    async restart(startAgain) {
      await end();
      running = await startAgain();
    },
  };
}

/**
 * An object that reads every property of `current()` at the time of reading (methods come bound
 * to it): a value a hook provides later, used in test bodies as if it were there already.
 */
export function standIn<T extends object>(current: () => T): T {
  return new Proxy({} as T, {
    get(_standIn, property) {
      const target = current();
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
