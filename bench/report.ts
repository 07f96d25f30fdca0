import type { BundleResult } from './bundles.ts';
import type { CostResult } from './cost.ts';
import type { LatencyResult } from './latency.ts';
import type { LoadResult } from './load.ts';
import type { PatternResult } from './simulated-day.ts';
import { kb, markdownTable, ms, rate, ratio, type Summary } from './stats.ts';
import { targets } from './targets.ts';

export interface BenchResults {
  meta: {
    startedAt: string;
    finishedAt: string;
    command: string;
    quick: boolean;
    node: string;
    cpus: string;
    loadAverageAtStart: number[];
  };
  latency: LatencyResult;
  patterns: PatternResult[];
  load: LoadResult;
  bundles: BundleResult;
  cost: CostResult;
}

const latencyRow = (name: string, s: Summary, floor?: number) => [
  name,
  String(s.count),
  ms(s.p50),
  ms(s.p95),
  ms(s.p99),
  ms(s.mean),
  floor === undefined ? '' : ratio(s.p50 / floor),
];

export function renderMarkdown(results: BenchResults): string {
  const { meta, latency, patterns, load, bundles, cost } = results;
  const floor = latency.validate.getItem.p50;
  const sections = [
    '# ravn-activate benchmark',
    '',
    `\`${meta.command}\` — ${meta.quick ? 'QUICK smoke run (small sizes)' : 'full run'}, ${meta.startedAt} → ${meta.finishedAt}, Node ${meta.node}, ${meta.cpus}, load average at start ${meta.loadAverageAtStart.map((v) => v.toFixed(2)).join(' / ')}. Everything runs on one machine: DynamoDB Local (Java), the sandbox LemonSqueezy/OpenRouter doubles and the handlers share its cores, so absolute times are this machine's, not AWS's.`,
    '',
    '## Targets (issue 6)',
    '',
    markdownTable(
      ['Target', 'Measured', 'Met'],
      targets(results).map((t) => [t.target, t.measured, t.met ? 'met' : '**not met**']),
    ),
    '',
    `## 1. Latency, warm, real clock (ms; ${latency.rounds} interleaved rounds × ${latency.perRound} per validate mode, ${latency.licenses} activated SaaS licenses round-robin)`,
    '',
    markdownTable(
      ['Request', 'n', 'p50', 'p95', 'p99', 'mean', 'p50 / GetItem p50'],
      [
        latencyRow('(a) bare GetItem, ConsistentRead (floor)', latency.validate.getItem, floor),
        latencyRow('(b) validate, handler in-process', latency.validate.handler, floor),
        latencyRow('(c) validate, local HTTP server (keep-alive)', latency.validate.http, floor),
        latencyRow('activate, fresh license (HTTP)', latency.flows.activateFresh),
        latencyRow('activate, idempotent, active device (HTTP)', latency.flows.activateIdempotent),
        latencyRow('trial (HTTP)', latency.flows.trial),
      ],
    ),
    '',
    `Per-round p50 ratios to GetItem (the spread is this shared machine's noise): handler ${spread(latency.roundRatios.map((r) => r.handlerToGetItem))}, HTTP ${spread(latency.roundRatios.map((r) => r.httpToGetItem))}. Upstream calls during the validate rounds: ${JSON.stringify(latency.upstreamCallsDuringValidate)}. License item: ${latency.licenseItemBytes} B.`,
    '',
    '## 2. Upstream calls per validate (simulated time, ManualClock, handler in-process)',
    '',
    patternTable(patterns),
    '',
    'Steady state = validates whose stored status is younger than the 24 h TTL and whose key period has not ended (predicted from the seeded schedule; measured apart from the due ones). DynamoDB writes are derived from the write points: usage refresh (= OpenRouter GET), LemonSqueezy re-check (= LS validate), key install (= OpenRouter create).',
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
    `Mix sent: ${JSON.stringify(load.sent)}; answered 200: ${JSON.stringify(load.ok)}${Object.keys(load.failed).length ? `; failures: ${JSON.stringify(load.failed)}` : ''}. Table items: ${load.items.before} before, ${load.items.after} after, ${load.items.expected} expected (before + 3 per trial) → ${load.items.match ? 'match' : '**mismatch**'}. ${load.completed} responses in ${load.durationSeconds.toFixed(1)} s.`,
    '',
    `## 4. Bundles (esbuild as NodejsFunction: ESM, minified, node22; map not counted) and cold import (median of ${bundles.runs} fresh processes)`,
    '',
    markdownTable(
      [
        'Entry',
        'Build',
        'Bytes',
        'Size',
        'import() ms, median (min)',
        'with --enable-source-maps',
        'process ms',
      ],
      bundles.bundles.map((b) => [
        b.entry,
        `${b.variant}${b.deployed ? ' **(deployed)**' : ''}`,
        String(b.bytes),
        kb(b.bytes),
        `${ms(b.initMs)} (${ms(b.initMinMs)})`,
        b.initWithSourceMapsMs === null ? '' : ms(b.initWithSourceMapsMs),
        ms(b.processMs),
      ]),
    ),
    '',
    `Deployed build read from lib/constructs/service-function.ts: ${bundles.deployedVariant}${bundles.deployedWithSourceMaps ? ', NODE_OPTIONS=--enable-source-maps' : ''}. With the SDK external, import() includes loading @aws-sdk/* from node_modules (as Lambda loads the runtime's copy); only our bundle's bytes are counted. Runs are interleaved across bundles; "process ms" is the whole fresh process (Node start + import).`,
    '',
    '## 5. Cost per 1 M validates on AWS, on paper',
    '',
    ...cost.lines.map((line) => `- ${line}`),
    '',
    `Assumptions: list prices ${cost.prices.region}, as of ${cost.prices.asOf}; Lambda ARM64 ${cost.prices.memoryGb * 1024} MB; basis is the handler's p50 on DynamoDB Local, whose GetItem (${ms(floor)} ms p50 here) is faster than DynamoDB's ~2–5 ms in AWS, hence the sensitivity lines.`,
    '',
  ];
  return sections.join('\n');
}

