import { licenseHashInKeyName } from '#domain/key-name.ts';
import { licenseHashOf } from '#domain/license.ts';
import type { IssuedKey } from '#local/sandbox/openrouter-keys.ts';
import type { Prepared } from '#test/helpers/crash-scenarios.ts';
import type { CrashWorld } from '#test/helpers/crash-stack.ts';
import type { HttpResult } from '#test/helpers/test-stack.ts';

/**
 * The invariants a crash cell checks once the retry answered and the sweeps ran, against the
 * doubles' ground truth (every key OpenRouter ever made, every seat LemonSqueezy holds) and the
 * table. Each returns what it found wrong, in words that name the invariant; nothing is an
 * `expect` here, so a cell reports every broken invariant at once.
 */

type Item = Record<string, unknown>;
interface Slot {
  state: string;
  instanceId?: string;
  instanceName: string;
}

/** What a cell's client got: the first answer (none if the instance died) and the retry's. */
export interface Answers {
  first: HttpResult;
  retry?: HttpResult;
}

export interface CellFacts {
  world: CrashWorld;
  prepared: Prepared;
  answers: Answers;
  deploymentId: string;
  /** The keys OpenRouter made during the cell (earlier cells' are theirs). */
  keys: IssuedKey[];
  /** The whole table after the sweeps. */
  items: Item[];
  /** The licenses first stored during the cell (a trial's, or the seeded license's). */
  newLicenses: string[];
}

/** The client's last answer is the one the scenario promises (a retry included). */
export function checkAnswer({ prepared, answers }: CellFacts): string[] {
  const last = answers.retry ?? answers.first;
  const access = last.body?.status ?? last.body?.outcome;
  const { status, access: allowed } = prepared.expected;
  if (last.status === status && allowed.includes(access)) return [];
  const said = last.status === 0 ? 'no answer' : `${last.status} ${last.body?.code ?? access}`;
  return [
    `${answers.retry ? 'the retry' : 'the request'} answered ${said}, not ${status} ${allowed.join('/')}`,
  ];
}

/** I1: per license and period, live keys' limits plus dead keys' spend stay within the credit. */
export function checkCredit({ keys, prepared, deploymentId }: CellFacts): string[] {
  const exposed = new Map<string, number>();
  for (const key of keys) {
    const license = licenseHashInKeyName(key.name, deploymentId) ?? key.name;
    const bucket = `${license.slice(0, 8)} period ending ${key.expiresAt ?? 'never'}`;
    const worth = key.disabled || key.deleted ? key.usage : (key.limit ?? Number.POSITIVE_INFINITY);
    exposed.set(bucket, (exposed.get(bucket) ?? 0) + worth);
  }
  return [...exposed]
    .filter(([, usd]) => Math.round(usd * 100) > Math.round(prepared.credit * 100))
    .map(
      ([bucket, usd]) => `I1: ${usd} USD exposed for license ${bucket} (credit ${prepared.credit})`,
    );
}

/**
 * No key that still works at OpenRouter (an expired one cannot be spent) is one no stored
 * license points at, once the reaper ran.
 */
export function checkOrphans({ world, keys, items }: CellFacts): string[] {
  const held = new Set(items.map((item) => (item.ai as { hash?: string } | undefined)?.hash));
  const now = world.now().getTime();
  const orphans = keys.filter((key) => works(key, now) && !held.has(key.hash));
  return orphans.length === 0 ? [] : [`${orphans.length} orphan OpenRouter key(s) left live`];
}

/**
 * Seats: every seat LemonSqueezy holds for a usable license is an active device here, and no
 * device is active here without its seat (after the reconciler); no device claim left pending.
 */
