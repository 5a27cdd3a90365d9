import { afterAll } from 'vitest';
import { assertNoLeakedDatabases } from './db.js';

/**
 * Setup file of the database projects: after each test file (this hook runs after the file's own
 * afterAll hooks), a database the file created on the server and did not drop fails the file.
 */
afterAll(assertNoLeakedDatabases);
