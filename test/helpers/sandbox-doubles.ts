import { useFixture } from '#test/helpers/fixture.ts';
import { ManualClock } from '#test/helpers/manual-clock.ts';

/** What the sandbox doubles have in common here: they serve until closed. */
interface Closable {
  close(): Promise<void>;
}

/** A double that `start` starts before each test, on the real clock, closed after the test. */
export function useDouble<Double extends Closable>(start: () => Promise<Double>): Double {
  return useFixture('each', start, (double) => double.close()).current;
}

export interface DoubleOnClock<Double> {
  /** The running test's double (a stand-in that reads it). */
  double: Double;
  /** The double's clock, back at the start time before each test. */
  clock: ManualClock;
  /** Closes this test's double and starts another on the same clock, closed after the test. */
  restart(start: (now: () => Date) => Promise<Double>): Promise<void>;
}

/**
 * A double that `start` starts before each test on a clock the test moves, set to `startAt`
 * first, and closes after the test.
 */
export function useDoubleOnClock<Double extends Closable>(
  startAt: string,
  start: (now: () => Date) => Promise<Double>,
): DoubleOnClock<Double> {
  const clock = new ManualClock(startAt);
  const now = () => clock.now();
  const fixture = useFixture(
    'each',
    () => {
      clock.set(startAt);
      return start(now);
    },
    (double) => double.close(),
  );
  return {
    double: fixture.current,
    clock,
    restart: (startAgain) => fixture.restart(() => startAgain(now)),
  };
}