export function checkSeats({ world, prepared, items, newLicenses }: CellFacts): string[] {
  const found: string[] = [];
  const mine = items.filter(
    (item) => item.sk === 'LICENSE' && newLicenses.includes(item.licenseHash as string),
  );
  const pending = mine.flatMap((item) =>
    Object.values((item.devices ?? {}) as Record<string, Slot>).filter(
      (slot) => slot.state === 'pending',
    ),
  );
  if (pending.length > 0) found.push(`${pending.length} device claim(s) left pending`);
  if (!prepared.license) return found;
  const snapshot = world.lemonSqueezy.snapshot(prepared.license.key);
  if (snapshot.status !== 'active') return found;
  const item = licenseItem(mine, prepared.license.key);
  const recorded = Object.values((item?.devices ?? {}) as Record<string, Slot>)
    .filter((slot) => slot.state === 'active')
    .map((slot) => slot.instanceId);
  const held = snapshot.instances.map((instance) => instance.id);
  const unrecorded = held.filter((id) => !recorded.includes(id));
  const unheld = recorded.filter((id) => id === undefined || !held.includes(id));
  if (unrecorded.length > 0) {
    found.push(`${unrecorded.length} seat(s) taken at LemonSqueezy not recorded here`);
  }
  if (unheld.length > 0) found.push(`${unheld.length} active device(s) here without a seat`);
  return found;
}

/** Every token an answer served is a key that works at OpenRouter (enabled, not expired). */
export function checkServedTokens({ world, answers, keys }: CellFacts): string[] {
  const now = world.now().getTime();
  return [answers.first, answers.retry].flatMap((answer) => {
    const token = answer?.status === 200 ? answer.body?.ai_details?.token : undefined;
    if (typeof token !== 'string') return [];
    const key = keys.find((entry) => entry.key === token);
    return works(key, now) ? [] : [`a served token does not work at OpenRouter (${state(key)})`];
  });
}

/** A license LemonSqueezy says is disabled or expired has no enabled key. */
export function checkDisabled({ world, prepared, deploymentId, keys }: CellFacts): string[] {
  if (!prepared.license) return [];
  const { status } = world.lemonSqueezy.snapshot(prepared.license.key);
  if (status !== 'disabled' && status !== 'expired') return [];
  const hash = licenseHashOf(prepared.license.key);
  const now = world.now().getTime();
  const enabled = keys.filter(
    (key) => licenseHashInKeyName(key.name, deploymentId) === hash && works(key, now),
  );
  return enabled.length === 0 ? [] : [`a ${status} license has ${enabled.length} enabled key(s)`];
}

/** A trial: one trial for the address and device, and the one the client was answered. */
export function checkTrial({ prepared, answers, items, newLicenses }: CellFacts): string[] {
  if (!prepared.trial) return [];
  const trials = items.filter(
    (item) =>
      item.sk === 'LICENSE' &&
      item.kind === 'trial' &&
      newLicenses.includes(item.licenseHash as string),
  );
  const found = trials.length > 1 ? [`${trials.length} trials for one address and device`] : [];
  const answered = (answers.retry ?? answers.first).body?.licenseKey;
  if (
    typeof answered === 'string' &&
    !trials.some((t) => t.licenseHash === licenseHashOf(answered))
  ) {
    found.push('the trial answered is not stored');
  }
  return found;
}

/** Every check of a cell, in the order the report lists them. */
export function cellViolations(facts: CellFacts): string[] {
  return [
    ...checkAnswer(facts),
    ...checkTrial(facts),
    ...checkCredit(facts),
    ...checkOrphans(facts),
    ...checkSeats(facts),
    ...checkServedTokens(facts),
    ...checkDisabled(facts),
  ];
}

function licenseItem(items: Item[], licenseKey: string): Item | undefined {
  const hash = licenseHashOf(licenseKey);
  return items.find((item) => item.sk === 'LICENSE' && item.licenseHash === hash);
}

function works(key: IssuedKey | undefined, now: number): boolean {
  return (
    key !== undefined &&
    !key.disabled &&
    !key.deleted &&
    (key.expiresAt === null || Date.parse(key.expiresAt) > now)
  );
}

function state(key: IssuedKey | undefined): string {
  if (!key) return 'no such key';
  if (key.deleted) return 'deleted';
  if (key.disabled) return 'disabled';
  return `expired ${key.expiresAt}`;
}
