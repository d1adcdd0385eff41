import pc from 'picocolors';

/** The colours renderers use; `plain` when output is not a terminal or NO_COLOR / --no-color is set. */
export type Style = ReturnType<typeof pc.createColors>;

export function createStyle(color: boolean): Style {
  return pc.createColors(color);
}
