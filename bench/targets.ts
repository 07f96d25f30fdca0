import type { BundleResult } from './bundles.ts';
import type { FirstAnswerResult } from './first-answer.ts';
import type { BenchResults } from './results.ts';
import { kb, ms, rate, ratio } from './stats.ts';

/**
 * The budget for what a bundle carries besides the AWS SDK (which is bundled, tree-shaken, and
 * weighs about the same ≈436 KB in every function): our code and the libraries we chose (zod,
 * Powertools, …). The activate function carries the disposable email domain list too (about 145 KB,
 * read only by trials; docs/license-lifecycle.md, "Trial identities"): its own budget, the others
 * 300 KB.
 */
const MAX_OWN_BYTES = 300 * 1024;
const MAX_ACTIVATE_OWN_BYTES = 400 * 1024;
/** Issue 24: each API function's cold import over the floor bundle's, timed in the same runs. */
const MAX_INIT_RATIO = 1.3;
/** The functions behind the API, whose cold starts a client waits for. */
const API_ENTRIES = ['activate', 'validate', 'webhook'];
/** Issue 6's absolute figure: met on one machine, missed on another; shown, no longer decided on. */
const INIT_MS_FIGURE = 150;
/**
 * The first answer's ratio to the floor's (cold import + first validate against cold import +
 * first GetItem) before issue 24's work, which may not get worse: moving work from the import
 * into the first request that needs it is no gain. Measured as the bench measures it, the
 * validate bundle of 35b63c7 as it was deployed (one file) against this floor bundle (split, as
 * deployed now), 31 interleaved pairs on 2 cores, load average 1.7: 151.8 ms against 69.7 ms,
 * 2.18× (CPU time 2.08×). Against the one-file floor of 35b63c7 the same run gave 1.92×.
 */
export const BASE_FIRST_ANSWER_RATIO = 2.18;
const MAX_P50_RATIO = 1.3;
/** Issue 15: upstream calls and writes per validate, and the all-in cost of 1 M validates. */
const MAX_OPENROUTER_PER_VALIDATE = 0.1;
const MAX_WRITES_PER_VALIDATE = 0.1;

/** The own-code budget of the function built from `lambda/handlers/<entry>.ts`. */
export function ownBytesBudget(entry: string): number {
  return entry === 'activate' ? MAX_ACTIVATE_OWN_BYTES : MAX_OWN_BYTES;
}

