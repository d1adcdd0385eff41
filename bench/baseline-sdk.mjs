#!/usr/bin/env node
// The baseline of `npm run bench`: what a user would run without assistants-iac, written with the
// official SDK the way its documentation recommends for many files, and no better or worse than a
// careful script. It reads the stack from stack.json (bench/make-stack.mjs) and keeps no state.
//
//   apply DIR            each store in turn: create it, then
//                        `vectorStores.fileBatches.uploadAndPoll(store, {files}, {maxConcurrency: 5})`
//                        (uploads 5 at a time, one file batch, polls until indexed); then create
//                        the assistants.
//   sync DIR [--dry-run] a re-run with no state: list files, stores, each store's files and the
//                        assistants; a file counts as unchanged when one of the store's files has
//                        its name and size (without state, the content of an uploaded file cannot
//                        be compared: the API does not hand it back); upload and attach what is new
//                        or changed per store with uploadAndPoll, detach and delete what it
//                        replaced; create or update assistants that differ. --dry-run only lists.
//   destroy DIR          list and delete the stack's assistants, stores and files, 5 at a time.
//
// The SDK retries 429s and 5xx itself (maxRetries 5 here, above its default of 2).
// Usage: node bench/baseline-sdk.mjs apply|sync|destroy DIR [--dry-run] --base-url URL
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'base-url': { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
});
const [command, dir] = positionals;
const client = new OpenAI({ baseURL: values['base-url'], maxRetries: 5 });
const spec = JSON.parse(await readFile(join(dir, 'stack.json'), 'utf8'));

async function all(page) {
  const items = [];
  for await (const item of page) items.push(item);
  return items;
}

function assistantBody(assistant, storeIds) {
  return {
    model: assistant.model,
    name: assistant.name,
    instructions: assistant.instructions,
    tools: [{ type: 'file_search' }],
    tool_resources: { file_search: { vector_store_ids: [storeIds.get(assistant.store)] } },
  };
}

async function apply() {
  const storeIds = new Map();
  for (const store of spec.stores) {
    const created = await client.vectorStores.create({ name: store.name });
    storeIds.set(store.key, created.id);
    await client.vectorStores.fileBatches.uploadAndPoll(
      created.id,
      { files: store.files.map((file) => createReadStream(join(dir, file))) },
      { maxConcurrency: 5 },
    );
  }
  for (const assistant of spec.assistants)
    await client.beta.assistants.create(assistantBody(assistant, storeIds));
}

async function sync(dryRun) {
  const [files, stores, assistants] = await Promise.all([
    all(client.files.list({ limit: 10_000 })),
    all(client.vectorStores.list({ limit: 100 })),
    all(client.beta.assistants.list({ limit: 100 })),
  ]);
  const fileById = new Map(files.map((file) => [file.id, file]));
  const storeIds = new Map();
  let changes = 0;
  for (const store of spec.stores) {
    let live = stores.find((s) => s.name === store.name);
    if (!live && dryRun) {
      changes += 1 + store.files.length;
      continue;
    }
    live ??= await client.vectorStores.create({ name: store.name });
    storeIds.set(store.key, live.id);
    const members = await all(client.vectorStores.files.list(live.id, { limit: 100 }));
    const attached = members.map((m) => fileById.get(m.id)).filter(Boolean);
    const upload = [];
    const replaced = [];
    for (const file of store.files) {
      const name = basename(file);
      const bytes = (await stat(join(dir, file))).size;
      const same = attached.filter((f) => f.filename === name);
      if (same.some((f) => f.bytes === bytes)) continue;
      upload.push(file);
      replaced.push(...same.map((f) => f.id));
    }
    changes += upload.length;
    if (dryRun || upload.length === 0) continue;
    await client.vectorStores.fileBatches.uploadAndPoll(
      live.id,
      { files: upload.map((file) => createReadStream(join(dir, file))) },
      { maxConcurrency: 5 },
    );
    for (const id of replaced) {
      await client.vectorStores.files.delete(id, { vector_store_id: live.id });
      await client.files.delete(id);
    }
  }
  for (const assistant of spec.assistants) {
    const live = assistants.find((a) => a.name === assistant.name);
    if (dryRun) {
      if (!live) changes += 1;
      continue;
    }
    const body = assistantBody(assistant, storeIds);
    const current = live && {
      model: live.model,
      name: live.name,
      instructions: live.instructions,
      store: live.tool_resources?.file_search?.vector_store_ids?.[0],
    };
    if (!live) await client.beta.assistants.create(body);
    else if (
      current.model !== body.model ||
      current.instructions !== body.instructions ||
      current.store !== body.tool_resources.file_search.vector_store_ids[0]
    ) {
      changes += 1;
      await client.beta.assistants.update(live.id, body);
    }
  }
  console.log(`${changes} change(s)${dryRun ? ' found' : ' made'}`);
}

async function destroy() {
  const names = new Set(spec.stores.flatMap((s) => s.files.map((f) => basename(f))));
  const storeNames = new Set(spec.stores.map((s) => s.name));
  const assistantNames = new Set(spec.assistants.map((a) => a.name));
  const [files, stores, assistants] = await Promise.all([
    all(client.files.list({ limit: 10_000 })),
    all(client.vectorStores.list({ limit: 100 })),
    all(client.beta.assistants.list({ limit: 100 })),
  ]);
  // Five at a time, as uploads go: a careful script does not delete thousands of files one by one.
  await pool(
    assistants.filter((a) => assistantNames.has(a.name)),
    (a) => client.beta.assistants.delete(a.id),
  );
  await pool(
    stores.filter((s) => storeNames.has(s.name)),
    (s) => client.vectorStores.delete(s.id),
  );
  await pool(
    files.filter((f) => names.has(f.filename)),
    (f) => client.files.delete(f.id),
  );
}

async function pool(items, work, concurrency = 5) {
  const queue = items.values();
  const worker = async () => {
    for (const item of queue) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

if (command === 'apply') await apply();
else if (command === 'sync') await sync(values['dry-run']);
else if (command === 'destroy') await destroy();
else {
  console.error('usage: node bench/baseline-sdk.mjs apply|sync|destroy DIR [--dry-run] --base-url URL');
  process.exit(1);
}
