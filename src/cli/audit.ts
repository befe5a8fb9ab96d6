/** Entry point of `npm run audit` (node dist/cli/audit.js); the work is in audit-export.ts. */
import { runAuditExport } from './audit-export.js';

process.exitCode = await runAuditExport({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
