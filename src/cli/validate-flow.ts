import { validateManifests } from '../manifest/validate.js';
import { renderValidationJson } from '../render/validation-json.js';
import { renderValidationText } from '../render/validation-text.js';
import { EXIT } from './exit-codes.js';
import type { CommandContext } from './program.js';
import { skippedNotes } from './skipped-notes.js';

/** The flags of `assistants validate`, as commander parses them. */
export interface ValidateFlags {
  file: string[];
  format: string;
  json?: boolean;
  allowOutsideRoot?: boolean;
}

/** `assistants validate`: reads and checks the manifests, prints the findings; exit 1 on any error. */
export async function runValidate(context: CommandContext, flags: ValidateFlags): Promise<void> {
  const { io } = context;
  const json = flags.json === true || flags.format === 'json';
  context.json = json;
  const result = await validateManifests(flags.file, {
    cwd: io.cwd,
    env: io.env,
    allowOutsideRoot: flags.allowOutsideRoot === true,
    onSkipped: skippedNotes(context),
  });
  if (json) {
    io.stdout(renderValidationJson(result));
  } else {
    const text = renderValidationText(result, context.style());
    if (text.stderr) io.stderr(text.stderr);
    if (text.stdout) io.stdout(text.stdout);
  }
  context.exitCode = result.value ? EXIT.OK : EXIT.ERROR;
}
