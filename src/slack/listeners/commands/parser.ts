/**
 * The `/case` text parser: pure, and it throws nothing but InvalidInputError — a specific one-line problem and
 * the usage line of the subcommand it concerns. (It is fuzzed; see test/slack/listeners/commands.)
 */
import * as z from 'zod';
import { InvalidInputError } from '../../../domain/errors.js';
import { echo, usageError } from './grammar.js';
import { subcommands as defaultTable } from './subcommands.js';
import type { Subcommand } from './types.js';
import { CommandWords } from './words.js';

/** Slack caps command text well below this; anything longer is not a person typing. */
const MAX_COMMAND_CHARS = 8000;
const CommandText = z.string().max(MAX_COMMAND_CHARS, 'That command is too long.');

export interface ParsedCommand {
  subcommand: Subcommand;
  args: unknown;
}

export function findSubcommand(
  name: string,
  table: readonly Subcommand[] = defaultTable,
): Subcommand | undefined {
  const wanted = name.toLowerCase();
  return table.find((s) => s.name === wanted || s.aliases.includes(wanted));
}

export function overviewUsage(table: readonly Subcommand[] = defaultTable): string {
  return `/case ${table.map((s) => s.name).join('|')} …  (/case help for details)`;
}

export function parseCaseCommand(text: unknown, table: readonly Subcommand[] = defaultTable): ParsedCommand {
  const checked = CommandText.safeParse(typeof text === 'string' ? text : '');
  if (!checked.success) throw usageError('That command is too long.', overviewUsage(table));
  const words = new CommandWords(checked.data);
  const first = words.at(0);
  const help = findSubcommand('help', table);
  if (first === undefined && help) return { subcommand: help, args: {} };
  const subcommand = first === undefined ? undefined : findSubcommand(first, table);
  if (!subcommand) {
    throw usageError(`${echo(first ?? '')} is not a /case subcommand.`, overviewUsage(table));
  }
  try {
    return { subcommand, args: subcommand.parse(words.from(1)) };
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    // A grammar bug must still reach the person as a usage answer, never as a stack trace.
    throw usageError('caseops could not read that command.', subcommand.usage);
  }
}
