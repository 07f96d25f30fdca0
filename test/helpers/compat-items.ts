import { readFileSync } from 'node:fs';
import { AUDIT_ITEM } from '#adapters/dynamodb/admin-store.ts';
import { IDEMPOTENCY_ITEM } from '#adapters/dynamodb/idempotency-store.ts';
import type { ItemShape } from '#adapters/dynamodb/items.ts';
import { CREDIT_PERIOD_ITEM, LICENSE_ITEM } from '#adapters/dynamodb/license-item.ts';
import { SWEEP_CURSOR_ITEM } from '#adapters/dynamodb/license-store.ts';
import { NEGATIVE_ITEM } from '#adapters/dynamodb/negative-cache.ts';
import { RATE_COUNTER_ITEM } from '#adapters/dynamodb/rate-limits.ts';
import { TRIAL_CLAIM_ITEM } from '#adapters/dynamodb/trial-store.ts';
import { ALIAS_ITEM, EVENT_ITEM } from '#adapters/dynamodb/webhook-store.ts';
import { type CompatFixture, decodeItem } from '#test/compat/story/fixture-format.ts';

export type Item = Record<string, unknown>;

/** Every kind of item the service writes, told apart by its key, with today's shape of it. */
const KINDS: Array<{ kind: string; shape: ItemShape; holds: (pk: string, sk: string) => boolean }> =
  [
    { kind: 'license', shape: LICENSE_ITEM, holds: (pk, sk) => isLicense(pk) && sk === 'LICENSE' },
    {
      kind: 'credit-period',
      shape: CREDIT_PERIOD_ITEM,
      holds: (pk, sk) => isLicense(pk) && sk.startsWith('CREDIT#'),
    },
    {
      kind: 'audit',
      shape: AUDIT_ITEM,
      holds: (pk, sk) => isLicense(pk) && sk.startsWith('AUDIT#'),
    },
    { kind: 'trial-claim', shape: TRIAL_CLAIM_ITEM, holds: (pk) => pk.startsWith('TRIAL#') },
    { kind: 'idempotency', shape: IDEMPOTENCY_ITEM, holds: (pk) => pk.startsWith('IDEMPOTENCY#') },
    { kind: 'webhook-event', shape: EVENT_ITEM, holds: (pk) => pk.startsWith('EVENT#') },
    { kind: 'alias', shape: ALIAS_ITEM, holds: (pk) => pk.startsWith('ALIAS#') },
    { kind: 'sweep-cursor', shape: SWEEP_CURSOR_ITEM, holds: (pk) => pk.startsWith('SWEEP#') },
    { kind: 'rate-counter', shape: RATE_COUNTER_ITEM, holds: (pk) => pk.startsWith('RATE#') },
    { kind: 'negative-cache', shape: NEGATIVE_ITEM, holds: (pk) => pk.startsWith('NEGATIVE#') },
  ];

function isLicense(pk: string): boolean {
  return pk.startsWith('LICENSE#');
}

/** The kind of an item and today's shape of it; throws for an item no kind holds. */
export function kindOf(item: Item): { kind: string; shape: ItemShape } {
  const found = KINDS.find((entry) => entry.holds(String(item.pk), String(item.sk)));
  if (!found) throw new Error(`no item kind holds ${String(item.pk)} / ${String(item.sk)}`);
  return found;
}

/** The fixture a tagged release's story left (`pnpm compat:fixture`), its items decoded. */
export function readFixture(ref = 'release/stop-29'): CompatFixture {
  const name = ref.replace(/[^A-Za-z0-9._-]+/g, '-');
  const url = new URL(`../compat/fixtures/${name}.json`, import.meta.url);
  const fixture = JSON.parse(readFileSync(url, 'utf8')) as CompatFixture;
  return { ...fixture, items: fixture.items.map(decodeItem) };
}

/**
 * The attribute paths of an item (`ai.limit`, `devices.*.state`, `spentKeys[].hash`): what a
 * reader may look for. Device slot keys (hashes of device names) are `*`, so two runs compare.
 */
export function attributePaths(item: Item): string[] {
  const paths = new Set<string>();
  const walk = (value: unknown, path: string) => {
    if (path) paths.add(path);
    if (Array.isArray(value)) for (const element of value) walk(element, `${path}[]`);
    else if (value && typeof value === 'object' && !(value instanceof Set)) {
      for (const [key, inner] of Object.entries(value)) {
        const name = /^d[0-9a-f]{32}$/.test(key) ? '*' : key;
        walk(inner, path ? `${path}.${name}` : name);
      }
    }
  };
  walk(item, '');
  return [...paths].sort();
}

/** Each kind's attribute paths over a set of items. */
export function pathsByKind(items: Item[]): Map<string, Set<string>> {
  const byKind = new Map<string, Set<string>>();
  for (const item of items) {
    const { kind } = kindOf(item);
    const paths = byKind.get(kind) ?? new Set<string>();
    for (const path of attributePaths(item)) paths.add(path);
    byKind.set(kind, paths);
  }
  return byKind;
}

/** The attributes of today's shape of `kind` that are newer than version `since`. */
export function fieldsNewerThan(shape: ItemShape, since: number): string[] {
  return Object.entries(shape.fields)
    .filter(([, version]) => version > since)
    .map(([field]) => field);
}
