/**
 * The `/case` subcommand table. To add one, write it as a `defineSubcommand({...})` in its own file and list
 * it here — one import, one line; help and the parser pick it up.
 */
import { auditSubcommand } from './audit.js';
import { cancelSubcommand } from './cancel.js';
import { digestSubcommand } from './digest.js';
import { helpSubcommand } from './help.js';
import { listSubcommand } from './list.js';
import { noteSubcommand } from './note.js';
import { nudgeSubcommand } from './nudge.js';
import { openSubcommand } from './open.js';
import { quietSubcommand } from './quiet.js';
import { showSubcommand } from './show.js';
import type { Subcommand } from './types.js';
import { updatesSubcommand } from './updates.js';
import { vendorsSubcommand } from './vendors.js';
import { unwatchSubcommand, watchingSubcommand, watchSubcommand } from './watch.js';

export const subcommands: Subcommand[] = [
  helpSubcommand(() => subcommands),
  openSubcommand,
  showSubcommand,
  noteSubcommand,
  cancelSubcommand,
  listSubcommand,
  watchSubcommand,
  unwatchSubcommand,
  watchingSubcommand,
  digestSubcommand,
  nudgeSubcommand,
  quietSubcommand,
  updatesSubcommand,
  auditSubcommand,
  vendorsSubcommand,
];
