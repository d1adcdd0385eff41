/**
 * Fitting a Markdown comment into a size limit by what matters to a reviewer, not by position.
 * The text is sections of blocks, in reading order. A block that `must` stay is always shown,
 * in its `short` form if its `full` one does not fit; the others are shown by rank (lower first:
 * drift and the graph, then file-level detail), each section's in order, until the room runs out.
 * Whatever is left out or shortened is counted, for a note saying so.
 */

export interface Block {
  full: string;
  /** For a block that must stay: its one-line form, used when `full` does not fit. */
  short?: string;
  /** Shown whatever the size (within reason): the heading, summary, destroys, non-file changes. */
  must?: boolean;
  /** For optional blocks: the lower are kept first (2: drift and the graph; 3: file-level detail). */
  rank?: number;
  /** What the note counts when it is left out (`file change`, `graph`); nothing when empty. */
  counts?: string;
  /** For a must-stay block too long for any comment: its text cut to `limit` characters. */
  partial?: (limit: number) => string;
}

export interface Section {
  /** Shown above the section's first shown block; empty for none. */
  title: string;
  blocks: Block[];
  /** Joined to the first shown block with `joiner` (a table's header rows); none when empty. */
  header?: string;
  /** Between blocks: a blank line (default) or one newline (table rows, list items). */
  joiner?: '\n\n' | '\n';
}

/** Below this, a change that does not fit is shortened rather than shown in part. */
const MIN_PARTIAL = 1_500;

type Shown = 'none' | 'short' | 'full' | 'partial';

/** Joins the head and sections within maxChars (room kept for the note), the note last. */
export function fitSections(
  head: readonly string[],
  sections: readonly Section[],
  maxChars: number,
  noteRoom: number,
  note: (left: Map<string, number>, shortened: number, partial: boolean) => string,
): string {
  const budget = maxChars - noteRoom;
  const shown: Shown[][] = sections.map((s) => s.blocks.map(() => 'none'));
  const partials = new Map<string, string>();
  const textOf = (si: number, bi: number, as: Shown): string => {
    const block = sections[si]?.blocks[bi] as Block;
    if (as === 'short') return block.short ?? block.full;
    if (as === 'partial') return partials.get(`${si}/${bi}`) ?? block.full;
    return as === 'full' ? block.full : '';
  };
  // The size is kept as parts (joined by blank lines) and their lengths, section by section, so
  // that trying a block costs the same however many there are.
  const count = sections.map(() => 0);
  const sum = sections.map(() => 0);
  const sectionParts = (si: number, n: number) => (n === 0 ? 0 : sections[si]?.title ? 2 : 1);
  const sectionLength = (si: number, n: number, total: number) => {
    const section = sections[si] as Section;
    const header = section.header ? 1 : 0;
    return n === 0
      ? 0
      : section.title.length +
          (section.header?.length ?? 0) +
          total +
          (section.joiner ?? '\n\n').length * (n - 1 + header);
  };
  let parts = head.length;
  let length = head.reduce((n, part) => n + part.length, 0);
  let size = length + 2 * Math.max(0, parts - 1) + 1;
  const tryShow = (si: number, bi: number, as: Shown): boolean => {
    const row = shown[si] as Shown[];
    const before = row[bi] as Shown;
    const n = count[si] as number;
    const total = sum[si] as number;
    const n2 = n + (before === 'none' ? 1 : 0) - (as === 'none' ? 1 : 0);
    const total2 = total - textOf(si, bi, before).length + textOf(si, bi, as).length;
    const parts2 = parts - sectionParts(si, n) + sectionParts(si, n2);
    const length2 = length - sectionLength(si, n, total) + sectionLength(si, n2, total2);
    const size2 = length2 + 2 * Math.max(0, parts2 - 1) + 1;
    if (size2 > budget) return false;
    row[bi] = as;
    count[si] = n2;
    sum[si] = total2;
    parts = parts2;
    length = length2;
    size = size2;
    return true;
  };
  const must = (si: number, bi: number) => sections[si]?.blocks[bi]?.must === true;
  for (const [si, section] of sections.entries())
    for (const [bi, block] of section.blocks.entries())
      if (block.must) tryShow(si, bi, block.short !== undefined ? 'short' : 'full');
  for (const [si, section] of sections.entries())
    for (const [bi, block] of section.blocks.entries()) {
      if (!must(si, bi) || shown[si]?.[bi] !== 'short') continue;
      if (tryShow(si, bi, 'full')) continue;
      const room = budget - size + textOf(si, bi, 'short').length;
      if (block.partial && room >= MIN_PARTIAL) {
        partials.set(`${si}/${bi}`, block.partial(room));
        if (!tryShow(si, bi, 'partial')) partials.delete(`${si}/${bi}`);
      }
    }
  const ranks = [...new Set(sections.flatMap((s) => s.blocks.map((b) => b.rank ?? 1)))].sort((a, b) => a - b);
  for (const rank of ranks)
    for (const [si, section] of sections.entries())
      for (const [bi, block] of section.blocks.entries()) {
        if (block.must || (block.rank ?? 1) !== rank) continue;
        if (!tryShow(si, bi, 'full')) break;
      }

  const left = new Map<string, number>();
  let shortened = 0;
  let partial = false;
  for (const [si, section] of sections.entries())
    for (const [bi, block] of section.blocks.entries()) {
      const as = shown[si]?.[bi];
      if (as === 'none' && block.counts) left.set(block.counts, (left.get(block.counts) ?? 0) + 1);
      if (as === 'short') shortened++;
      if (as === 'partial') partial = true;
    }
  const text = render(head, sections, shown, partials);
  const tail = note(left, shortened, partial);
  const out = tail ? `${text.trimEnd()}\n\n${tail}\n` : text;
  // Only a maxChars too small for the head itself gets here; never exceed it.
  return out.length <= maxChars ? out : `${out.slice(0, Math.max(0, maxChars - 2))}…\n`;
}

function render(
  head: readonly string[],
  sections: readonly Section[],
  shown: Shown[][],
  partials: Map<string, string>,
): string {
  const parts = [...head];
  for (const [si, section] of sections.entries()) {
    const texts = section.blocks.flatMap((block, bi) => {
      const as = shown[si]?.[bi];
      if (as === 'full') return [block.full];
      if (as === 'short') return [block.short ?? block.full];
      if (as === 'partial') return [partials.get(`${si}/${bi}`) ?? block.full];
      return [];
    });
    if (texts.length === 0) continue;
    if (section.title) parts.push(section.title);
    parts.push((section.header ? [section.header, ...texts] : texts).join(section.joiner ?? '\n\n'));
  }
  return `${parts.join('\n\n')}\n`;
}
