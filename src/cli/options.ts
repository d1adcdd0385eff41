import { type Command, Option } from 'commander';

/** Commander's reducer for a repeatable option (`-f a -f b`, `--target x --target y`). */
export const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

/** A repeatable option whose help shows no default: not given, it is absent (read it with `?? []`). */
export function repeatableOption(flags: string, description: string): Option {
  return new Option(flags, description).argParser(collect);
}

/**
 * `-f PATH`, repeatable, on the commands that read manifests; its help shows the one default that
 * applies when it is not given (the value itself starts as an empty list; see findManifestFiles).
 */
export function manifestFileOption(
  description = 'manifest file or folder (repeatable)',
  shownDefault = 'the working folder',
): Option {
  return new Option('-f, --file <path>', description).argParser(collect).default([], shownDefault);
}

/**
 * `--replace ADDR` (repeatable) and `--refresh-only`, the two plan modes of `plan` and `apply`;
 * `refreshOnly` says, in the command's own words, what a refresh-only run does.
 */
export function planModeOptions(command: Command, refreshOnly: string): Command {
  return command
    .addOption(
      repeatableOption(
        '--replace <address>',
        'make this file, store or membership anew, though nothing forces it (repeatable)',
      ),
    )
    .option('--refresh-only', refreshOnly);
}

/**
 * `-f PATH` on the commands that read only the state (output, state, workspace, force-unlock): a
 * PostgreSQL state keeps one row per stack, and the manifests say which stack it is. A local state
 * ignores it.
 */
export function stackFileOption(command: Command): Command {
  return command.addOption(
    manifestFileOption('manifests that name the stack, for a PostgreSQL state (or ?stack= in the URL)'),
  );
}

/** What commands with stackFileOption get. */
export interface StackFileFlags {
  file?: string[];
}
