import type OpenAI from 'openai';
import type { FilePurpose } from '../model/desired.js';
import type { LiveFile } from '../model/live.js';
import type { Page } from './live-view.js';

/** The API allows up to 10,000 files per page of GET /files: one request for most accounts. */
export const FILES_PAGE_SIZE = 10_000;

/** A file object as the planner compares it. */
export function liveFile(file: OpenAI.Files.FileObject): LiveFile {
  return {
    id: file.id,
    createdAt: file.created_at,
    attributes: { filename: file.filename, purpose: file.purpose as FilePurpose, bytes: file.bytes },
  };
}

export async function listFilesPage(client: OpenAI, after?: string): Promise<Page<LiveFile>> {
  const page = await client.files.list({
    limit: FILES_PAGE_SIZE,
    order: 'desc',
    ...(after ? { after } : {}),
  });
  return { data: page.data.map(liveFile), hasMore: page.has_more };
}
