import type { Route } from '../router.js';
import { assistantRoutes } from './assistants.js';
import { fileBatchRoutes } from './file-batches.js';
import { fileRoutes } from './files.js';
import { responseRoutes } from './responses.js';
import { searchRoutes } from './search.js';
import { skillVersionRoutes } from './skill-versions.js';
import { skillRoutes } from './skills.js';
import { vectorStoreFileRoutes } from './vector-store-files.js';
import { vectorStoreRoutes } from './vector-stores.js';

/**
 * The 26 operations of the spec subset (`api/endpoints.md`), by resource, `POST /responses`, and
 * the 11 of `/skills`.
 */
export function allRoutes(): Route[] {
  return [
    ...assistantRoutes(),
    ...fileRoutes(),
    ...vectorStoreRoutes(),
    ...fileBatchRoutes(),
    ...vectorStoreFileRoutes(),
    ...searchRoutes(),
    ...responseRoutes(),
    ...skillRoutes(),
    ...skillVersionRoutes(),
  ];
}