/** Issue 6's "Done when" targets, each with the number that decides it. */
export function targets(results: BenchResults) {
  const { bundles, deployedVariant } = results.bundles;
  const deployed = bundles.filter((bundle) => bundle.deployed);
  const other = bundles.filter((bundle) => !bundle.deployed);
  const otherName = other[0]?.variant ?? 'other';
  const biggest = (of: typeof bundles) => Math.max(...of.map((bundle) => bundle.bytes));
  const withinBudget = (bundle: (typeof bundles)[number]) =>
    bundle.ownBytes <= ownBytesBudget(bundle.entry);
  const steadyLs = results.patterns.reduce((sum, p) => sum + p.steadyState.lemonSqueezyCalls, 0);
  const steadyValidates = results.patterns.reduce((sum, p) => sum + p.steadyState.validates, 0);
  const load = results.load;
  const loadFailures = load.errors + load.non2xx + load.timeouts;
  const { handlerToGetItem, httpToGetItem } = results.latency.ratios;
  const cadence = results.latency.cadence;
  // Issue 15's rows: pattern A (every 10 min) decides, C (hourly, the shipped client) is shown.
  const patternsAC = results.patterns.filter((p) => p.name === 'A' || p.name === 'C');
  const perValidate = (pick: (p: (typeof patternsAC)[number]) => number) =>
    patternsAC.map((p) => `${p.name}: ${rate(pick(p))}`).join('; ');
  const patternA = results.patterns.find((p) => p.name === 'A');
  const costA = results.cost.breakdowns.find((b) => b.name === 'A');
  return [
    {
      target: `validate p50 ≤ ${MAX_P50_RATIO}× bare GetItem (handler, at the ${cadence.intervalMinutes}-minute cadence, upstreams +${cadence.delays.openRouterMs}/${cadence.delays.lemonSqueezyMs} ms)`,
      measured: `${ratio(cadence.ratioToGetItem)} at the ${cadence.intervalMinutes}-minute cadence (${cadence.reachedUpstream} of ${cadence.validate.count} reached an upstream); fresh cache ${ratio(handlerToGetItem)} (HTTP server: ${ratio(httpToGetItem)})`,
      met: cadence.ratioToGetItem <= MAX_P50_RATIO,
    },
    {
      target: `≤ ${MAX_OPENROUTER_PER_VALIDATE} OpenRouter calls per validate (A: every 10 min; C: hourly)`,
      measured: perValidate((p) => p.perValidate.openRouter),
      met:
        patternsAC.length > 0 &&
        patternsAC.every((p) => p.perValidate.openRouter <= MAX_OPENROUTER_PER_VALIDATE),
    },
    {
      target: `≤ ${MAX_WRITES_PER_VALIDATE} DynamoDB writes per validate (A; C)`,
      measured: `${perValidate((p) => p.perValidate.dynamoDbWrites)} (measured; original design ${rate(results.originalDesign.perValidate.dynamoDbWrites)})`,
      met:
        patternsAC.length > 0 &&
        patternsAC.every((p) => p.perValidate.dynamoDbWrites <= MAX_WRITES_PER_VALIDATE),
    },
    {
      target: `cost ≤ $${results.cost.target.toFixed(2)} per 1M validates (pattern A, all-in with CloudFront)`,
      measured: costA
        ? `$${costA.perMillion.total.toFixed(4)} (${patternA ? `${rate(patternA.perValidate.writeUnits)} WRU/validate` : ''}; original design $${(results.cost.breakdowns.find((b) => b.name === 'original')?.perMillion.total ?? Number.NaN).toFixed(4)})`
        : 'n/a',
      met: costA !== undefined && costA.perMillion.total <= results.cost.target,
    },
    {
      target: '0 LemonSqueezy calls per validate in steady state',
      measured: `${steadyLs} calls in ${steadyValidates} steady-state validates; ${results.patterns.map((p) => `${p.name}: ${rate(p.perValidate.lemonSqueezy)}/validate overall`).join(', ')}`,
      met: steadyLs === 0,
    },
    {
      target:
        'bundle without the AWS SDK ≤ 300 KB (as deployed; activate ≤ 400 KB: the disposable-domain list)',
      // Each function's own code, then its whole bundle (the SDK included when deployed so).
      measured: `${deployed.map((b) => `${b.entry} ${kb(b.ownBytes)} (whole ${kb(b.bytes)})`).join(', ')}; ${deployedVariant}; largest ${otherName} bundle ${kb(biggest(other))}`,
      met: deployed.every(withinBudget),
    },
    ...coldStartRows(results.bundles, results.firstAnswer),
    {
      target: '0 errors under load',
      measured: `${load.errors} errors, ${load.non2xx} non-2xx, ${load.timeouts} timeouts; items ${load.items.after} vs ${load.items.expected} expected`,
      met: loadFailures === 0 && load.items.match,
    },
  ];
}

/**
 * Issue 24's cold-start rows: the API functions' cold imports against the floor bundle's, and
 * what a client waits for on a cold function (import + first answer) against the floor's.
 */
export function coldStartRows(bundles: BundleResult, firstAnswer: FirstAnswerResult) {
  const { floor, deployedWithSourceMaps } = bundles;
  const api = bundles.bundles.filter((b) => b.deployed && API_ENTRIES.includes(b.entry));
  const initRatio = (b: (typeof api)[number]) => b.initAsDeployedMs / floor.initMs;
  const worst = Math.max(...api.map(initRatio));
  const slowest = Math.max(...api.map((b) => b.initAsDeployedMs));
  const other = bundles.bundles.filter((b) => !b.deployed);
  const slowestOther = Math.max(...other.map((b) => b.initMs));
  const { floor: f, validate: v } = firstAnswer;
  const spread = `${ratio(Math.min(...firstAnswer.runRatios))}–${ratio(Math.max(...firstAnswer.runRatios))}`;
  return [
    {
      target: `init ≤ ${MAX_INIT_RATIO}× the floor bundle's (cold import() median, ${API_ENTRIES.join(', ')} as deployed${deployedWithSourceMaps ? ', --enable-source-maps' : ''}, same runs)`,
      measured: `${api.map((b) => `${b.entry} ${ratio(initRatio(b))}`).join(', ')} of the floor's ${ms(floor.initMs)} ms; absolute, for information: slowest ${ms(slowest)} ms (issue 6's figure ${INIT_MS_FIGURE} ms; sdk-external slowest ${ms(slowestOther)} ms)`,
      met: api.length === API_ENTRIES.length && worst <= MAX_INIT_RATIO,
    },
    {
      target: `first answer (cold import + first validate) no worse than before issue 24 (${ratio(BASE_FIRST_ANSWER_RATIO)} the floor's cold import + first GetItem)`,
      measured: `${ratio(firstAnswer.ratio)}: validate ${ms(v.importMs)} + ${ms(v.firstMs)} ms, floor ${ms(f.importMs)} + ${ms(f.firstMs)} ms (medians of ${firstAnswer.runs}; pair by pair ${spread})`,
      met: firstAnswer.ratio <= BASE_FIRST_ANSWER_RATIO,
    },
  ];
}
