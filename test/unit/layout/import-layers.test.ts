import { describe, expect, it } from 'vitest';
import { type ImportEdge, importCycles, importGraph } from './import-graph.ts';

const EDGES = importGraph(['lambda', 'lib', 'config', 'bin', 'bench', 'scripts']);

/** `lambda/<dir>` for a file of lambda/, `lambda/*.ts` for its root files, else the top folder. */
function layerOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] !== 'lambda') return parts[0] ?? path;
  return parts.length === 2 ? 'lambda/*.ts' : `lambda/${parts[1]}`;
}

const BELOW_SERVICES = ['lambda/schemas', 'lambda/ports', 'lambda/domain', 'config'];
const SERVING = ['lambda/*.ts', 'lambda/services', 'lambda/adapters', ...BELOW_SERVICES];
const ANY = 'any';

/**
 * The layers each layer may import besides its own, as the code stands. Inside lambda/, handlers
 * → http → services → ports and domain, and adapters → ports and domain: an adapter never sees a
 * service or a handler (it implements a port or stands alone), and domain/ imports nothing else.
 * lambda/*.ts is the composition root (config.ts reads the environment, deps.ts builds the
 * adapters): services, ports and adapters never import it, http/ and handlers/ do. local/ runs the
 * handlers on one machine. config/ sits beside domain/ at the bottom; lib/ reads config/ and the
 * edge function's source only; bench/ and scripts/ are tools on top of everything.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  'lambda/domain': [],
  'lambda/schemas': ['lambda/domain'],
  'lambda/ports': ['lambda/domain', 'config'],
  'lambda/adapters': ['lambda/ports', 'lambda/domain', 'config'],
  // Narrowed by "services reach adapters only…" below.
  'lambda/services': ['lambda/adapters', ...BELOW_SERVICES],
  'lambda/http': SERVING,
  'lambda/handlers': ['lambda/http', ...SERVING],
  'lambda/*.ts': ['lambda/services', 'lambda/adapters', 'lambda/ports', 'lambda/domain', 'config'],
  'lambda/edge': [],
  'lambda/local': ['lambda/handlers', 'lambda/http', 'lambda/edge', ...SERVING],
  config: ['lambda/domain'],
  lib: ['config', 'lambda/edge'],
  bin: ['lib', 'config'],
  bench: [ANY],
  scripts: [ANY],
};

const describeEdge = ({ from, to, typeOnly }: ImportEdge) =>
  `${from} → ${to}${typeOnly ? ' (type)' : ''}`;

describe('the import graph', () => {
  it('reads static, type-only, re-exported and dynamic imports', () => {
    // Act
    const kinds = (from: string, to: string) =>
      EDGES.filter((edge) => edge.from === from && edge.to === to).map((edge) =>
        edge.local ? (edge.typeOnly ? 'type' : 'value') : 'package',
      );

    // Assess: a reader that missed a kind of import would pass anything.
    expect(kinds('lambda/deps.ts', 'lambda/adapters/ssm/secrets.ts')).toEqual(['value']);
    expect(kinds('lambda/deps.ts', 'lambda/services/service-deps.ts')).toEqual(['type']);
    // `await import('#lambda/config.ts')`
    expect(kinds('lambda/handlers/lazy-deps.ts', 'lambda/config.ts')).toEqual(['value']);
    // `export type { IssuedKey } from './openrouter-keys.ts'`
    expect(
      kinds('lambda/local/sandbox/openrouter-double.ts', 'lambda/local/sandbox/openrouter-keys.ts'),
    ).toContain('type');
    expect(
      kinds('lambda/adapters/ssm/fetch-secret.ts', '@aws-lambda-powertools/parameters/ssm'),
    ).toEqual(['package']);
  });

  it('gives every file a layer with rules', () => {
    // Assess
    const unplaced = [...new Set(EDGES.map((edge) => layerOf(edge.from)))].filter(
      (layer) => MAY_IMPORT[layer] === undefined,
    );
    expect(unplaced).toEqual([]);
  });

  it('has no import cycle, type-only imports included', () => {
    // Assess
    expect(importCycles(EDGES)).toEqual([]);
  });
});

describe('layers', () => {
  it.each(Object.keys(MAY_IMPORT))('%s imports only the layers it may', (layer) => {
    // Prepare
    const allowed = MAY_IMPORT[layer] ?? [];

    // Act
    const climbing = EDGES.filter(
      (edge) =>
        edge.local &&
        layerOf(edge.from) === layer &&
        layerOf(edge.to) !== layer &&
        !allowed.includes(ANY) &&
        !allowed.includes(layerOf(edge.to)),
    );

    // Assess
    expect(climbing.map(describeEdge)).toEqual([]);
  });

  it('services reach adapters only for the DynamoDB stores’ types and the email blocklist', () => {
    // Prepare: the stores have no port on purpose (house style 7: ports only for a real seam),
    // so services name their classes as types; the blocklist is a word list with no upstream.
    const allowed = ({ to, typeOnly }: ImportEdge) =>
      (typeOnly && to.startsWith('lambda/adapters/dynamodb/')) ||
      to.startsWith('lambda/adapters/blocklist/');

    // Act
    const reaching = EDGES.filter(
      (edge) =>
        layerOf(edge.from) === 'lambda/services' &&
        layerOf(edge.to) === 'lambda/adapters' &&
        !allowed(edge),
    );

    // Assess
    expect(reaching.map(describeEdge)).toEqual([]);
  });

  it.each(['lambda/domain', 'lambda/ports', 'lambda/services'])(
    '%s imports no package but Node’s builtins (no SDK, no Lambda, no zod)',
    (layer) => {
      // Act
      const packages = EDGES.filter(
        (edge) => !edge.local && layerOf(edge.from) === layer && !edge.to.startsWith('node:'),
      );

      // Assess
      expect(packages.map(describeEdge)).toEqual([]);
    },
  );
});
