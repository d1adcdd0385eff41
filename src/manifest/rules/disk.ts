import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../../errors/index.js';
import { LIMITS } from '../../model/limits.js';
import { diagnosticAt } from '../diagnostic-at.js';
import { type FileFacts, inspectFile, isProblem } from '../file-inspect.js';
import { validEntries } from '../merge.js';
import type { SourceDocument, ValuePath } from '../source-document.js';
import { codePointLength } from '../text-length.js';
import type { RuleContext } from './context.js';
import { checkCodeInterpreterFiles, checkStoreMembers } from './file-types.js';
import { expandGlobMembers, type GlobMatch } from './glob-members.js';

/** What the disk rules learned, for building the desired model without touching the disk again. */
export interface DiskFacts {
  files: Map<string, FileFacts>;
  /** Glob matches by store name and member index. */
  globs: Map<string, Map<number, GlobMatch[]>>;
  instructions: Map<string, { text: string; relativePath: string }>;
}

/**
 * Everything that needs the file system: declared files and instruction files exist, are regular,
 * small enough and inside the root; globs match something; files attached to vector stores have a
 * type file_search reads. Only stat and realpath touch referenced files; only instruction files
 * are read.
 */
export async function checkDisk(ctx: RuleContext): Promise<DiskFacts> {
  const { merged, report } = ctx;
  const allowOutside = ctx.options.allowOutsideRoot === true;
  const facts: DiskFacts = { files: new Map(), globs: new Map(), instructions: new Map() };

  const problemAt = (
    doc: SourceDocument,
    at: ValuePath,
    problem: { code: Diagnostic['code']; message: string; hint?: string },
  ) =>
    report(diagnosticAt(doc, at, problem.code, problem.message, problem.hint ? { hint: problem.hint } : {}));

  // Declared files.
  await Promise.all(
    validEntries(merged.files).map(async (entry) => {
      const shown = entry.value.path;
      const result = await inspectFile(
        path.resolve(entry.doc.dir, shown),
        shown,
        entry.doc.file.root,
        allowOutside,
      );
      if (isProblem(result)) problemAt(entry.doc, [...entry.path, 'path'], result);
      else facts.files.set(entry.name, result);
    }),
  );
  // Instruction files.
  await Promise.all(
    validEntries(merged.assistants).map(async (entry) => {
      const instructions = entry.value.instructions;
      if (typeof instructions !== 'object') return;
      const at = [...entry.path, 'instructions', 'file'];
      const result = await inspectFile(
        path.resolve(entry.doc.dir, instructions.file),
        instructions.file,
        entry.doc.file.root,
        allowOutside,
      );
      if (isProblem(result)) return problemAt(entry.doc, at, result);
      let text: string;
      try {
        text = await readFile(result.real, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? String(err);
        return problemAt(entry.doc, at, {
          code: 'FILE_NOT_FOUND',
          message: `file "${instructions.file}" cannot be read: ${code}`,
        });
      }
      const length = codePointLength(text);
      if (length > LIMITS.instructions) {
        return report(
          diagnosticAt(
            entry.doc,
            at,
            'OUT_OF_RANGE',
            `instructions of assistant "${entry.name}" read from "${instructions.file}" are ${length.toLocaleString('en-US')} characters long; the limit is ${LIMITS.instructions.toLocaleString('en-US')}`,
          ),
        );
      }
      facts.instructions.set(entry.name, { text, relativePath: result.relativePath });
    }),
  );

  const declaredByReal = new Map<string, string>();
  for (const [name, f] of facts.files) if (!declaredByReal.has(f.real)) declaredByReal.set(f.real, name);
  await expandGlobMembers(ctx, facts, declaredByReal);
  checkStoreMembers(ctx, facts);
  checkCodeInterpreterFiles(ctx, facts);
  return facts;
}
