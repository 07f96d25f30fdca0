import * as z from 'zod';

/**
 * A deploy setting that holds one value per name: an object in cdk.json (`{"activate": 20}`), or
 * `name=value,name=value` from the CLI or the environment. Names left out keep their defaults; an
 * unknown name is an error, because a misspelt one would otherwise be ignored without a word.
 * With `off`, the words `off` and `none` stand for that value under every name.
 */
export function settingsMap<Shape extends z.ZodRawShape>(
  shape: Shape,
  off?: Readonly<Record<keyof Shape, unknown>>,
) {
  const map = z.preprocess((raw) => {
    if (typeof raw !== 'string') return raw;
    const text = raw.trim();
    if (off && /^(off|none)$/i.test(text)) return off;
    const pairs = text
      .split(',')
      .map((pair) => pair.trim())
      .filter((pair) => pair.length > 0)
      .map((pair) => {
        const at = pair.indexOf('=');
        // A name without `=value` gets '' so that its schema reports it rather than defaulting.
        return at < 0 ? [pair, ''] : [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      });
    return Object.fromEntries(pairs);
  }, z.strictObject(shape));
  // Unset: parsed as an empty map, so every name takes its default.
  return map.prefault({});
}

const WHOLE = 'must be a whole number, 0 or more';

/** A whole number ≥ 0, from cdk.json (a number) or from text. */
export const wholeNumber = z
  .union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)], { message: WHOLE })
  .pipe(z.number().int({ message: WHOLE }).nonnegative({ message: WHOLE }));
