// Where the tests find the repository and the official vectors (../shared/vectors beside the clone).
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../..');
export const SHARED_VECTORS = resolve(REPO_ROOT, '../shared/vectors');
