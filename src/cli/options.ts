/** Commander's reducer for a repeatable option (`-f a -f b`, `--target x --target y`). */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];
