import { DAY, ManualClock, MINUTE } from '#local/manual-clock.ts';
import { LEMONSQUEEZY_ROUTES, type LemonSqueezyRoute } from '#local/sandbox/lemonsqueezy-double.ts';
import { OPENROUTER_ROUTES, type OpenRouterRoute } from '#local/sandbox/openrouter-double.ts';
import { activateLicense, type BenchLicense, seedSaasLicense } from './seed.ts';
import { ORIGINAL_DESIGN_ENV } from './simulated-day.ts';
import {
  type BenchStack,
  diffCounts,
  startBenchStack,
  sumCounts,
  upstreamCounts,
} from './stack.ts';
import { billedMs, median, summarize } from './stats.ts';
import { timeValidate } from './timing.ts';

/** Rows (d) and (e): validate on a simulated clock, the upstream doubles answering late. */
export interface CadenceOptions {
  licenses: number;
  intervalMinutes: number;
  rounds: number;
  perRound: number;
  /** The OpenRouter and LemonSqueezy doubles answer after this long (0: at once). */
  openRouterDelayMs: number;
  lemonSqueezyDelayMs: number;
  /** Validates measured for the original design (every one pays both delayed upstreams). */
  originalSamples: number;
}

export type Design = 'service' | 'original';

/** The simulated day the cadence rows run on (as in simulated-day.ts). */
const CADENCE_START = new Date('2026-03-10T12:00:00.000Z').getTime();

/**
 * Rows (d) and (e): validate in-process on a ManualClock, each license every `intervalMinutes`
 * of simulated time, while the real clock times each call (wall-clock, like (b)).
 * 1. seed: one activation per instant of the day before, spread evenly, so each license's daily
 *    heartbeat, usage read and status check fall due at its own moment of the measured day;
 * 2. the upstream doubles answer after the configured delays from then on: for the service
 *    (d), every route; for the original design (e), its two calls only (LemonSqueezy's License
 *    API validate, OpenRouter's key GET). Our handlers emulate it with both TTLs at 0
 *    (ORIGINAL_DESIGN_ENV), which also reads the subscription: that third call is answered
 *    without delay, so (e) is not slowed by more than the design's own two calls;
 * 3. rounds of validates interleave with rounds of bare GetItems on the same licenses (order
 *    alternating), for the ratio to GetItem; the simulated clock moves on one step per validate,
 *    so most validates are served from the table and the few due ones pay the upstream calls.
 *    Each validate is counted as reaching an upstream when any double's call count moved.
 */
