import type { BenchResults } from './report.ts';
import { kb, ms, rate, ratio } from './stats.ts';

/**
 * The budget for what a bundle carries besides the AWS SDK (which is bundled, tree-shaken, and
 * weighs about the same ≈430 KB in every function): our code and the libraries we chose (zod,
 * Powertools, …). The activate function carries the disposable email domain list too (about
 * 145 KB, read only by trials; README, "Trial identities"): its own budget, the others 300 KB.
 */
const MAX_OWN_BYTES = 300 * 1024;
const MAX_ACTIVATE_OWN_BYTES = 400 * 1024;
const MAX_INIT_MS = 150;
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
  const { bundles, deployedVariant, deployedWithSourceMaps } = results.bundles;
  const deployed = bundles.filter((bundle) => bundle.deployed);
  const other = bundles.filter((bundle) => !bundle.deployed);
  const otherName = other[0]?.variant ?? 'other';
  const biggest = (of: typeof bundles) => Math.max(...of.map((bundle) => bundle.bytes));
  const withinBudget = (bundle: (typeof bundles)[number]) =>
    bundle.ownBytes <= ownBytesBudget(bundle.entry);
  const slowest = Math.max(...deployed.map((bundle) => bundle.initAsDeployedMs));
  const slowestPlain = (of: typeof bundles) => Math.max(...of.map((bundle) => bundle.initMs));
  const slowestWithMaps = (of: typeof bundles) =>
    Math.max(...of.map((bundle) => bundle.initWithSourceMapsMs ?? Number.NaN));
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
    {
      target: `init ≤ ${MAX_INIT_MS} ms (as deployed${deployedWithSourceMaps ? ', --enable-source-maps' : ''})`,
      measured: `slowest median ${ms(slowest)} ms (${deployedWithSourceMaps ? `plain import ${ms(slowestPlain(deployed))} ms` : `with --enable-source-maps ${ms(slowestWithMaps(deployed))} ms, not deployed`}; ${otherName}: ${ms(slowestPlain(other))} ms)`,
      met: slowest <= MAX_INIT_MS,
    },
    {
      target: '0 errors under load',
      measured: `${load.errors} errors, ${load.non2xx} non-2xx, ${load.timeouts} timeouts; items ${load.items.after} vs ${load.items.expected} expected`,
      met: loadFailures === 0 && load.items.match,
    },
  ];
}
