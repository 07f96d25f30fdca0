let loading: Promise<ReadonlySet<string>> | undefined;

/**
 * The disposable email domains of `disposable-email-domains-js` (about 9,000) as a Set, loaded on
 * the first call and kept for the warm requests. Only the trial service imports this module:
 * esbuild bundles a dynamic import's target into every function that reaches the importing file,
 * so building it in `createDeps` (which every function shares) would put the list into the
 * validate function's bundle too. The import is dynamic so that activate's cold start does not
 * evaluate the list before a trial asks for it.
 */
export function disposableDomains(): Promise<ReadonlySet<string>> {
  // The package is CommonJS: Node gives its exports both as `default` and by name, a split
  // bundle's chunk (esbuild) only as `default`, tsx only by name.
  loading ??= import('disposable-email-domains-js')
    .then((list) => new Set((list.default ?? list).disposableEmailBlocklist()))
    .catch((error: unknown) => {
      // Not kept: the next trial tries again.
      loading = undefined;
      throw error;
    });
  return loading;
}