const spread = (values: number[]) => `${ratio(Math.min(...values))}–${ratio(Math.max(...values))}`;

function patternTable(patterns: PatternResult[]): string {
  const header = [
    'per validate',
    ...patterns.map(
      (p) =>
        `${p.name}: ${p.licenses} licenses every ${p.intervalSeconds} s for ${p.simulatedHours} h${p.probes.sent > 0 ? ', GET probe first' : ''}`,
    ),
    'original design',
  ];
  const row = (name: string, pick: (p: PatternResult) => string, original: string) => [
    name,
    ...patterns.map(pick),
    original,
  ];
  const per = (key: keyof PatternResult['perValidate']) => (p: PatternResult) =>
    rate(p.perValidate[key]);
  return markdownTable(header, [
    row('LemonSqueezy calls (validate + subscriptions)', per('lemonSqueezy'), '1'),
    row('… License API validate', per('lsValidate'), '1'),
    row('… REST subscriptions', per('lsSubscriptions'), '0'),
    row('OpenRouter calls (get + create + update + delete)', per('openRouter'), '1'),
    row('… get (usage)', per('orGet'), '1'),
    row(
      '… create / update / delete',
      (p) =>
        `${rate(p.perValidate.orCreate)} / ${rate(p.perValidate.orUpdate)} / ${rate(p.perValidate.orDelete)}`,
      '0 / 0 / 0',
    ),
    row('DynamoDB writes (derived)', per('dynamoDbWrites'), 'not known'),
    row(
      'validates (steady state / due)',
      (p) => `${p.validates} (${p.steadyState.validates} / ${p.due.validates})`,
      '',
    ),
    row('LemonSqueezy calls in steady state', (p) => String(p.steadyState.lemonSqueezyCalls), ''),
    row('renewals / key rotations', (p) => `${p.renewals} / ${p.rotations}`, ''),
    row('failed validates', (p) => String(p.failures), ''),
    row(
      'GET probes sent / reaching a function',
      (p) => (p.probes.sent > 0 ? `${p.probes.sent} / ${p.probes.functionRuns}` : '–'),
      'every probe',
    ),
    row('run time', (p) => `${p.runSeconds.toFixed(0)} s`, ''),
  ]);
}
