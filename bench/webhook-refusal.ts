import { createWebhookHandler } from '#handlers/webhook.ts';
import { loadConfig } from '#lambda/config.ts';
import { createDeps } from '#lambda/deps.ts';
import { apiEvent } from '#local/api-event.ts';

/**
 * `pnpm exec tsx bench/webhook-refusal.ts`: what a post that is not LemonSqueezy's costs the
 * webhook function (docs/edge.md, "WAF"). The handler is called in-process, warm, with a table
 * endpoint nothing listens on: a refusal that touched the table would fail instead of answering
 * 401/413. Prints the status and the mean handler time per call over BENCH_WEBHOOK_CALLS calls.
 */
const calls = Number(process.env.BENCH_WEBHOOK_CALLS ?? 2000);

const deps = createDeps(
  loadConfig({
    AWS_REGION: 'us-east-1',
    TABLE_NAME: 'unreachable',
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
    LEMONSQUEEZY_API_KEY: 'unused',
    OPENROUTER_API_KEY: 'unused',
    WEBHOOK_SECRET: 'bench-webhook-secret',
    LOG_LEVEL: 'SILENT',
  }),
);
const handler = createWebhookHandler(deps);
const event = JSON.stringify({ meta: { event_name: 'order_refunded' }, data: { type: 'orders' } });
const forged = { 'x-signature': 'ab'.repeat(32) };
const posts = {
  'no signature, 100 B': apiEvent({ path: '/v1/webhook', body: event }),
  'forged signature, 100 B': apiEvent({ path: '/v1/webhook', body: event, headers: forged }),
  'forged signature, 250 KB': apiEvent({
    path: '/v1/webhook',
    body: event + ' '.repeat(250_000),
    headers: forged,
  }),
  'over the cap, 6 MB of base64': apiEvent({
    path: '/v1/webhook',
    body: Buffer.alloc(4_400_000).toString('base64'),
    isBase64Encoded: true,
  }),
};

for (const [label, post] of Object.entries(posts)) {
  for (let warm = 0; warm < 200; warm += 1) await handler(post, { awsRequestId: 'warm' });
  const started = performance.now();
  for (let call = 0; call < calls; call += 1) await handler(post, { awsRequestId: 'bench' });
  const perCall = ((performance.now() - started) / calls) * 1000;
  const answer = (await handler(post, { awsRequestId: 'status' })) as { statusCode?: number };
  console.log(`${label}: ${answer.statusCode}, ${perCall.toFixed(0)} µs a call`);
}
