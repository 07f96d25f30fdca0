import type { BenchResults } from './report.ts';
import { kb, ms, rate, ratio } from './stats.ts';

const MAX_BUNDLE_BYTES = 300 * 1024;
/**
 * The activate function carries the disposable email domain list (about 145 KB, read only by
 * trials; README, "Trial identities"): its own budget, the others keep 300 KB.
 */
const MAX_ACTIVATE_BUNDLE_BYTES = 400 * 1024;
const MAX_INIT_MS = 150;
const MAX_P50_RATIO = 1.3;

/** Issue 6's "Done when" targets, each with the number that decides it. */
export function targets(results: BenchResults) {
  const { bundles, deployedVariant, deployedWithSourceMaps } = results.bundles;
  const deployed = bundles.filter((bundle) => bundle.deployed);
  const other = bundles.filter((bundle) => !bundle.deployed);
  const otherName = other[0]?.variant ?? 'other';
  const biggest = (of: typeof bundles) => Math.max(...of.map((bundle) => bundle.bytes));
  const withinBudget = (bundle: (typeof bundles)[number]) =>
    bundle.bytes <= (bundle.entry === 'activate' ? MAX_ACTIVATE_BUNDLE_BYTES : MAX_BUNDLE_BYTES);
  const slowest = Math.max(
    ...deployed.map((bundle) => bundle.initWithSourceMapsMs ?? bundle.initMs),
  );
  const slowestPlain = (of: typeof bundles) => Math.max(...of.map((bundle) => bundle.initMs));
  const steadyLs = results.patterns.reduce((sum, p) => sum + p.steadyState.lemonSqueezyCalls, 0);
  const steadyValidates = results.patterns.reduce((sum, p) => sum + p.steadyState.validates, 0);
  const load = results.load;
  const loadFailures = load.errors + load.non2xx + load.timeouts;
  const { handlerToGetItem, httpToGetItem } = results.latency.ratios;
  return [
    {
      target: `validate p50 ≤ ${MAX_P50_RATIO}× bare GetItem (handler)`,
      measured: `${ratio(handlerToGetItem)} (HTTP server: ${ratio(httpToGetItem)})`,
      met: handlerToGetItem <= MAX_P50_RATIO,
    },
    {
      target: '0 LemonSqueezy calls per validate in steady state',
      measured: `${steadyLs} calls in ${steadyValidates} steady-state validates; ${results.patterns.map((p) => `${p.name}: ${rate(p.perValidate.lemonSqueezy)}/validate overall`).join(', ')}`,
      met: steadyLs === 0,
    },
    {
      target: 'bundle ≤ 300 KB (as deployed; activate ≤ 400 KB: the disposable-domain list)',
      measured: `largest ${kb(biggest(deployed))} (${biggest(deployed)} B, ${deployedVariant}; ${otherName}: ${kb(biggest(other))})`,
      met: deployed.every(withinBudget),
    },
    {
      target: `init ≤ ${MAX_INIT_MS} ms (as deployed${deployedWithSourceMaps ? ', --enable-source-maps' : ''})`,
      measured: `slowest median ${ms(slowest)} ms (plain import ${ms(slowestPlain(deployed))} ms; ${otherName}: ${ms(slowestPlain(other))} ms)`,
      met: slowest <= MAX_INIT_MS,
    },
    {
      target: '0 errors under load',
      measured: `${load.errors} errors, ${load.non2xx} non-2xx, ${load.timeouts} timeouts; items ${load.items.after} vs ${load.items.expected} expected`,
      met: loadFailures === 0 && load.items.match,
    },
  ];
}