export async function measureAtCadence(
  dynamoDbEndpoint: string,
  options: CadenceOptions,
  design: Design,
) {
  const original = design === 'original';
  const clock = new ManualClock(new Date(CADENCE_START - DAY));
  const stack = await startBenchStack(dynamoDbEndpoint, {
    clock,
    limits: 'service',
    env: original ? ORIGINAL_DESIGN_ENV : undefined,
  });
  try {
    const renewsAt = new Date(CADENCE_START + 30 * DAY);
    const licenses = Array.from({ length: options.licenses }, (_, index) =>
      seedSaasLicense(stack, index, renewsAt),
    );
    for (const [index, license] of licenses.entries()) {
      const at = CADENCE_START - DAY + Math.floor(((index + 0.5) * DAY) / licenses.length);
      clock.set(new Date(at));
      await activateLicense(stack, license);
    }
    const delayed = delayUpstreams(stack, options, design);

    const intervalMs = options.intervalMinutes * MINUTE;
    const stepMs = intervalMs / licenses.length;
    let step = 0;
    const validateNext = async () => {
      const license = licenses[step % licenses.length] as BenchLicense;
      clock.set(new Date(CADENCE_START + step * stepMs));
      step += 1;
      const before = upstreamCounts(stack);
      const took = await timeValidate(stack, 'handler', license);
      const calls = diffCounts(upstreamCounts(stack), before);
      return { took, calls, reached: Object.values(calls).some((count) => count > 0) };
    };
    let getCursor = 0;
    const getItemNext = () =>
      timeValidate(stack, 'getItem', licenses[getCursor++ % licenses.length] as BenchLicense);

    const rounds = original ? 2 : options.rounds;
    const perRound = original
      ? Math.max(1, Math.ceil(options.originalSamples / rounds))
      : options.perRound;
    // Unrecorded warm-up: this stack's clients, handlers and connections are new.
    const warmUp = original ? Math.min(20, perRound) : Math.min(200, perRound);
    for (let index = 0; index < warmUp; index += 1) {
      await validateNext();
      await getItemNext();
    }
    const firstMeasuredStep = step;
    const validates: Array<Awaited<ReturnType<typeof validateNext>>> = [];
    const getItems: number[] = [];
    const roundRatios: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const roundValidates: number[] = [];
      const roundGets: number[] = [];
      const runValidates = async () => {
        for (let index = 0; index < perRound; index += 1) {
          const sample = await validateNext();
          validates.push(sample);
          roundValidates.push(sample.took);
        }
      };
      const runGets = async () => {
        for (let index = 0; index < perRound; index += 1) roundGets.push(await getItemNext());
      };
      if (round % 2 === 0) {
        await runGets();
        await runValidates();
      } else {
        await runValidates();
        await runGets();
      }
      getItems.push(...roundGets);
      roundRatios.push(median(roundValidates) / median(roundGets));
    }
    const all = validates.map((sample) => sample.took);
    const steady = validates.filter((sample) => !sample.reached).map((sample) => sample.took);
    const reached = validates.filter((sample) => sample.reached).map((sample) => sample.took);
    const calls = validates.reduce(
      (total, sample) => sumCounts(total, sample.calls),
      diffCounts(upstreamCounts(stack), upstreamCounts(stack)),
    );
    const getItem = summarize(getItems);
    const validate = summarize(all);
    return {
      design,
      env: original ? ORIGINAL_DESIGN_ENV : {},
      licenses: licenses.length,
      intervalMinutes: options.intervalMinutes,
      delays: delayed,
      rounds,
      perRound,
      /** Simulated time the measured validates spanned. */
      simulatedMinutes: ((step - firstMeasuredStep) * stepMs) / MINUTE,
      getItem,
      validate,
      ratioToGetItem: validate.p50 / getItem.p50,
      roundRatios,
      /** Validates served from the table alone, and those that reached an upstream. */
      steady: summarize(steady),
      reached: summarize(reached),
      reachedUpstream: reached.length,
      upstreamCalls: calls,
      /** Mean of the per-request durations rounded up to the ms, as Lambda bills them. */
      billedMs: { all: billedMs(all), steady: billedMs(steady), reached: billedMs(reached) },
    };
  } finally {
    await stack.close();
  }
}

export type CadenceResult = Awaited<ReturnType<typeof measureAtCadence>>;

/** Slow faults on the doubles' routes, playing on every request until the stack closes. */
function delayUpstreams(stack: BenchStack, options: CadenceOptions, design: Design) {
  const ls: readonly LemonSqueezyRoute[] =
    design === 'original' ? ['validate'] : LEMONSQUEEZY_ROUTES;
  const or: readonly OpenRouterRoute[] = design === 'original' ? ['get'] : OPENROUTER_ROUTES;
  const slow = (delayMs: number) => ({ kind: 'slow' as const, delayMs });
  if (options.lemonSqueezyDelayMs > 0) {
    for (const route of ls) {
      stack.lemonSqueezy.faults.inject(route, slow(options.lemonSqueezyDelayMs), {
        times: Number.POSITIVE_INFINITY,
      });
    }
  }
  if (options.openRouterDelayMs > 0) {
    for (const route of or) {
      stack.openRouter.faults.inject(route, slow(options.openRouterDelayMs), {
        times: Number.POSITIVE_INFINITY,
      });
    }
  }
  return {
    lemonSqueezyMs: options.lemonSqueezyDelayMs,
    openRouterMs: options.openRouterDelayMs,
    lemonSqueezyRoutes: ls,
    openRouterRoutes: or,
  };
}
