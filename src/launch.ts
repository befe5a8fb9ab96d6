/**
 * The production entry point (`node dist/main.js`): turns on Node's compile cache, then loads the app.
 *
 * Most of a start is V8 compiling the bundle. With the cache on, a start after the first reads the compiled
 * code back from disk instead. The cache must be on before the app's modules are loaded, hence this module of
 * its own in front of them. It goes where NODE_COMPILE_CACHE says, or under the system's temporary folder;
 * Node checks each entry against the source, so a new build or Node version recompiles. A folder that cannot
 * be written only means no cache: the app starts all the same.
 */
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./main.js');
