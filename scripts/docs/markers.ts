/**
 * A generated table sits in its Markdown file between two marker lines, exactly:
 *
 *     <!-- generated:NAME:start -->
 *     …table…
 *     <!-- generated:NAME:end -->
 *
 * Everything outside the markers is prose that `pnpm run docs` leaves alone.
 */
export function markerLines(name: string): { start: string; end: string } {
  return { start: `<!-- generated:${name}:start -->`, end: `<!-- generated:${name}:end -->` };
}

/** Where `name`'s block is in `text` (offsets of its body), or why it cannot be found. */
export type BlockPlace = { bodyStart: number; bodyEnd: number } | { problem: string };

/** Finds `name`'s block: each marker on a line of its own, once, the start before the end. */
export function findBlock(text: string, name: string): BlockPlace {
  const { start, end } = markerLines(name);
  const lines = text.split('\n');
  const startLines = lines.flatMap((line, index) => (line === start ? [index] : []));
  const endLines = lines.flatMap((line, index) => (line === end ? [index] : []));
  if (startLines.length !== 1 || endLines.length !== 1) {
    const missing = startLines.length === 0 ? start : endLines.length === 0 ? end : undefined;
    return {
      problem: missing
        ? `has no line \`${missing}\``
        : `has the markers of \`${name}\` more than once`,
    };
  }
  const [startLine, endLine] = [startLines[0] as number, endLines[0] as number];
  if (endLine < startLine) return { problem: `has \`${end}\` before \`${start}\`` };
  const offsetOf = (line: number) =>
    lines.slice(0, line).reduce((sum, text) => sum + text.length + 1, 0);
  return { bodyStart: offsetOf(startLine + 1), bodyEnd: offsetOf(endLine) };
}

/** The text between `name`'s markers (no trailing newline), or why it cannot be read. */
export function blockBody(text: string, name: string): { body: string } | { problem: string } {
  const place = findBlock(text, name);
  if ('problem' in place) return place;
  return { body: text.slice(place.bodyStart, place.bodyEnd).replace(/\n$/, '') };
}

/** `text` with the body of `name`'s block replaced by `body`; throws if the block is not there. */
export function replaceBlock(text: string, name: string, body: string): string {
  const place = findBlock(text, name);
  if ('problem' in place) throw new Error(`${place.problem} (block ${name})`);
  return `${text.slice(0, place.bodyStart)}${body}\n${text.slice(place.bodyEnd)}`;
}

/** A Markdown table cell: a `|` would end the cell early, a line break the row. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
