type Write = typeof process.stdout.write;

/**
 * Collects everything written to stdout/stderr (where Powertools Logger writes) until
 * `restore()`, so tests can assert what the logs do and do not contain.
 */
export function captureOutput(): { text(): string; restore(): void } {
  const chunks: string[] = [];
  const originals: Array<[NodeJS.WriteStream, Write]> = [
    [process.stdout, process.stdout.write],
    [process.stderr, process.stderr.write],
  ];
  for (const [stream] of originals) {
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      chunks.push(
        typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'),
      );
      const callback = rest.find((item) => typeof item === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as Write;
  }
  return {
    text: () => chunks.join(''),
    restore: () => {
      for (const [stream, write] of originals) stream.write = write;
    },
  };
}
