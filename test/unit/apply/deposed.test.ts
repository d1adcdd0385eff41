import { describe, expect, it } from 'vitest';
import { deposedDoubtOf } from '../../../src/apply/apply-run.js';
import { depose, leftoverDeposed } from '../../../src/apply/deposed.js';
import type { StateDocument } from '../../../src/state/state-document.js';
import { appliedState, desired, emptyLive, file, member, store } from '../../helpers/planner-builders.js';

function stateWithFile(): StateDocument {
  return appliedState(
    desired({ files: [file('faq')], vectorStores: [store('kb')], memberships: [member('kb', 'faq')] }),
  );
}

describe('old halves of replacements: checked before they are deleted', () => {
  it('records the old file name and size in the journal, and reads them back', () => {
    const doc = stateWithFile();
    depose(doc, 'file.faq', 'file', 'file-old', { expect: { filename: 'faq.md', bytes: 100 } });
    delete doc.resources['file.faq'];
    expect(doc.pending[0]?.match).toEqual({ filename: 'faq.md', bytes: 100 });
    expect(leftoverDeposed(doc)).toMatchObject([
      { id: 'file-old', expect: { filename: 'faq.md', bytes: 100 } },
    ]);
  });

  it('deletes an old file only while the API still has it under the recorded name and size', () => {
    const doc = stateWithFile();
    const live = emptyLive();
    const old = {
      address: 'file.faq',
      kind: 'file' as const,
      id: 'file-old',
      pendingId: 'p',
      expect: { filename: 'faq.md', bytes: 100 },
    };
    live.files.set('file-old', {
      id: 'file-old',
      createdAt: 1,
      attributes: { filename: 'faq.md', purpose: 'assistants', bytes: 100 },
    });
    expect(deposedDoubtOf(old, doc, live)).toBeUndefined();
    // A hand-edited journal naming someone else's file.
    live.files.set('file-old', {
      id: 'file-old',
      createdAt: 1,
      attributes: { filename: 'payroll.xlsx', purpose: 'assistants', bytes: 7 },
    });
    expect(deposedDoubtOf(old, doc, live)).toMatchObject({ code: 'FILE_IDENTITY_MISMATCH' });
    // An entry that records nothing to check by cannot be trusted either...
    const { expect: _e, ...unrecorded } = old;
    expect(deposedDoubtOf(unrecorded, doc, live)).toMatchObject({ code: 'PENDING_UNVERIFIED' });
    // ...unless the file now at its address has the old one's name (entries of earlier versions).
    live.files.set('file-old', {
      id: 'file-old',
      createdAt: 1,
      attributes: { filename: 'faq.md', purpose: 'assistants', bytes: 42 },
    });
    expect(deposedDoubtOf(unrecorded, doc, live)).toBeUndefined();
    // Already gone: nothing to check, nothing to delete.
    expect(deposedDoubtOf(old, doc, emptyLive())).toBeUndefined();
  });

  it("detaches an old attachment only from one of the state's own stores", () => {
    const doc = stateWithFile();
    const attachment = {
      address: 'vector_store_file.kb/faq',
      kind: 'vector_store_file' as const,
      id: 'file-old',
      pendingId: 'p',
    };
    expect(deposedDoubtOf({ ...attachment, storeId: 'vs_kb' }, doc, emptyLive())).toBeUndefined();
    expect(deposedDoubtOf({ ...attachment, storeId: 'vs_theirs' }, doc, emptyLive())).toMatchObject({
      code: 'PENDING_UNVERIFIED',
    });
  });
});
