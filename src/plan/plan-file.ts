import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AssistantsError } from '../errors/index.js';

/**
 * Writes a saved plan (`plan -o FILE`): the JSON plan, which records the lineage, serial and
 * manifest digest that `apply FILE` checks before it acts. Written whole or not at all.
 */
export async function writePlanFile(file: string, json: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID()}.tmp`);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temp, json, { mode: 0o600 });
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw new AssistantsError(
      'PLAN_FILE_UNWRITABLE',
      `cannot write the plan to ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      { cause: err },
    );
  }
}
