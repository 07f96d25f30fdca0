import { BUNDLE_TARGET } from '../lib/constructs/service-function.ts';
import { bundlesTable, firstAnswerText } from './bundles-report.ts';
import { costTable, sweepTable, sweepText } from './cost-report.ts';
import type { CadenceResult } from './latency.ts';
import type { BenchResults } from './results.ts';
import type { PatternResult } from './simulated-day.ts';
import { markdownTable, ms, rate, ratio, type Summary } from './stats.ts';
import { targets } from './targets.ts';

/** The charts `writeCharts` draws next to results.md. */
export const CHART_LINKS = [
  '![Latency: validate against a bare GetItem, at both cadences and in the original design](latency.svg)',
  '![Upstream calls and DynamoDB writes per validate against the original design](upstream-calls.svg)',
  '![Cost per 1 M validates, by part, against the original design](cost.svg)',
];

const latencyRow = (name: string, s: Summary, floor?: number, original?: number) => [
  name,
  String(s.count),
  ms(s.p50),
  ms(s.p95),
  ms(s.p99),
  ms(s.mean),
  floor === undefined ? '' : ratio(s.p50 / floor),
  original === undefined || s.count === 0 ? '' : ratio(original / s.p50),
];

const delaysOf = (c: CadenceResult) =>
  `LemonSqueezy +${c.delays.lemonSqueezyMs} ms, OpenRouter +${c.delays.openRouterMs} ms`;

