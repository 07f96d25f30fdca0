import {
  type DynamoDbFaults,
  type FaultKind,
  isWrite,
  type NamedCall,
} from '#test/helpers/dynamodb-faults.ts';
import {
  brokenInvariants,
  readPartition,
  slotsOf,
  tokenWorks,
  unusableAtLemonSqueezy,
} from '#test/helpers/fault-invariants.ts';
import type { Cell } from '#test/helpers/fault-lanes.ts';
import type { Prepared, Scenario } from '#test/helpers/fault-scenarios.ts';
import type { HttpResult, TestStack } from '#test/helpers/test-stack.ts';

/**
 * One cell of the DynamoDB fault matrix: a scenario's request meets one kind of fault at one of
 * its writes; the client then retries once, unfaulted, with the same body and headers.
 */

export interface FaultSpec {
  label: string;
  kind: Exclude<FaultKind, 'crash'>;
  /** Attempts struck in a row: the SDK makes 3, so 3 makes the fault surface and 1 is absorbed. */
  times: number;
}

/**
 * The faults of the matrix. `×3` surfaces to the service (the SDK's three attempts all fail);
 * `×1` is absorbed by the SDK's retry and must answer exactly as without it: one cell for each
 * path of the SDK's retry (throttling, a transient 500, a conflict through the service's own
 * ConflictRetryStrategy). `throttle×1` would take the same path as `throttling×1` (both are
 * throttling errors to the SDK, with the same backoff), so it is left out to keep the run short.
 * `lost` commits the write and loses its answer once: the SDK's retry then meets the write's own
 * result (a transaction's retry included: its `ClientRequestToken` is withheld from DynamoDB,
 * see `forgetToken`).
 */
export const MATRIX_FAULTS: FaultSpec[] = [
  { label: 'throttle×3', kind: 'throttle', times: 3 },
  { label: 'throttling×3', kind: 'throttling', times: 3 },
  { label: 'server×3', kind: 'server', times: 3 },
  { label: 'conflict×3', kind: 'conflict', times: 3 },
  { label: 'lost', kind: 'lost', times: 1 },
  { label: 'throttling×1', kind: 'throttling', times: 1 },
  { label: 'server×1', kind: 'server', times: 1 },
  { label: 'conflict×1', kind: 'conflict', times: 1 },
];

const absorbed = (fault: FaultSpec) => fault.kind !== 'lost' && fault.times === 1;

/**
 * Matches the `index`-th write from now (0-based) and then the SDK's further attempts of that
 * same request (the same bytes), so `times` never reaches a later, different write.
 */
export function writeAt(index: number): (call: NamedCall) => boolean {
  let seen = 0;
  let aimed: string | undefined;
  return (call) => {
    if (!isWrite(call)) return false;
    const body = JSON.stringify(call.body);
    if (aimed !== undefined) return body === aimed;
    if (seen++ !== index) return false;
    aimed = body;
    return true;
  };
}

/** What a client reads of an answer: status, `status`/`outcome` and `code`. */
export function verdictOf(response: HttpResult): string {
  const body = response.body ?? {};
  return [response.status, body.status ?? body.outcome, body.code].filter(Boolean).join(' ');
}

const describeAnswer = (response: HttpResult) =>
  response.status >= 500 && response.body?.error
    ? `${verdictOf(response)} (${String(response.body.error).slice(0, 60)})`
    : verdictOf(response);

export interface CellResult {
  /** What went wrong, in a few words each; empty when the cell holds. */
  reasons: string[];
  faulted: HttpResult;
  retry: HttpResult;
}

/** Runs one cell: `fault` at write `index` of `prepared`'s request, then one unfaulted retry. */
export async function runCell(
  stack: TestStack,
  scenario: Scenario,
  prepared: Prepared,
  { index, write, fault }: Cell,
  clean: HttpResult,
): Promise<CellResult> {
  const faults = stack.faults as DynamoDbFaults;
  const reasons: string[] = [];
  const struckBefore = faults.struck.length;
  faults.inject({
    kind: fault.kind,
    times: fault.times,
    match: writeAt(index),
    forgetToken: fault.kind === 'lost',
  });
  const faulted = await prepared.send();
  const struck = faults.struck.slice(struckBefore);
  faults.clear();
  const retry = await prepared.send();

  if (struck.length === 0) reasons.push(`write #${index} never came`);
  else if (struck[0]?.name !== write) reasons.push(`struck ${struck[0]?.name}`);

  const expected = verdictOf(clean);
  const answered = verdictOf(faulted);
  if (answered !== expected) {
    if (absorbed(fault)) reasons.push(`absorbed, yet ${describeAnswer(faulted)}`);
    else if (faulted.status !== 503 || typeof faulted.body?.code !== 'string') {
      reasons.push(`answered ${describeAnswer(faulted)}`);
    }
  }
  const retried = verdictOf(retry);
  const converged =
    scenario.route === 'webhook'
      ? retry.status === 200 && ['applied', 'duplicate'].includes(retry.body?.outcome)
      : retried === expected;
  if (!converged) reasons.push(`retry ${describeAnswer(retry)}`);

  const licenseKey =
    prepared.licenseKey ??
    (retry.body?.licenseKey as string | undefined) ??
    faulted.body?.licenseKey;
  if (licenseKey === undefined) return { reasons, faulted, retry };
  reasons.push(
    ...(await brokenPromises(stack, scenario, prepared, licenseKey, clean, faulted, retry)),
  );
  reasons.push(...(await brokenInvariants(stack, licenseKey, scenario.route === 'trial')));
  return { reasons, faulted, retry };
}

/** What the answers promised and the state must keep: working tokens, the device's state. */
async function brokenPromises(
  stack: TestStack,
  scenario: Scenario,
  prepared: Prepared,
  licenseKey: string,
  clean: HttpResult,
  faulted: HttpResult,
  retry: HttpResult,
): Promise<string[]> {
  const broken: string[] = [];
  const usable = scenario.route === 'trial' || !unusableAtLemonSqueezy(stack, licenseKey);
  const served = [faulted, retry].filter(
    (response) => response.status === 200 && response.body?.ai_details?.token,
  );
  if (usable && served.some((response) => !tokenWorks(stack, licenseKey, response))) {
    broken.push('a served token does not work');
  }
  if (clean.body?.ai_details?.token && retry.status === 200 && !retry.body?.ai_details?.token) {
    broken.push('retry served no token');
  }
  if (prepared.device === undefined) return broken;
  const slot = slotsOf(await readPartition(stack, licenseKey)).find(
    (candidate) => candidate.instanceName === prepared.device,
  );
  const state = scenario.route === 'deactivate' ? 'deactivated' : 'active';
  if (slot?.state !== state) broken.push(`device ${slot?.state ?? 'not recorded'}, not ${state}`);
  return broken;
}
