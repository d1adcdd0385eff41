import { createStyle, type Style } from './style.js';

/**
 * The marker column of a plan line, Terraform's symbols: `+` create/add, `-` destroy/remove,
 * `~` update/change, `-/+` and `+/-` the two orders of replacement, ` ` an unchanged (context) line.
 */
export type Marker = '+' | '-' | '~' | '-/+' | '+/-' | ' ';

/**
 * One line of a rendered change, kept as structure until the last step so that the terminal text
 * and the Markdown `diff` block can lay out the same content differently (Markdown moves the
 * marker to the first column, where GitHub colours diff lines).
 *
 * Columns at depth d: the marker is right-aligned to column 4d+2, the text starts at 4d+4.
 * - with `marker`: the marker, a space, the text;
 * - with `atMarker`: the text starts at the marker column (comments, hunk headers);
 * - otherwise: the text starts at the text column (continuations, hidden counts).
 * `text` may hold style codes; it never holds a newline.
 */
export interface PlanLine {
  depth: number;
  text: string;
  marker?: Marker;
  atMarker?: boolean;
  /** The diff sign a line without marker belongs to (a line of a heredoc that is added, ...). */
  tone?: '+' | '-' | '~';
}

/** Colours a marker: green `+`, red `-`, yellow `~`; a replacement's two signs each in its colour. */
export function paintMarker(marker: Marker, style: Style): string {
  switch (marker) {
    case '+':
      return style.green(marker);
    case '-':
      return style.red(marker);
    case '~':
      return style.yellow(marker);
    case '-/+':
      return `${style.red('-')}/${style.green('+')}`;
    case '+/-':
      return `${style.green('+')}/${style.red('-')}`;
    case ' ':
      return marker;
  }
}

/** Lines for a terminal: markers in their columns, coloured by `style`. */
export function linesToText(lines: readonly PlanLine[], style: Style): string {
  return lines.map((line) => lineToText(line, style)).join('\n');
}

function lineToText(line: PlanLine, style: Style): string {
  const indent = ' '.repeat(4 * line.depth);
  if (line.marker !== undefined) {
    const marker = paintMarker(line.marker, style);
    const pad = ' '.repeat(3 - line.marker.length);
    return line.text === '' && line.marker === ' '
      ? ''
      : `${indent}${pad}${marker}${line.text === '' ? '' : ` ${line.text}`}`;
  }
  if (line.text === '') return '';
  return `${indent}${line.atMarker ? '  ' : '    '}${line.text}`;
}

/**
 * Lines for a Markdown ```diff block: the same layout as the terminal's, uncoloured, with the diff
 * sign moved to the first column (`~` written `!`, as Atlantis does) so that GitHub colours it.
 * Lines must have been built with a plain style.
 */
export function linesToDiff(lines: readonly PlanLine[]): string {
  return lines.map(lineToDiff).join('\n');
}

function lineToDiff(line: PlanLine): string {
  const plain = lineToText(line, PLAIN_MARKERS);
  const sign = line.marker ?? line.tone;
  if (sign === undefined || sign === ' ' || sign === '-/+' || sign === '+/-') return plain;
  const first = sign === '~' ? '!' : sign;
  if (line.marker !== undefined) {
    // The marker's own column becomes a space, so the text keeps its place.
    return `${first}${' '.repeat(4 * line.depth + 2)}${line.text === '' ? '' : ` ${line.text}`}`;
  }
  return plain === '' ? first : `${first}${plain.slice(1)}`;
}

const PLAIN_MARKERS = createStyle(false);
