import type { Command } from 'commander';
import { AssistantsError } from '../errors/index.js';

/**
 * `assistants completion bash|zsh|fish`: a completion script for the shell, made from the command
 * tree itself, so it always offers the commands and flags this version has. Each script completes
 * command names, subcommand names (state, workspace) and each command's flags; values (paths,
 * addresses) are left to the shell's own file completion.
 */

/** Words per command path: `''` for the top, `state` for its subcommands, `state list` for leaves. */
function completionTable(program: Command): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const visit = (command: Command, path: string) => {
    const flags = command.options.flatMap((option) => [option.long, option.short]).filter(Boolean);
    const subs = command.commands.map((sub) => sub.name());
    table.set(path, [...subs, ...(flags as string[]), '--help']);
    for (const sub of command.commands) visit(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  visit(program, '');
  return table;
}

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

function bash(table: Map<string, string[]>): string {
  const cases = [...table]
    .map(([path, words]) => `    ${quote(path)}) words=${quote(words.join(' '))} ;;`)
    .join('\n');
  return `# assistants completion for bash: eval "$(assistants completion bash)"
_assistants() {
  local cur path="" i words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -*) ;;
      *) case "\${path:+$path }\${COMP_WORDS[i]}" in
${[...table.keys()]
  .filter(Boolean)
  .map((p) => `           ${quote(p)}) path="${p}" ;;`)
  .join('\n')}
         esac ;;
    esac
  done
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  [ \${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _assistants assistants
`;
}

function zsh(table: Map<string, string[]>): string {
  return `#compdef assistants
# assistants completion for zsh: eval "$(assistants completion zsh)" (after compinit)
${bash(table).replace(/^# .*\n/, '')}`.replace(
    'complete -F _assistants assistants',
    'autoload -U +X bashcompinit && bashcompinit\ncomplete -F _assistants assistants',
  );
}

function fish(table: Map<string, string[]>): string {
  const lines = ['# assistants completion for fish: assistants completion fish | source'];
  for (const [path, words] of table) {
    const condition =
      path === '' ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${path.split(' ').at(-1)}`;
    for (const word of words) {
      const option = word.startsWith('--')
        ? `-l ${word.slice(2)}`
        : word.startsWith('-')
          ? `-s ${word.slice(1)}`
          : `-a ${word}`;
      lines.push(`complete -c assistants -n '${condition}' ${option}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const SHELLS = { bash, zsh, fish } as const;

/** The completion script for `shell`; another shell is USAGE, naming the three. */
export function completionScript(program: Command, shell: string): string {
  const make = SHELLS[shell as keyof typeof SHELLS];
  if (!make)
    throw new AssistantsError('USAGE', `no completion for "${shell}"`, {
      hint: 'assistants completion bash|zsh|fish',
    });
  return make(completionTable(program));
}
