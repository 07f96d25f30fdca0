/**
 * The public API: each path and the function that serves it. CloudFront's behaviours, the local
 * server and the functions' own routing all read this one table, so a path cannot reach a
 * function in one place and miss it in another. Unknown paths are answered 404 by the default
 * function (activate) in AWS and by the local server itself.
 */
export const ROUTES = {
  '/v1/trial': 'activate',
  '/v1/activate': 'activate',
  '/v1/validate': 'validate',
  // Deactivate frees a LemonSqueezy seat: the function holding the seat writes and credentials.
  '/v1/deactivate': 'activate',
  // The device list is one read, like a steady-state validate.
  '/v1/devices': 'validate',
  // The public keys of the signed leases (GET, cached at the edge): no secret, no table read.
  '/v1/keys': 'validate',
  // The API description, built from the schemas on its first request (GET, cached at the edge).
  '/v1/openapi.json': 'validate',
  '/v1/webhook': 'webhook',
  // The uptime probe (GET, never cached): the hot function, answering from memory.
  '/health': 'validate',
} as const;

export type RoutePath = keyof typeof ROUTES;
export type FunctionName = (typeof ROUTES)[RoutePath];
/** The paths function `F` serves. */
export type PathOf<F extends FunctionName> = {
  [P in RoutePath]: (typeof ROUTES)[P] extends F ? P : never;
}[RoutePath];

export type RouteMethod = 'GET' | 'POST';

/**
 * The paths read with GET (HEAD too): the public documents CloudFront may cache, and the health
 * probe, which it must not (config/edge.ts). Every other path takes POST. The runner answers any
 * other method 405 with the `allow` this says.
 */
export const GET_PATHS: ReadonlySet<string> = new Set<RoutePath>([
  '/v1/keys',
  '/v1/openapi.json',
  '/health',
]);

/** The method `path` takes (POST for a path the API does not have: it is answered 404 anyway). */
export function methodOf(path: string): RouteMethod {
  return GET_PATHS.has(path) ? 'GET' : 'POST';
}

/** Every public path, in the table's order (CloudFront's behaviours keep it). */
export const ROUTE_PATHS = Object.keys(ROUTES) as RoutePath[];

/** The paths `name` serves, in the table's order. */
export function pathsOf<F extends FunctionName>(name: F): Array<PathOf<F>> {
  return ROUTE_PATHS.filter((path): path is PathOf<F> => ROUTES[path] === name);
}

/** The function that serves `path`, or undefined for a path the API does not have. */
export function functionOf(path: string): FunctionName | undefined {
  return Object.hasOwn(ROUTES, path) ? ROUTES[path as RoutePath] : undefined;
}

/** Where LemonSqueezy posts its events (the URL its webhook settings name). */
export const WEBHOOK_PATH: PathOf<'webhook'> = '/v1/webhook';
