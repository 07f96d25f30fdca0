import type { LatencyResult } from './latency.ts';
import type { PatternResult } from './simulated-day.ts';
import { rate, usd } from './stats.ts';

/** List prices, us-east-1, as of 2026 (assumptions: check the AWS pricing pages before quoting). */
export const PRICES = {
  region: 'us-east-1',
  asOf: '2026',
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  dynamoPerMillionRru: 0.125,
  dynamoPerMillionWru: 0.625,
  cloudFrontPer10kHttps: 0.01,
  /** Only when the optional WAF web ACL is on; not in the total. */
  wafPerMillionRequests: 0.6,
  memoryGb: 0.5,
  /** DynamoDB's own GetItem latency in AWS, against DynamoDB Local's on this machine. */
  awsDynamoMs: 5,
  /** A guess for one OpenRouter key GET from us-east-1 (a usage refresh inside a validate). */
  openRouterMs: 100,
} as const;

const MILLION = 1_000_000;

/**
 * Cost per 1 M validates, on paper. Lambda bills each invocation's duration rounded up to the
 * millisecond, so the per-request duration (not an average) is what goes into GB-seconds.
 */
export function estimateCost(latency: LatencyResult, patterns: PatternResult[]) {
  const day = patterns[0];
  if (!day) throw new Error('the cost needs pattern A');
  const p = PRICES;
  const handlerMs = latency.validate.handler.p50;
  const overheadMs = Math.max(0, handlerMs - latency.validate.getItem.p50);
  const lambdaFor = (durationMs: number) =>
    MILLION * p.memoryGb * (Math.ceil(durationMs) / 1000) * p.lambdaArmPerGbSecond;
  const itemKb = latency.licenseItemBytes / 1024;
  const rruPerRead = Math.ceil(latency.licenseItemBytes / 4096);
  const indexCopies = latency.licenseItemInEmailIndex ? 2 : 1;
  const wruPerWrite = indexCopies * Math.ceil(latency.licenseItemBytes / 1024);
  const writesPerValidate = day.perValidate.dynamoDbWrites;

  const lambdaCompute = lambdaFor(handlerMs);
  const lambdaRequests = p.lambdaPerMillionRequests;
  const reads = MILLION * rruPerRead * (p.dynamoPerMillionRru / MILLION);
  const writes = MILLION * writesPerValidate * wruPerWrite * (p.dynamoPerMillionWru / MILLION);
  const cloudFront = (MILLION / 10_000) * p.cloudFrontPer10kHttps;
  const total = lambdaCompute + lambdaRequests + reads + writes + cloudFront;

  const awsMs = overheadMs + p.awsDynamoMs;
  // Each usage refresh is an OpenRouter GET plus the DynamoDB write that records the figure.
  const withUsageMs = awsMs + day.perValidate.orGet * (p.openRouterMs + p.awsDynamoMs);
  const lines = [
    `Lambda compute: 1,000,000 × ${p.memoryGb} GB × ${Math.ceil(handlerMs)} ms (handler p50 ${handlerMs.toFixed(2)} ms, rounded up to the billed ms) × $${p.lambdaArmPerGbSecond}/GB-s = ${usd(lambdaCompute)}`,
    `Lambda requests: 1,000,000 × $${p.lambdaPerMillionRequests}/1M = ${usd(lambdaRequests)}`,
    `DynamoDB reads: 1 strongly consistent GetItem × ${rruPerRead} RRU (license item ${latency.licenseItemBytes} B ≤ 4 KB) × 1,000,000 × $${p.dynamoPerMillionRru}/1M = ${usd(reads)}`,
    `DynamoDB writes: ${rate(writesPerValidate)} writes/validate (pattern ${day.name}) × ${wruPerWrite} WRU (${itemKb.toFixed(2)} KB → ${wruPerWrite / indexCopies} WRU${indexCopies === 2 ? ', ×2: the item is also in the email-index GSI' : ''}) × 1,000,000 × $${p.dynamoPerMillionWru}/1M = ${usd(writes)}`,
    `CloudFront: 1,000,000 / 10,000 × $${p.cloudFrontPer10kHttps} = ${usd(cloudFront)}`,
    `Total: ${usd(lambdaCompute)} + ${usd(lambdaRequests)} + ${usd(reads)} + ${usd(writes)} + ${usd(cloudFront)} = ${usd(total)} per 1 M validates (${usd(total / MILLION)} each)`,
    `Largest share: ${largestShare({ 'Lambda compute': lambdaCompute, 'Lambda requests': lambdaRequests, 'DynamoDB reads': reads, 'DynamoDB writes': writes, CloudFront: cloudFront }, total)}`,
    `Not in the total: WAF, when enabled, $${p.wafPerMillionRequests}/1M requests; data transfer out; CloudWatch Logs ingestion of the one log line per request.`,
    `Sensitivity, DynamoDB in AWS: handler overhead ${overheadMs.toFixed(2)} ms (p50 handler − p50 GetItem) + ~${p.awsDynamoMs} ms GetItem = ${awsMs.toFixed(2)} ms → Lambda compute ${usd(lambdaFor(awsMs))}`,
    `Sensitivity, usage refresh: + ${rate(day.perValidate.orGet)} OpenRouter GETs/validate × (~${p.openRouterMs} ms GET, assumed, + ~${p.awsDynamoMs} ms write) = ${withUsageMs.toFixed(1)} ms mean → Lambda compute ≈ ${usd(MILLION * p.memoryGb * (withUsageMs / 1000) * p.lambdaArmPerGbSecond)}`,
    ...patterns.map(upstreamLine),
  ];
  return {
    prices: PRICES,
    basis: { handlerP50Ms: handlerMs, overheadMs, rruPerRead, wruPerWrite, writesPerValidate },
    perMillion: { lambdaCompute, lambdaRequests, reads, writes, cloudFront, total },
    upstreamPerMillion: patterns.map((p) => ({
      pattern: p.name,
      lemonSqueezy: MILLION * p.perValidate.lemonSqueezy,
      openRouter: MILLION * p.perValidate.openRouter,
    })),
    lines,
  };
}

export type CostResult = ReturnType<typeof estimateCost>;

function largestShare(parts: Record<string, number>, total: number): string {
  const [name, value] = Object.entries(parts).sort((a, b) => b[1] - a[1])[0] ?? ['none', 0];
  return `${name}, ${((100 * value) / total).toFixed(0)} % of the total`;
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');

/** Calls per 1 M validates against the original design's one LemonSqueezy + one OpenRouter call. */
function upstreamLine(pattern: PatternResult): string {
  const ls = MILLION * pattern.perValidate.lemonSqueezy;
  const or = MILLION * pattern.perValidate.openRouter;
  const avoided = (calls: number) =>
    calls < MILLION
      ? `avoided ${count(MILLION - calls)}`
      : `no saving, ${count(calls - MILLION)} more`;
  return (
    `Upstream calls per 1 M validates, pattern ${pattern.name} (every ${pattern.intervalSeconds} s): ` +
    `LemonSqueezy ${count(ls)} vs 1,000,000 in the original design (${avoided(ls)}); ` +
    `OpenRouter ${count(or)} vs 1,000,000 (${avoided(or)}). Neither API charges per call; ` +
    `LemonSqueezy's store-wide limit of 60 calls/min is the cost: 1 M calls need ≥ ${(MILLION / 60 / 60 / 24).toFixed(1)} days of it.`
  );
}
