import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The CloudFront Function the client behaviours run on viewer request (lib/constructs/edge.ts). */
export const METHOD_GUARD_PATH = fileURLToPath(new URL('./method-guard.js', import.meta.url));

const PREFLIGHT_SWITCH = /^var PASS_PREFLIGHTS = false;$/m;

/**
 * The method guard's code for a deployment: the committed file as it is when CORS is off (OPTIONS
 * answered 405 at the edge), else with its one switch turned so OPTIONS reaches the function
 * URL's CORS answer. The CDK app deploys it and the local server runs it. A constant in the code
 * rather than a lookup: a CloudFront Function reads no setting but a key value store, which would
 * cost a read on every request.
 */
export function methodGuardCode(cors: { passPreflights: boolean }): string {
  const source = readFileSync(METHOD_GUARD_PATH, 'utf8');
  if (!PREFLIGHT_SWITCH.test(source)) {
    throw new Error(`${METHOD_GUARD_PATH} lost its line "var PASS_PREFLIGHTS = false;"`);
  }
  return cors.passPreflights
    ? source.replace(PREFLIGHT_SWITCH, 'var PASS_PREFLIGHTS = true;')
    : source;
}
