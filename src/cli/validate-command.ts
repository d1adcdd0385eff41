import { Command, Option } from 'commander';
import { validateManifests } from '../manifest/validate.js';
import { renderValidationJson } from '../render/validation-json.js';
import { renderValidationText } from '../render/validation-text.js';
import { EXIT } from './exit-codes.js';
import { collect } from './options.js';
import type { CommandContext } from './program.js';

/** `assistants validate [-f PATH]...`: offline checks of the manifests; exit 1 on any error. */
export function validateCommand(context: CommandContext): Command {
  return new Command('validate')
    .description('check manifests offline: YAML, schema and semantic rules (no API key needed)')
    .option(
      '-f, --file <path>',
      'manifest file or folder (repeatable; default: assistants.yaml)',
      collect,
      [],
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--json', 'same as --format json')
    .option('--allow-outside-root', 'accept referenced paths that resolve outside the manifest root')
    .action(async (opts: { file: string[]; format: string; json?: boolean; allowOutsideRoot?: boolean }) => {
      const { io } = context;
      const json = opts.json === true || opts.format === 'json';
      context.json = json;
      const result = await validateManifests(opts.file, {
        cwd: io.cwd,
        env: io.env,
        allowOutsideRoot: opts.allowOutsideRoot === true,
      });
      if (json) {
        io.stdout(renderValidationJson(result));
      } else {
        const text = renderValidationText(result, context.style());
        if (text.stderr) io.stderr(text.stderr);
        if (text.stdout) io.stdout(text.stdout);
      }
      context.exitCode = result.value ? EXIT.OK : EXIT.ERROR;
    });
}