export function renderMarkdown(results: BenchResults): string {
  const { meta, latency, patterns, load, bundles, cost } = results;
  const floor = latency.validate.getItem.p50;
  const { cadence, originalDesign } = latency;
  const originalP50 = originalDesign.validate.p50;
  const sections = [
    '# ravn-activate benchmark',
    '',
    `\`${meta.command}\` — ${meta.quick ? 'QUICK smoke run (small sizes)' : 'full run'}, ${meta.startedAt} → ${meta.finishedAt}, Node ${meta.node}, ${meta.cpus}, load average at start ${meta.loadAverageAtStart.map((v) => v.toFixed(2)).join(' / ')}. Everything runs on one machine: DynamoDB Local (Java), the sandbox LemonSqueezy/OpenRouter doubles and the handlers share its cores, so absolute times are this machine's, not AWS's.`,
    '',
    ...CHART_LINKS.flatMap((link) => [link, '']),
    '## Targets (issues 6, 15 and 24)',
    '',
    markdownTable(
      ['Target', 'Measured', 'Met'],
      targets(results).map((t) => [t.target, t.measured, t.met ? 'met' : '**not met**']),
    ),
    '',
    `## 1. Latency, warm, real clock (ms; ${latency.rounds} interleaved rounds × ${latency.perRound} per validate mode, ${latency.licenses} activated SaaS licenses round-robin)`,
    '',
    markdownTable(
      [
        'Request',
        'n',
        'p50',
        'p95',
        'p99',
        'mean',
        'p50 / GetItem p50',
        'original design (e): its p50 ÷ this p50',
      ],
      [
        latencyRow('(a) bare GetItem, ConsistentRead (floor)', latency.validate.getItem, floor),
        latencyRow(
          '(b) validate, handler in-process, fresh cache',
          latency.validate.handler,
          floor,
          originalP50,
        ),
        latencyRow(
          '(c) validate, local HTTP server (keep-alive)',
          latency.validate.http,
          floor,
          originalP50,
        ),
        latencyRow(
          `(d) validate at the ${cadence.intervalMinutes}-minute cadence (usage due daily), handler in-process; ${cadence.reachedUpstream} of ${cadence.validate.count} reached an upstream`,
          cadence.validate,
          cadence.getItem.p50,
          originalP50,
        ),
        latencyRow('… (d) served from the table', cadence.steady, cadence.getItem.p50, originalP50),
        latencyRow(
          '… (d) reached an upstream (due)',
          cadence.reached,
          cadence.getItem.p50,
          originalP50,
        ),
        latencyRow(
          '(e) original design: every validate asks LemonSqueezy and reads OpenRouter usage',
          originalDesign.validate,
          originalDesign.getItem.p50,
          originalP50,
        ),
        latencyRow('activate, fresh license (HTTP)', latency.flows.activateFresh),
        latencyRow('activate, idempotent, active device (HTTP)', latency.flows.activateIdempotent),
        latencyRow('trial (HTTP)', latency.flows.trial),
      ],
    ),
    '',
    `Per-round p50 ratios to GetItem (the spread is this shared machine's noise): handler ${spread(latency.roundRatios.map((r) => r.handlerToGetItem))}, HTTP ${spread(latency.roundRatios.map((r) => r.httpToGetItem))}, (d) ${spread(cadence.roundRatios)}. Upstream calls during the (a)–(c) rounds: ${JSON.stringify(latency.upstreamCallsDuringValidate)}. License item: ${latency.licenseItemBytes} B.`,
    '',
    `(d) and (e) run on a ManualClock, each on its own stack with the service's limits: ${cadence.licenses} licenses activated at evenly spread instants of the day before (so each one's daily heartbeat, usage read and status check fall due at its own moment), then validated round-robin, each every ${cadence.intervalMinutes} simulated minutes (${cadence.simulatedMinutes.toFixed(0)} simulated minutes measured for (d)); the time is the real wall clock of the in-process handler call. The sandbox doubles answer late: (d) ${delaysOf(cadence)} on every route (BENCH_LEMONSQUEEZY_DELAY_MS, BENCH_OPENROUTER_DELAY_MS); (e) the same delays on the original design's two calls, LemonSqueezy's License API validate and OpenRouter's key GET (our handlers with both TTLs at 0 also read the subscription, answered without delay). Their ratios are to the bare GetItems interleaved with them on their own stack: p50 ${ms(cadence.getItem.p50)} ms for (d), ${ms(originalDesign.getItem.p50)} ms for (e). Upstream calls during (d): ${JSON.stringify(cadence.upstreamCalls)}; during (e): ${JSON.stringify(originalDesign.upstreamCalls)}. Billed duration (mean of each call rounded up to the ms): (d) served from the table ${ms(cadence.billedMs.steady)} ms, (d) due ones ${ms(cadence.billedMs.reached)} ms, (e) ${ms(originalDesign.billedMs.all)} ms.`,
    '',
    '## 2. Upstream calls per validate (simulated time, ManualClock, handler in-process)',
    '',
    patternTable(patterns, results.originalDesign),
    '',
    `Steady state = validates whose stored status is younger than the 24 h TTL and whose key period has not ended (predicted from the seeded schedule; measured apart from the due ones). DynamoDB requests and capacity units are measured: a counting proxy (DynamoDbMeter) between the service and DynamoDB Local counts every read and write by operation, conditional writes refused by their condition included, and the capacity units DynamoDB Local reports consumed. The original design's column is pattern A (every ${results.originalDesign.intervalSeconds} s) with both TTLs at 0 (ORIGINAL_DESIGN_ENV), a smaller run (${results.originalDesign.licenses} licenses for ${results.originalDesign.simulatedHours} h): every validate asks LemonSqueezy (License API validate, and the subscription: the original design asked only the former) and reads the key's usage at OpenRouter; its writes include the LemonSqueezy budget counter's.`,
    '',
    `## 3. Load: autocannon, ${load.connections} connections, ${load.requests} requests, mixed (HTTP)`,
    '',
    markdownTable(
      ['req/s', 'p50 ms', 'p97.5 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'timeouts'],
      [
        [
          load.throughput.toFixed(0),
          String(load.latency.p50),
          String(load.latency.p97_5),
          String(load.latency.p99),
          String(load.latency.max),
          String(load.non2xx),
          String(load.errors),
          String(load.timeouts),
        ],
      ],
    ),
    '',
    `Mix sent: ${JSON.stringify(load.sent)}; answered 200: ${JSON.stringify(load.ok)}${Object.keys(load.failed).length ? `; failures: ${JSON.stringify(load.failed)}` : ''}. Table items: ${load.items.before} before, ${load.items.after} after, ${load.items.expected} expected (before + ${load.items.perTrial} per trial) → ${load.items.match ? 'match' : '**mismatch**'}. ${load.completed} responses in ${load.durationSeconds.toFixed(1)} s.`,
    '',
    `## 4. Bundles (esbuild as deployed: ESM, minified, ${BUNDLE_TARGET}, the \`http\` alias, split into index.mjs and chunks) and cold import (median of ${bundles.runs} fresh processes)`,
    '',
    bundlesTable(bundles),
    '',
    `Deployed build read from lib/constructs/service-function.ts: ${bundles.deployedVariant}${bundles.deployedWithSourceMaps ? ', NODE_OPTIONS=--enable-source-maps' : ', no --enable-source-maps (the maps are written beside the files and not read; the column shows what reading them would cost)'}. "Bytes" is index.mjs and every chunk; "at import" what the cold import reads (index.mjs and the chunks it imports statically); the other chunks load with the first request that needs them (lib/constructs/split-bundling.ts). "not the AWS SDK" is what esbuild's metafile puts in the bundle from outside @aws-sdk, @smithy, @aws-crypto, @aws and bowser: our code, zod, Powertools, the disposable-domain list. With the SDK external, import() includes loading @aws-sdk/* from node_modules (as Lambda would load the runtime's copy). Runs are interleaved across bundles, the floor bundle (bench/floor-handler.ts: a DocumentClient and one GetItem, built as deployed) in every run; "process ms" is the whole fresh process (Node start + import).`,
    '',
    firstAnswerText(results.firstAnswer),
    '',
    '## 5. Cost per 1 M validates on AWS, on paper',
    '',
    costTable(cost),
    '',
    ...cost.lines.map((line) => `- ${line}`),
    '',
    `Assumptions: list prices ${cost.prices.region}, as of ${cost.prices.asOf}; Lambda arm64 ${cost.prices.memoryMb} MB (as deployed); durations are this machine's, on DynamoDB Local, whose GetItem (${ms(floor)} ms p50 here) is faster than DynamoDB's ~2–5 ms in AWS (see the AWS line above and the sweep below).`,
    '',
    '### Lambda memory sweep, on paper (arm64, per 1 M validates)',
    '',
    sweepTable(cost),
    '',
    sweepText(cost),
    '',
  ];
  return sections.join('\n');
}

const spread = (values: number[]) => `${ratio(Math.min(...values))}–${ratio(Math.max(...values))}`;

const describePattern = (p: PatternResult) =>
  `${p.licenses} licenses every ${p.intervalSeconds} s for ${p.simulatedHours} h${p.probes.sent > 0 ? ', GET probe first' : ''}`;

function patternTable(patterns: PatternResult[], original: PatternResult): string {
  const header = [
    'per validate',
    ...patterns.map((p) => `${p.name}: ${describePattern(p)}`),
    `original design, emulated (measured): pattern A with TTLs 0, ${describePattern(original)}`,
  ];
  // Every figure of the original design's column is measured like the others, except where the
  // design itself says otherwise (it made one LemonSqueezy call, our emulation two).
  const row = (name: string, pick: (p: PatternResult) => string, design?: string) => [
    name,
    ...patterns.map(pick),
    design === undefined ? pick(original) : `${pick(original)} (the design: ${design})`,
  ];
  const per = (key: keyof PatternResult['perValidate']) => (p: PatternResult) =>
    rate(p.perValidate[key]);
  return markdownTable(header, [
    row('LemonSqueezy calls (validate + subscriptions)', per('lemonSqueezy'), '1'),
    row('… License API validate', per('lsValidate')),
    row('… REST subscriptions', per('lsSubscriptions'), '0'),
    row('OpenRouter calls (get + create + update + delete)', per('openRouter')),
    row('… get (usage)', per('orGet')),
    row('… create / update / delete', (p) =>
      [p.perValidate.orCreate, p.perValidate.orUpdate, p.perValidate.orDelete]
        .map(rate)
        .join(' / '),
    ),
    row('DynamoDB writes (measured, refused ones included)', per('dynamoDbWrites')),
    row('… write units (WRU)', per('writeUnits')),
    row('… refused by their condition', per('refusedWrites')),
    row('DynamoDB reads (measured)', per('dynamoDbReads')),
    row('… read units (RRU)', per('readUnits')),
    row('DynamoDB requests by operation (all validates)', (p) =>
      Object.entries(p.table.calls)
        .map(([operation, n]) => `${operation} ${n}`)
        .join(', '),
    ),
    row(
      'validates (steady state / due)',
      (p) => `${p.validates} (${p.steadyState.validates} / ${p.due.validates})`,
    ),
    row('LemonSqueezy calls in steady state', (p) => String(p.steadyState.lemonSqueezyCalls)),
    row('DynamoDB writes in steady state', (p) => String(p.steadyState.dynamoDbWrites)),
    row('renewals / key rotations', (p) => `${p.renewals} / ${p.rotations}`),
    row('failed validates', (p) => String(p.failures)),
    row('GET probes sent / reaching a function', (p) =>
      p.probes.sent > 0 ? `${p.probes.sent} / ${p.probes.functionRuns}` : '–',
    ),
    row('run time', (p) => `${p.runSeconds.toFixed(0)} s`),
  ]);
}
