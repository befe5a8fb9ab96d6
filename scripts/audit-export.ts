/**
 * The audit export without a build, for development: `npx tsx scripts/audit-export.ts --since 2026-11-01`.
 * Deployed images run the compiled `npm run audit` (dist/cli/audit.js); both are src/cli/audit-export.ts.
 */
import { runAuditExport } from '../src/cli/audit-export.js';

process.exitCode = await runAuditExport({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
