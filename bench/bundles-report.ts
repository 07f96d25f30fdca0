import type { BundleResult } from './bundles.ts';
import type { FirstAnswerResult } from './first-answer.ts';
import { kb, markdownTable, ms, ratio } from './stats.ts';

/** Section 4 of results.md: the bundles, their cold imports and a cold function's first answer. */

export function bundlesTable(bundles: BundleResult): string {
  const { floor } = bundles;
  return markdownTable(
    [
      'Entry',
      'Build',
      'Bytes (maps)',
      'at import',
      'not the AWS SDK',
      'import() ms, median (min)',
      '÷ floor',
      'with --enable-source-maps',
      'as deployed',
      'process ms',
    ],
    [
      [
        'floor',
        `${bundles.deployedVariant}, as deployed`,
        `${kb(floor.bytes)} (${kb(floor.mapBytes)})`,
        kb(floor.importBytes),
        '',
        `${ms(floor.initMs)} (${ms(floor.initMinMs)})`,
        ratio(1),
        '',
        '',
        ms(floor.processMs),
      ],
      ...bundles.bundles.map((b) => [
        b.entry,
        `${b.variant}${b.deployed ? ' **(deployed)**' : ''}`,
        `${kb(b.bytes)} (${kb(b.mapBytes)})`,
        kb(b.importBytes),
        kb(b.ownBytes),
        `${ms(b.initMs)} (${ms(b.initMinMs)})`,
        ratio(b.initMs / floor.initMs),
        b.initWithSourceMapsMs === null ? '' : ms(b.initWithSourceMapsMs),
        b.deployed ? ms(b.initAsDeployedMs) : '',
        ms(b.processMs),
      ]),
    ],
  );
}

/** What a client waits for on a cold function, against the floor's (bench/first-answer.ts). */
export function firstAnswerText(answer: FirstAnswerResult): string {
  const { floor, validate } = answer;
  const row = (name: string, s: typeof floor) => [
    name,
    ms(s.importMs),
    ms(s.firstMs),
    ms(s.totalMs),
    ratio(s.totalMs / floor.totalMs),
    ms(s.cpuMs),
  ];
  return [
    `### First answer of a cold function (median of ${answer.runs} fresh processes each, interleaved)`,
    '',
    markdownTable(
      ['Bundle', 'import() ms', 'first answer ms', 'total ms', '÷ floor', 'CPU ms'],
      [
        row('floor: DocumentClient + one GetItem', floor),
        row('validate, as deployed: one POST /v1/validate', validate),
      ],
    ),
    '',
    `The validate bundle runs with the deployed environment: secrets named by SSM parameter and Secrets Manager ARN, read through a double of both services (${Object.entries(
      answer.secretReads,
    )
      .map(([target, n]) => `${target} ${n}`)
      .join(
        ', ',
      )}), the origin header checked, the lease signed, INFO logs; the license was activated a moment before, so it is served from the table, as most validates are. Both reach DynamoDB Local through the SDK's default credentials and AWS_ENDPOINT_URL_DYNAMODB. Pair by pair the ratio spans ${spread(answer.runRatios)}. CPU ms is the child's CPU time over both (all threads).`,
  ].join('\n');
}

const spread = (values: number[]) => `${ratio(Math.min(...values))}–${ratio(Math.max(...values))}`;
