import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { jsonEvent } from '#local/api-event.ts';
import { type BenchLicense, licenseItemKey } from './seed.ts';
import type { BenchStack } from './stack.ts';

/** How a validate is timed: the bare GetItem floor, the handler in-process, or over HTTP. */
export type Mode = 'getItem' | 'handler' | 'http';

/** One timed request of `mode` for `license`, in real milliseconds; anything but 200 throws. */
export async function timeValidate(stack: BenchStack, mode: Mode, license: BenchLicense) {
  if (mode === 'getItem') {
    const started = performance.now();
    const result = await stack.documents.send(
      new GetCommand({
        TableName: stack.tableName,
        Key: licenseItemKey(license),
        ConsistentRead: true,
      }),
    );
    const took = performance.now() - started;
    if (!result.Item) throw new Error('bare GetItem found no license item');
    return took;
  }
  if (mode === 'handler') {
    // The runtime builds the event before the handler runs, so it stays outside the timing.
    const event = jsonEvent('/v1/validate', { licenseKey: license.key });
    const started = performance.now();
    const result = await stack.validate(event, { awsRequestId: randomUUID() });
    const took = performance.now() - started;
    expect200(typeof result === 'string' ? 200 : result.statusCode, 'validate (handler)');
    return took;
  }
  return timePost(stack, '/v1/validate', { licenseKey: license.key });
}

/** One POST through the local server; Node's fetch keeps the connection alive between calls. */
export async function timePost(stack: BenchStack, path: string, body: unknown): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const took = performance.now() - started;
  expect200(response.status, `${path} (HTTP)`, text);
  return took;
}

function expect200(status: number | undefined, what: string, body = ''): void {
  if (status !== 200) throw new Error(`${what} answered ${status} ${body.slice(0, 200)}`);
}
