import { CODE_INTERPRETER_EXTENSIONS, extensionOf, FILE_SEARCH_EXTENSIONS } from '../../model/file-types.js';
import { counted } from '../../util/words.js';
import { diagnosticAt } from '../diagnostic-at.js';
import { isGlobMember } from '../manifest-types.js';
import { validEntries } from '../merge.js';
import type { ValuePath } from '../source-document.js';
import type { RuleContext } from './context.js';
import type { DiskFacts } from './disk.js';
import { listed } from './listed.js';

/** Each store lists a file once, and every file it lists has a type file_search can index. */
export function checkStoreMembers(ctx: RuleContext, facts: DiskFacts): void {
  const supported = [...FILE_SEARCH_EXTENSIONS].join(' ');
  for (const store of validEntries(ctx.merged.vector_stores)) {
    const seen = new Map<string, ValuePath>();
    const globs = facts.globs.get(store.name);
    const duplicate = (file: string, at: ValuePath) => {
      const first = seen.get(file);
      if (!first) {
        seen.set(file, at);
        return false;
      }
      ctx.report(
        diagnosticAt(
          store.doc,
          at,
          'DUPLICATE_MEMBER',
          `vector store "${store.name}" lists file "${file}" twice`,
          {
            related: [{ message: 'first listed here', location: store.doc.locate(first) }],
            hint: 'a file is attached to a store once; narrow the glob or drop one entry',
          },
        ),
      );
      return true;
    };
    (store.value.files ?? []).forEach((member, index) => {
      const memberPath = [...store.path, 'files', index];
      if (isGlobMember(member)) {
        const unsupported: string[] = [];
        for (const match of globs?.get(index) ?? []) {
          if (duplicate(match.name, [...memberPath, 'glob'])) continue;
          if (!FILE_SEARCH_EXTENSIONS.has(extensionOf(match.facts.real)))
            unsupported.push(match.facts.relativePath);
        }
        if (unsupported.length > 0) {
          ctx.report(
            diagnosticAt(
              store.doc,
              [...memberPath, 'glob'],
              'UNSUPPORTED_FILE_TYPE',
              `glob "${member.glob}" matches ${counted(unsupported.length, 'file')} that file_search cannot index: ${listed(unsupported)}`,
              { hint: `file_search reads ${supported}; narrow the glob, e.g. **/*.md` },
            ),
          );
        }
        return;
      }
      // A file attached by id is not on disk: only a second listing of it can be checked here.
      if (typeof member === 'object' && 'file_id' in member) {
        duplicate(member.file_id, [...memberPath, 'file_id']);
        return;
      }
      const name = typeof member === 'string' ? member : member.file;
      const at = typeof member === 'string' ? memberPath : [...memberPath, 'file'];
      if (duplicate(name, at)) return;
      const file = facts.files.get(name);
      if (file && !FILE_SEARCH_EXTENSIONS.has(extensionOf(file.real))) {
        ctx.report(
          diagnosticAt(
            store.doc,
            at,
            'UNSUPPORTED_FILE_TYPE',
            `file "${name}" (${file.relativePath}) cannot be indexed by file_search: its type ${extensionOf(file.real) || '(no extension)'} is not supported`,
            { hint: `file_search reads ${supported}` },
          ),
        );
      }
    });
  }
}

/** code_interpreter reads a wider set of types; an unknown one is a warning, as the sandbox may cope. */
export function checkCodeInterpreterFiles(ctx: RuleContext, facts: DiskFacts): void {
  for (const assistant of validEntries(ctx.merged.assistants)) {
    const names = assistant.value.tool_resources?.code_interpreter?.files ?? [];
    names.forEach((name, index) => {
      const file = facts.files.get(name);
      if (!file || CODE_INTERPRETER_EXTENSIONS.has(extensionOf(file.real))) return;
      ctx.report(
        diagnosticAt(
          assistant.doc,
          [...assistant.path, 'tool_resources', 'code_interpreter', 'files', index],
          'UNSUPPORTED_FILE_TYPE',
          `file "${name}" (${file.relativePath}) has a type code_interpreter does not list as supported: ${extensionOf(file.real) || '(no extension)'}`,
          {
            severity: 'warning',
            hint: `code_interpreter reads ${[...CODE_INTERPRETER_EXTENSIONS].join(' ')}`,
          },
        ),
      );
    });
  }
}
